using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;

namespace ParaPlan.CostModel.Physics;

/// <summary>
/// What one GPU of each pipeline stage holds: its weights (docs/cost-model.md, section 1), the KV cache of a
/// sequence, and the transient activations of a prefill chunk (section 2).
/// </summary>
internal sealed class StageMemory
{
    private const double ActivationBytes = 2.0;   // bf16 activations
    private const double GB = 1e9;

    private readonly ModelArchitecture _model;
    private readonly ModelShard _shard;
    private readonly StageLayout _layout;
    private readonly WeightFormats _formats;
    private readonly EfficiencyProfile _profile;
    private readonly int _sp;
    private readonly int _dp;
    private readonly int _ep;

    public StageMemory(ModelArchitecture model, ParallelStrategy strategy, ModelShard shard, StageLayout layout, WeightFormats formats, EfficiencyProfile profile)
    {
        _model = model;
        _shard = shard;
        _layout = layout;
        _formats = formats;
        _profile = profile;
        _sp = strategy.SequenceParallel;
        _dp = strategy.DataParallel;
        _ep = strategy.ExpertParallel;
    }

    /// <summary>Weight bytes one GPU of <paramref name="stage"/> holds, by part.</summary>
    public StageWeights WeightBytes(int stage)
    {
        int layers = _layout.Layers[stage];
        int moeLayers = _layout.MoeLayers[stage];
        int denseLayers = layers - moeLayers;
        double attention = layers * ((_shard.AttentionParameters * _formats.Attention) + (_shard.NormParameters * 2));
        double experts = moeLayers * ((_shard.ExpertParametersPerLayer * _formats.Experts) + (_shard.RouterParameters * WeightFormats.Router));
        double dense = (denseLayers * _shard.DenseFfnParameters * _formats.Dense) + (moeLayers * _shard.SharedParameters * _formats.Dense);
        double embedding = 0;
        if (stage == 0)
        {
            embedding += _shard.EmbeddingParameters * _formats.Edge;
        }

        if (stage == _layout.Stages - 1 && !(_model.TiedEmbeddings && _layout.Stages == 1))
        {
            embedding += _shard.EmbeddingParameters * _formats.Edge;
        }

        return new StageWeights(attention, experts, dense, embedding);
    }

    /// <summary>
    /// KV-cache bytes one sequence of <paramref name="context"/> tokens takes on a GPU of stage <paramref name="stage"/>:
    /// its full-attention layers hold the whole context, its sliding-window layers at most their window.
    /// </summary>
    public double KvBytesPerSequence(int stage, double context) =>
        _layout.KvLayerTokens(stage, context, _sp) * _shard.KvElementsPerTokenLayer * _formats.KvCache;

    /// <summary>
    /// Peak transient activations of one prefill chunk, GB: the residual stream and its norm, the QKV and attention
    /// outputs, the widest FFN/MoE intermediate (gate and up), and fp32 logits of the sequences finishing in it.
    /// </summary>
    public double ActivationGb()
    {
        double chunk = _profile.MaxBatchedTokens / (double)_sp;
        double ffn = Math.Max(_shard.DenseFfnWidth, _shard.SharedWidth);
        if (_model.Moe is { } moe && _model.IsMoe)
        {
            double routedTokens = chunk * _dp * _sp * moe.ExpertsPerToken / _ep;
            ffn = Math.Max(ffn, routedTokens / chunk * _shard.ExpertWidth);
        }

        double perToken = (4.0 * _model.HiddenSize) + _shard.QkvOutputWidth + _shard.AttentionOutputWidth + (2 * ffn);
        double logits = Math.Min(chunk, 256) * _shard.VocabularyPerGpu * 4;
        return ((chunk * perToken * ActivationBytes) + logits) / GB;
    }

    /// <summary>
    /// Sequences per DP group whose KV cache fits beside the weights, activations and runtime reserve on every stage
    /// (<paramref name="kvPerSequenceGb"/>: the busiest stage's KV per sequence, GB).
    /// </summary>
    public int SequencesThatFit(double limitGb, double activationsGb, double runtimeGb, int context, out double kvPerSequenceGb)
    {
        kvPerSequenceGb = 0;
        int fits = int.MaxValue;
        for (int s = 0; s < _layout.Stages; s++)
        {
            if (!_layout.IsRepresentative(s))
            {
                continue;
            }

            double free = limitGb - (WeightBytes(s).Total / GB) - activationsGb - runtimeGb;
            double kvPerSequence = KvBytesPerSequence(s, context) / GB;
            kvPerSequenceGb = Math.Max(kvPerSequenceGb, kvPerSequence);
            int fit = free <= 0 ? 0 : (int)Math.Min(int.MaxValue / 4, Math.Floor(free / kvPerSequence));
            fits = Math.Min(fits, fit);
        }

        return fits;
    }

    /// <summary>Memory of the busiest GPU with <paramref name="runningPerGroup"/> sequences of <paramref name="context"/> tokens.</summary>
    public MemoryPerGpu At(double runningPerGroup, int context, double activations, double runtime, double capacity, double limit)
    {
        int busiest = 0;
        double busiestTotal = -1;
        StageWeights busiestWeights = default;
        double busiestKv = 0;
        for (int s = 0; s < _layout.Stages; s++)
        {
            if (!_layout.IsRepresentative(s))
            {
                continue;
            }

            StageWeights weights = WeightBytes(s);
            double kv = runningPerGroup * KvBytesPerSequence(s, context);
            if (weights.Total + kv > busiestTotal)
            {
                busiest = s;
                busiestTotal = weights.Total + kv;
                busiestWeights = weights;
                busiestKv = kv;
            }
        }

        double weightsGb = busiestWeights.Total / GB;
        double kvGb = busiestKv / GB;
        double total = weightsGb + kvGb + activations + runtime;
        return new MemoryPerGpu(
            Round(weightsGb), Round(kvGb), Round(activations), Round(runtime), Round(total), capacity, Round(limit),
            Round(busiestWeights.Attention / GB), Round(busiestWeights.Experts / GB), Round(busiestWeights.Dense / GB),
            Round(busiestWeights.Embedding / GB), Round(KvBytesPerSequence(busiest, context) / 1e6));
    }

    private static double Round(double value) => Math.Round(value, 4);
}

/// <summary>Weight bytes of one GPU of a stage, by part.</summary>
internal readonly record struct StageWeights(double Attention, double Experts, double Dense, double Embedding)
{
    public double Total => Attention + Experts + Dense + Embedding;
}
