using System.Collections.Immutable;

namespace ParaPlan.Domain;

/// <summary>
/// A decoder-only transformer as a planner needs it: layers of attention followed by a dense SwiGLU feed-forward
/// or a mixture of experts, an input embedding and an LM head. Each layer's attention is full (every earlier
/// token) or bounded by a sliding window. Derived figures (parameters, KV cache per token, FLOPs per token) are
/// computed once, when the value is built.
/// </summary>
public sealed record ModelArchitecture
{
    private readonly ImmutableArray<bool> _moeLayers;
    private readonly int[] _moeLayersBefore;
    private readonly ImmutableArray<int?> _windows;
    private readonly int[] _slidingLayersBefore;

    /// <param name="name">Display name.</param>
    /// <param name="layerCount">Decoder layers (multi-token-prediction layers excluded).</param>
    /// <param name="hiddenSize">Width of the residual stream.</param>
    /// <param name="attention">The attention block of every layer.</param>
    /// <param name="denseIntermediateSize">Width of the dense SwiGLU FFN; required when any layer is dense.</param>
    /// <param name="moe">The MoE block of MoE layers; null for a dense model.</param>
    /// <param name="moeLayers">Per layer, whether it is an MoE layer; null means every layer when <paramref name="moe"/> is set.</param>
    /// <param name="vocabSize">Vocabulary size.</param>
    /// <param name="tiedEmbeddings">Whether the LM head re-uses the input embedding matrix.</param>
    /// <param name="declaredParameters">A parameter count the source states, only compared with the architecture.</param>
    /// <param name="family">Where the architecture came from (a Hugging Face model_type, or "inline").</param>
    /// <param name="attentionWindows">
    /// Per layer, the keys a query attends to at most (its sliding window, the query itself included), or null for
    /// full attention; null means every layer is full attention.
    /// </param>
    public ModelArchitecture(
        string name,
        int layerCount,
        int hiddenSize,
        AttentionSpec attention,
        int? denseIntermediateSize,
        MixtureOfExperts? moe,
        IReadOnlyList<bool>? moeLayers,
        int vocabSize,
        bool tiedEmbeddings = false,
        double? declaredParameters = null,
        string family = "inline",
        IReadOnlyList<int?>? attentionWindows = null)
    {
        Name = Guard.NotBlank(name, nameof(name));
        LayerCount = Guard.Positive(layerCount, nameof(layerCount));
        HiddenSize = Guard.Positive(hiddenSize, nameof(hiddenSize));
        Attention = attention ?? throw new ArgumentNullException(nameof(attention));
        VocabSize = Guard.Positive(vocabSize, nameof(vocabSize));
        TiedEmbeddings = tiedEmbeddings;
        Family = family;
        Moe = moe;
        if (declaredParameters is { } declared)
        {
            Guard.Positive(declared, nameof(declaredParameters));
        }

        DeclaredParameters = declaredParameters;

        if (moeLayers is not null && moeLayers.Count != layerCount)
        {
            throw new ArgumentException(
                $"moeLayers has {moeLayers.Count} entries but the model has {layerCount} layers.", nameof(moeLayers));
        }

        if (moe is null && moeLayers is not null && moeLayers.Any(isMoe => isMoe))
        {
            throw new ArgumentException("moeLayers marks MoE layers but the model has no MoE block.", nameof(moeLayers));
        }

        _moeLayers = moeLayers is not null
            ? [.. moeLayers]
            : ImmutableArray.CreateRange(Enumerable.Repeat(moe is not null, layerCount));
        _moeLayersBefore = new int[layerCount + 1];
        for (int i = 0; i < layerCount; i++)
        {
            _moeLayersBefore[i + 1] = _moeLayersBefore[i] + (_moeLayers[i] ? 1 : 0);
        }

        MoeLayerCount = _moeLayersBefore[layerCount];
        DenseLayerCount = layerCount - MoeLayerCount;

        if (attentionWindows is not null && attentionWindows.Count != layerCount)
        {
            throw new ArgumentException(
                $"attentionWindows has {attentionWindows.Count} entries but the model has {layerCount} layers.", nameof(attentionWindows));
        }

        _windows = attentionWindows is not null
            ? [.. attentionWindows.Select((window, layer) => window is { } w ? Guard.Positive(w, $"{nameof(attentionWindows)}[{layer}]") : (int?)null)]
            : ImmutableArray.CreateRange(Enumerable.Repeat((int?)null, layerCount));
        _slidingLayersBefore = new int[layerCount + 1];
        for (int i = 0; i < layerCount; i++)
        {
            _slidingLayersBefore[i + 1] = _slidingLayersBefore[i] + (_windows[i] is null ? 0 : 1);
        }

        SlidingWindowLayerCount = _slidingLayersBefore[layerCount];
        FullAttentionLayerCount = layerCount - SlidingWindowLayerCount;
        SlidingWindows = [.. _windows.OfType<int>().Distinct().Order()];

        if (DenseLayerCount > 0)
        {
            if (denseIntermediateSize is not { } width)
            {
                throw new ArgumentException(
                    $"denseIntermediateSize is required: {DenseLayerCount} of {layerCount} layers are dense.", nameof(denseIntermediateSize));
            }

            Guard.Positive(width, nameof(denseIntermediateSize));
        }

        DenseIntermediateSize = denseIntermediateSize;
        Parameters = CountParameters();
        ActiveParameters = CountActiveParameters();
        ActiveMatmulParameters = CountActiveMatmulParameters();
        KvCacheElementsPerToken = checked(Attention.KvCacheElementsPerTokenPerLayer * FullAttentionLayerCount);
        SlidingWindowKvCacheElements = checked(_windows.Sum(window => (long)(window ?? 0)) * Attention.KvCacheElementsPerTokenPerLayer);
    }

    public string Name { get; }

    public string Family { get; }

    public int LayerCount { get; }

    public int HiddenSize { get; }

    public AttentionSpec Attention { get; }

    public int? DenseIntermediateSize { get; }

    public MixtureOfExperts? Moe { get; }

    public int VocabSize { get; }

    public bool TiedEmbeddings { get; }

    public double? DeclaredParameters { get; }

    public bool IsMoe => Moe is not null && MoeLayerCount > 0;

    public int MoeLayerCount { get; }

    public int DenseLayerCount { get; }

    /// <summary>Whether layer <paramref name="layer"/> (0-based) is an MoE layer.</summary>
    public bool IsMoeLayer(int layer) => _moeLayers[layer];

    /// <summary>MoE layers among the <paramref name="count"/> layers starting at <paramref name="start"/> (0-based).</summary>
    public int CountMoeLayers(int start, int count) => _moeLayersBefore[start + count] - _moeLayersBefore[start];

    /// <summary>Layers whose attention is bounded by a sliding window.</summary>
    public int SlidingWindowLayerCount { get; }

    /// <summary>Layers whose attention sees every earlier token.</summary>
    public int FullAttentionLayerCount { get; }

    /// <summary>True when some layer's attention is bounded by a sliding window.</summary>
    public bool HasSlidingWindow => SlidingWindowLayerCount > 0;

    /// <summary>The distinct sliding windows of the model's layers, smallest first (empty when every layer is full).</summary>
    public IReadOnlyList<int> SlidingWindows { get; }

    /// <summary>
    /// The keys a query of layer <paramref name="layer"/> (0-based) attends to at most, itself included (its sliding
    /// window), or null when the layer's attention is full.
    /// </summary>
    public int? AttentionWindow(int layer) => _windows[layer];

    /// <summary>Sliding-window layers among the <paramref name="count"/> layers starting at <paramref name="start"/> (0-based).</summary>
    public int CountSlidingWindowLayers(int start, int count) => _slidingLayersBefore[start + count] - _slidingLayersBefore[start];

    /// <summary>
    /// Layers with sliding window <paramref name="window"/> among the <paramref name="count"/> layers starting at
    /// <paramref name="start"/> (0-based).
    /// </summary>
    public int CountLayersWithWindow(int start, int count, int window)
    {
        int layers = 0;
        for (int i = start; i < start + count; i++)
        {
            if (_windows[i] == window)
            {
                layers++;
            }
        }

        return layers;
    }

    /// <summary>All parameters by component (embeddings and LM head included, MTP layers excluded).</summary>
    public ParameterBreakdown Parameters { get; }

    public long TotalParameters => Parameters.Total;

    /// <summary>Parameters one token multiplies through: the input embedding lookup is not counted.</summary>
    public long ActiveParameters { get; }

    /// <summary>Active parameters that sit in GEMMs (norm scales and biases left out): 2 FLOPs each per token.</summary>
    public long ActiveMatmulParameters { get; }

    /// <summary>
    /// Scalars the KV cache stores per token of context over the full-attention layers (every layer when the model
    /// has no sliding window): what grows with the context. Sliding-window layers add at most
    /// <see cref="SlidingWindowKvCacheElements"/> per sequence, whatever its length.
    /// </summary>
    public long KvCacheElementsPerToken { get; }

    /// <summary>
    /// Scalars the sliding-window layers' KV cache holds per sequence at most (each layer's window x its elements per
    /// token); 0 when every layer is full attention.
    /// </summary>
    public long SlidingWindowKvCacheElements { get; }

    /// <summary>
    /// Scalars the KV cache of one sequence of <paramref name="contextTokens"/> tokens holds over all layers: the
    /// full layers' <c>context</c> tokens and each sliding layer's <c>min(context, window)</c>.
    /// </summary>
    public long KvCacheElementsPerSequence(long contextTokens)
    {
        if (contextTokens < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(contextTokens), contextTokens, "contextTokens must be 0 or more.");
        }

        long windowed = 0;
        foreach (int? window in _windows)
        {
            if (window is { } w)
            {
                windowed = checked(windowed + Math.Min(contextTokens, w));
            }
        }

        return checked((KvCacheElementsPerToken * contextTokens) + (windowed * Attention.KvCacheElementsPerTokenPerLayer));
    }

    /// <summary>Forward FLOPs for one token attending to <paramref name="contextTokens"/> tokens.</summary>
    public FlopsPerToken FlopsPerToken(long contextTokens)
    {
        if (contextTokens < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(contextTokens), contextTokens, "contextTokens must be 0 or more.");
        }

        double matmul = 2.0 * ActiveMatmulParameters;
        double attention = (double)Attention.AttentionCoreFlopsPerToken(contextTokens) * FullAttentionLayerCount;
        foreach (int? window in _windows)
        {
            if (window is { } w)
            {
                attention += Attention.AttentionCoreFlopsPerToken(Math.Min(contextTokens, w));
            }
        }

        return new FlopsPerToken(contextTokens, matmul, attention);
    }

    /// <summary>
    /// The weights' formats per module as the published checkpoint stores them (its <c>quantization_config</c>), or
    /// null when the source does not say (a bf16 checkpoint, an inline model). A scenario that states no precision
    /// runs the checkpoint as it is.
    /// </summary>
    public Precision? CheckpointPrecision { get; init; }

    /// <summary>Relative difference between the declared and the counted parameters, when a figure was declared.</summary>
    public double? DeclaredParameterDeviation =>
        DeclaredParameters is { } declared ? (declared - TotalParameters) / TotalParameters : null;

    private long DenseFeedForwardPerLayer => DenseIntermediateSize is { } width ? checked(3L * HiddenSize * width) : 0;

    private long LayerNormsPerLayer => 2L * HiddenSize;

    private ParameterBreakdown CountParameters()
    {
        long embedding = (long)VocabSize * HiddenSize;
        long lmHead = TiedEmbeddings ? 0 : embedding;
        long attention = checked(Attention.Parameters(HiddenSize) * LayerCount);
        long dense = checked(DenseFeedForwardPerLayer * DenseLayerCount);
        long routed = 0, shared = 0, routers = 0;
        if (Moe is { } moe)
        {
            routed = checked(moe.ParametersPerExpert(HiddenSize) * moe.ExpertCount * MoeLayerCount);
            shared = checked(moe.SharedParameters(HiddenSize) * MoeLayerCount);
            routers = checked(moe.RouterParameters(HiddenSize) * MoeLayerCount);
        }

        long norms = checked((LayerNormsPerLayer * LayerCount) + HiddenSize);
        return new ParameterBreakdown(embedding, lmHead, attention, dense, routed, shared, routers, norms);
    }

    private long CountActiveParameters()
    {
        ParameterBreakdown all = Parameters;
        long lmHead = (long)VocabSize * HiddenSize; // the head is multiplied through whether or not it is tied
        long active = checked(lmHead + all.Attention + all.DenseFeedForward + all.SharedExperts + all.Routers + all.Norms);
        if (Moe is { } moe)
        {
            active = checked(active + (moe.ParametersPerExpert(HiddenSize) * moe.ExpertsPerToken * MoeLayerCount));
        }

        return active;
    }

    private long CountActiveMatmulParameters()
    {
        long nonMatmul = checked((Attention.NonMatmulParameters(HiddenSize) * LayerCount) + Parameters.Norms);
        if (Moe is { HasRouterBias: true } moe)
        {
            nonMatmul = checked(nonMatmul + ((long)moe.ExpertCount * MoeLayerCount));
        }

        if (Moe is { HasExpertBias: true } biased)
        {
            nonMatmul = checked(nonMatmul + (biased.ExpertBiasParameters(HiddenSize) * biased.ExpertsPerToken * MoeLayerCount));
        }

        return ActiveParameters - nonMatmul;
    }
}
