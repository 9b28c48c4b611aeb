using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;

namespace ParaPlan.CostModel.Physics;

/// <summary>
/// The GPU physics of one step on each pipeline stage: every operator of a layer as a roofline (docs/cost-model.md,
/// sections 3-5), the collectives between the stage's GPUs, and the busiest expert-parallel rank of the MoE layers.
/// Knows nothing of the engine's serving loop (batching, chunking, CPU overheads per step), which
/// <see cref="Serving.ServingModel"/> builds on it.
/// </summary>
internal sealed class StagePhysics
{
    private const double ActivationBytes = 2.0;   // bf16 activations and collectives

    private readonly Scenario _scenario;
    private readonly ModelArchitecture _model;
    private readonly EfficiencyProfile _profile;
    private readonly ModelShard _shard;
    private readonly StageLayout _layout;
    private readonly WeightFormats _formats;
    private readonly GpuSpec _gpu;
    private readonly int _tp;
    private readonly int _sp;
    private readonly int _dp;
    private readonly int _ep;
    private readonly int _stageGpus;
    private readonly double _dispatchBytes;
    private readonly double _hbm;
    private readonly double _skew;

    public StagePhysics(Scenario scenario, ParallelStrategy strategy, EfficiencyProfile profile, double routingSkew, ModelShard shard, StageLayout layout, WeightFormats formats)
    {
        _scenario = scenario;
        _model = scenario.Model;
        _profile = profile;
        _shard = shard;
        _layout = layout;
        _formats = formats;
        _gpu = scenario.Hardware.Gpu;
        _skew = routingSkew;
        _tp = strategy.TensorParallel;
        _sp = strategy.SequenceParallel;
        _dp = strategy.DataParallel;
        _ep = strategy.ExpertParallel;
        _stageGpus = (int)strategy.GpusPerStage;
        _dispatchBytes = formats.Experts <= 1.0 ? 1.0 : ActivationBytes;

        NumericFormat weights = scenario.Precision.Weights;
        GemmFormat = ComputeFormat(weights);
        GemmRunsIn = _gpu.ComputeFormatFor(GemmFormat);
        PeakGemm = _gpu.PeakTflopsFor(GemmFormat) * 1e12;
        GemmEfficiency = GemmRunsIn.BytesPerElement() < 2.0
            ? profile.GemmComputeEfficiency * profile.LowPrecisionGemmRatio
            : profile.GemmComputeEfficiency;
        PeakAttention = _gpu.PeakTflopsFor(NumericFormat.Bf16) * 1e12;
        _hbm = _gpu.MemoryBandwidthTbps * 1e12;
    }

    /// <summary>The format the model's GEMMs are meant to run in (int4 weight-only GEMMs dequantise into 16-bit).</summary>
    public NumericFormat GemmFormat { get; }

    /// <summary>The format this GPU runs them in (its nearest format with tensor cores).</summary>
    public NumericFormat GemmRunsIn { get; }

    /// <summary>Peak dense tensor throughput of the GEMMs, FLOP/s.</summary>
    public double PeakGemm { get; }

    /// <summary>Fraction of <see cref="PeakGemm"/> a large dense GEMM reaches.</summary>
    public double GemmEfficiency { get; }

    /// <summary>Peak 16-bit tensor throughput attention runs at, FLOP/s.</summary>
    public double PeakAttention { get; }

    /// <summary>
    /// Costs every stage for a step in which each DP group processes <paramref name="tokensPerGroup"/> tokens;
    /// returns the slowest stage's ledger, the sum of stage times and the memory-only times. Stages of one class are
    /// costed once; <paramref name="capture"/>, when given, receives every stage's ledger in order.
    /// </summary>
    public (OperatorLedger Slowest, double Sum, double MemorySum, double MemorySlowest) Stages(
        double tokensPerGroup, double attentionFlops, double attentionBytes, bool prefill, double sequencesFinishing, bool keep, List<OperatorLedger>? capture)
    {
        OperatorLedger? slowest = null;
        double sum = 0, memorySum = 0, memorySlowest = 0;
        int stages = _layout.Stages;
        OperatorLedger?[] byClass = stages > 1 ? new OperatorLedger?[stages] : [null];
        for (int s = 0; s < stages; s++)
        {
            int cls = _layout.ClassOf(s);
            OperatorLedger ledger;
            if (byClass[cls] is { } known)
            {
                ledger = known;
            }
            else
            {
                ledger = new OperatorLedger(keep, _layout.Layers[s]);
                StageTime(ledger, s, tokensPerGroup, attentionFlops, attentionBytes, prefill, sequencesFinishing);
                byClass[cls] = ledger;
            }

            capture?.Add(ledger);
            sum += ledger.Seconds;
            memorySum += ledger.MemoryOnlySeconds;
            memorySlowest = Math.Max(memorySlowest, ledger.MemoryOnlySeconds);
            if (slowest is null || ledger.Seconds > slowest.Seconds)
            {
                slowest = ledger;
            }
        }

        return (slowest!, sum, memorySum, memorySlowest);
    }

    /// <summary>Busiest EP rank's load over the mean for a step of <paramref name="stageTokens"/> tokens entering the MoE layers.</summary>
    public double Imbalance(double stageTokens)
    {
        if (_model.Moe is not { } moe)
        {
            return 1;
        }

        return ExpertLoad.UniformImbalance(stageTokens, moe.ExpertsPerToken, moe.ExpertCount, _ep)
            * ExpertLoad.SkewImbalance(_skew, moe.ExpertCount, _ep);
    }

    /// <summary>True when a group of <paramref name="ranks"/> ranks <paramref name="stride"/> apart spans more than one node.</summary>
    public bool CrossesNodes(int ranks, int stride) => ranks > 1 && (long)ranks * stride > _scenario.Hardware.GpusPerNode;

    /// <summary>
    /// The time of one stage for a step in which each DP group processes <paramref name="tokensPerGroup"/> tokens.
    /// </summary>
    private void StageTime(OperatorLedger ledger, int stage, double tokensPerGroup, double attentionFlops, double attentionBytes, bool prefill, double sequencesFinishing)
    {
        int layers = _layout.Layers[stage];
        int moeLayers = _layout.MoeLayers[stage];
        int denseLayers = layers - moeLayers;
        int h = _model.HiddenSize;
        double rows = tokensPerGroup / _sp;       // GEMM rows per GPU on the attention side
        double stageTokens = tokensPerGroup * _dp; // tokens entering the stage's MoE layers

        // Attention block, every layer.
        Gemm(ledger, OperatorNames.QkvProjection, layers, rows, _shard.QkvParameters, rows * (h + _shard.QkvOutputWidth) * ActivationBytes, _formats.Attention);
        Roofline(ledger, prefill ? OperatorNames.AttentionPrefill : OperatorNames.AttentionDecode, "compute", layers, attentionFlops, attentionBytes, PeakAttention, _profile.AttentionComputeEfficiency);
        Gemm(ledger, OperatorNames.OutputProjection, layers, rows, _shard.OutputParameters, rows * (h + _shard.AttentionOutputWidth) * ActivationBytes, _formats.Attention);
        Memory(ledger, OperatorNames.Norms, layers, rows * h * ActivationBytes * 8);
        (double tpBw, double tpLat) = Link(_tp, 1);
        Comm(ledger, OperatorNames.TpAllReduceAttention, layers, Collectives.RingAllReduce(_tp, rows * h * ActivationBytes, tpBw, tpLat), rows * h * ActivationBytes);
        if (_sp > 1)
        {
            (double spBw, double spLat) = Link(_sp, _tp);
            double bytes = prefill
                ? (_sp - 1) * rows * _shard.KvElementsPerTokenLayer * ActivationBytes           // ring pass of K/V chunks
                : tokensPerGroup * _shard.AttentionOutputWidth * 4.0;                          // partial outputs + log-sum-exp
            double seconds = prefill ? Collectives.SendReceive(bytes, spBw, (_sp - 1) * spLat) : Collectives.RingAllGather(_sp, bytes, spBw, spLat);
            Comm(ledger, prefill ? OperatorNames.SpRing : OperatorNames.SpGather, layers, seconds, bytes);
        }

        // Dense FFN layers.
        if (denseLayers > 0)
        {
            Gemm(ledger, OperatorNames.DenseFfn, denseLayers, rows, _shard.DenseFfnParameters, rows * (h + (3 * _shard.DenseFfnWidth)) * ActivationBytes, _formats.Dense);
            Comm(ledger, OperatorNames.TpAllReduceFfn, denseLayers, Collectives.RingAllReduce(_tp, rows * h * ActivationBytes, tpBw, tpLat), rows * h * ActivationBytes);
        }

        // MoE layers.
        if (moeLayers > 0 && _model.Moe is { } moe)
        {
            Gemm(ledger, OperatorNames.Router, moeLayers, rows, _shard.RouterParameters, 0, _formats.Edge);
            double meanLoad = stageTokens * moe.ExpertsPerToken / _ep;  // token-expert assignments per EP rank
            double imbalance = Imbalance(stageTokens);
            double load = meanLoad * imbalance;
            double activated = ExpertLoad.ActivatedFraction(stageTokens, moe.ExpertsPerToken, moe.ExpertCount);
            double expertsTouched = Math.Max(Math.Min(1, load), _shard.ExpertsPerRank * activated);
            double expertFlops = 2.0 * load * _shard.ExpertParameters;
            double expertBytes = (expertsTouched * _shard.ExpertParameters * _formats.Experts) + (load * (h + (3 * _shard.ExpertWidth)) * ActivationBytes);
            double rowsPerExpert = load / Math.Max(expertsTouched, 1e-9);
            RooflineGemm(ledger, OperatorNames.RoutedExperts, moeLayers, expertFlops, expertBytes, rowsPerExpert, _profile.MoeGemmComputeEfficiency, _profile.MoeMemoryBandwidthEfficiency, _profile.MoeGemmHalfEfficiencyTokens);
            if (_shard.SharedParameters > 0)
            {
                Gemm(ledger, OperatorNames.SharedExperts, moeLayers, rows, _shard.SharedParameters, rows * (h + (3 * _shard.SharedWidth)) * ActivationBytes, _formats.Dense);
            }

            MoeCommunication(ledger, moeLayers, rows, stageTokens, moe);
            ledger.Add(OperatorNames.MoeKernels, "overhead", moeLayers, _profile.MoeLayerOverheadUs / 1e6, 0, 0, "overhead", 0);
            ledger.Add(OperatorNames.ExpertSetup, "overhead", moeLayers, expertsTouched * _profile.ExpertOverheadUs / 1e6, 0, 0, "overhead", 0);
        }

        // Pipeline edges: embedding on the first stage, LM head on the last, hand-off between stages.
        if (stage == 0)
        {
            Memory(ledger, OperatorNames.Embedding, 1, rows * h * _formats.Edge);
        }

        if (stage == _layout.Stages - 1)
        {
            double headRows = prefill ? Math.Max(sequencesFinishing / _sp, 1.0 / _sp) : rows;
            Gemm(ledger, OperatorNames.LmHead, 1, headRows, _shard.EmbeddingParameters, headRows * _shard.VocabularyPerGpu * 4, _formats.Edge);
        }
        else
        {
            (double ppBw, double ppLat) = Link(2, _stageGpus);
            Comm(ledger, OperatorNames.PpSend, 1, Collectives.SendReceive(rows * h * ActivationBytes, ppBw, ppLat), rows * h * ActivationBytes);
        }

        double launch = _profile.LayerOverheadUs / 1e6;
        ledger.Add(OperatorNames.KernelLaunches, "overhead", layers, launch, 0, 0, "overhead", 0);
    }

    private void MoeCommunication(OperatorLedger ledger, int moeLayers, double rows, double stageTokens, MixtureOfExperts moe)
    {
        int h = _model.HiddenSize;
        (double bw, double lat) = Link(_stageGpus, 1);
        if (_dp * _sp == 1)
        {
            // Tokens are replicated across the stage after the attention all-reduce: each rank computes its experts'
            // share and the outputs are summed (vLLM/TRT-LLM TP-MoE and EP without attention-DP).
            double bytes = rows * h * ActivationBytes;
            Comm(ledger, OperatorNames.MoeAllReduce, moeLayers, Collectives.RingAllReduce(_stageGpus, bytes, bw, lat), bytes);
        }
        else if (_ep > 1)
        {
            // Attention-DP with EP: dispatch each token to the ranks of its experts and combine back (DeepEP).
            double tokensPerGpu = stageTokens / _stageGpus;
            double dispatch = tokensPerGpu * moe.ExpertsPerToken * h * _dispatchBytes;
            double combine = tokensPerGpu * moe.ExpertsPerToken * h * ActivationBytes;
            Comm(ledger, OperatorNames.Dispatch, moeLayers, AllToAllSeconds(_stageGpus, dispatch), dispatch);
            Comm(ledger, OperatorNames.Combine, moeLayers, AllToAllSeconds(_stageGpus, combine), combine);
            if (_tp > 1 && _shard.SharedParameters > 0)
            {
                (double tpBw, double tpLat) = Link(_tp, 1);
                Comm(ledger, OperatorNames.TpAllReduceShared, moeLayers, Collectives.RingAllReduce(_tp, rows * h * ActivationBytes, tpBw, tpLat), rows * h * ActivationBytes);
            }
        }
        else
        {
            // Attention-DP with tensor-parallel experts: gather every group's tokens, reduce-scatter the outputs.
            double bytes = stageTokens * h * ActivationBytes;
            Comm(ledger, OperatorNames.MoeAllGather, moeLayers, Collectives.RingAllGather(_stageGpus, bytes, bw, lat), bytes);
            Comm(ledger, OperatorNames.MoeReduceScatter, moeLayers, Collectives.RingAllGather(_stageGpus, bytes, bw, lat), bytes);
        }
    }

    private void Gemm(OperatorLedger ledger, string name, int count, double rows, double parameters, double activationBytes, double weightBytes)
    {
        if (parameters <= 0 || count <= 0)
        {
            return;
        }

        double flops = 2.0 * rows * parameters;
        double bytes = (parameters * weightBytes) + activationBytes;
        RooflineGemm(ledger, name, count, flops, bytes, rows);
    }

    /// <summary>time = max(flops / (peak x eff x M / (M + M0)), bytes / (HBM x eff)).</summary>
    private void RooflineGemm(OperatorLedger ledger, string name, int count, double flops, double bytes, double rows, double? efficiency = null, double? bandwidthEfficiency = null, double? halfEfficiencyTokens = null)
    {
        double shape = rows / (rows + (halfEfficiencyTokens ?? _profile.GemmHalfEfficiencyTokens));
        double compute = flops / (PeakGemm * (efficiency ?? GemmEfficiency) * Math.Max(shape, 1e-6));
        double memory = bytes / (_hbm * (bandwidthEfficiency ?? _profile.MemoryBandwidthEfficiency));
        ledger.Add(name, "compute", count, Math.Max(compute, memory), flops, bytes, compute >= memory ? "compute" : "memory", memory);
    }

    private void Roofline(OperatorLedger ledger, string name, string kind, int count, double flops, double bytes, double peak, double efficiency)
    {
        double compute = flops / (peak * efficiency);
        double memory = bytes / (_hbm * _profile.MemoryBandwidthEfficiency);
        ledger.Add(name, kind, count, Math.Max(compute, memory), flops, bytes, compute >= memory ? "compute" : "memory", memory);
    }

    private void Memory(OperatorLedger ledger, string name, int count, double bytes)
    {
        double seconds = bytes / (_hbm * _profile.MemoryBandwidthEfficiency);
        ledger.Add(name, "compute", count, seconds, 0, bytes, "memory", seconds);
    }

    private static void Comm(OperatorLedger ledger, string name, int count, double seconds, double bytes)
    {
        if (seconds <= 0)
        {
            return;
        }

        ledger.Add(name, "communication", count, seconds, 0, bytes, "communication", 0);
    }

    /// <summary>
    /// Effective bandwidth (bytes/s) and latency (s) of a group of <paramref name="ranks"/> ranks
    /// <paramref name="stride"/> apart: NVLink when the group fits in a node, else the network. Ranks are laid
    /// out tp fastest, then sp, dp, pp, replica (Megatron's order).
    /// </summary>
    private (double Bandwidth, double Latency) Link(int ranks, int stride)
    {
        bool crosses = CrossesNodes(ranks, stride);
        LinkSpec link = crosses ? _gpu.InterNode : _gpu.IntraNode;
        double efficiency = crosses ? _profile.InterNodeLinkEfficiency : _profile.IntraNodeLinkEfficiency;
        return (link.BandwidthGbps * 1e9 * efficiency, link.LatencyUs / 1e6);
    }

    /// <summary>All-to-all over the stage: NVLink for peers in the node, the network for the rest, whichever is slower.</summary>
    private double AllToAllSeconds(int ranks, double bytesPerRank)
    {
        int perNode = _scenario.Hardware.GpusPerNode;
        if (ranks <= perNode)
        {
            (double bw, double lat) = Link(ranks, 1);
            return Collectives.AllToAll(ranks, bytesPerRank, bw, lat);
        }

        double intraBw = _gpu.IntraNode.BandwidthGbps * 1e9 * _profile.IntraNodeLinkEfficiency;
        double interBw = _gpu.InterNode.BandwidthGbps * 1e9 * _profile.InterNodeLinkEfficiency;
        double local = (perNode - 1.0) / ranks * bytesPerRank;
        double remote = (ranks - perNode) / (double)ranks * bytesPerRank;
        return Math.Max(local / intraBw, remote / interBw) + (2 * _gpu.InterNode.LatencyUs / 1e6);
    }

    private static NumericFormat ComputeFormat(NumericFormat weights) => weights switch
    {
        NumericFormat.Int4 => NumericFormat.Bf16,   // weight-only W4A16: dequantised into 16-bit GEMMs
        _ => weights,
    };
}
