namespace ParaPlan.Domain;

/// <summary>
/// The mixture-of-experts feed-forward of an MoE layer: <c>ExpertCount</c> routed SwiGLU experts of width
/// <c>ExpertIntermediateSize</c>, of which each token uses <c>ExpertsPerToken</c>; a router (h x E); and optionally
/// shared experts every token passes through, held as one SwiGLU block of width <c>SharedIntermediateSize</c>.
/// </summary>
public sealed record MixtureOfExperts
{
    public MixtureOfExperts(
        int expertCount,
        int expertsPerToken,
        int expertIntermediateSize,
        int sharedExpertCount = 0,
        int? sharedIntermediateSize = null,
        bool hasSharedExpertGate = false,
        bool hasRouterBias = false,
        bool hasExpertBias = false)
    {
        ExpertCount = Guard.Positive(expertCount, nameof(expertCount));
        ExpertsPerToken = Guard.Positive(expertsPerToken, nameof(expertsPerToken));
        if (expertsPerToken > expertCount)
        {
            throw new ArgumentOutOfRangeException(
                nameof(expertsPerToken), expertsPerToken, $"expertsPerToken must be at most expertCount {expertCount}; got {expertsPerToken}.");
        }

        ExpertIntermediateSize = Guard.Positive(expertIntermediateSize, nameof(expertIntermediateSize));
        SharedExpertCount = Guard.NonNegative(sharedExpertCount, nameof(sharedExpertCount));
        SharedIntermediateSize = sharedIntermediateSize is { } width
            ? Guard.NonNegative(width, nameof(sharedIntermediateSize))
            : checked(sharedExpertCount * expertIntermediateSize);
        HasSharedExpertGate = hasSharedExpertGate;
        HasRouterBias = hasRouterBias;
        HasExpertBias = hasExpertBias;
    }

    public int ExpertCount { get; }

    public int ExpertsPerToken { get; }

    public int ExpertIntermediateSize { get; }

    /// <summary>Shared experts as the model describes them (for reports).</summary>
    public int SharedExpertCount { get; }

    /// <summary>Total width of the shared-expert block (0 when there is none).</summary>
    public int SharedIntermediateSize { get; }

    /// <summary>A sigmoid gate (h x 1) on the shared expert's output (Qwen2-MoE).</summary>
    public bool HasSharedExpertGate { get; }

    /// <summary>A per-expert bias on the router (DeepSeek-V3's "noaux_tc" score correction; gpt-oss's router bias).</summary>
    public bool HasRouterBias { get; }

    /// <summary>Biases on each expert's gate-up and down projections (gpt-oss: <c>gate_up_proj_bias</c>, <c>down_proj_bias</c>).</summary>
    public bool HasExpertBias { get; }

    /// <summary>Parameters of one routed expert: gate, up and down projections, and their biases when it has them.</summary>
    public long ParametersPerExpert(int hiddenSize) => checked((3L * hiddenSize * ExpertIntermediateSize) + ExpertBiasParameters(hiddenSize));

    /// <summary>Bias parameters of one routed expert: 2 f_e (gate and up) + h (down), or 0.</summary>
    public long ExpertBiasParameters(int hiddenSize) => HasExpertBias ? checked((2L * ExpertIntermediateSize) + hiddenSize) : 0;

    public long RouterParameters(int hiddenSize) =>
        checked(((long)hiddenSize * ExpertCount) + (HasRouterBias ? ExpertCount : 0));

    public long SharedParameters(int hiddenSize) =>
        checked((3L * hiddenSize * SharedIntermediateSize) + (HasSharedExpertGate && SharedIntermediateSize > 0 ? hiddenSize : 0));
}
