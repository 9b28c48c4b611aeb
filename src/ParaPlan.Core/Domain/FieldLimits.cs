using System.Globalization;

namespace ParaPlan.Domain;

/// <summary>
/// The range a numeric input field may take: at least (or, with <paramref name="AboveMinimum"/>, above)
/// <paramref name="Minimum"/> and at most <paramref name="Maximum"/>; <paramref name="Reason"/> says in words why the
/// maximum is beyond anything real.
/// </summary>
public sealed record FieldLimit(double Minimum, double Maximum, string Reason, bool AboveMinimum = false)
{
    public bool Allows(double value) =>
        double.IsFinite(value) && (AboveMinimum ? value > Minimum : value >= Minimum) && value <= Maximum;

    /// <summary>The maximum in words: "1,024", "16,777,216", "1e15".</summary>
    public string MaximumText => FieldLimits.Text(Maximum);

    /// <summary>"2147483647 is more than 1,024, the most ParaPlan accepts (the largest models have under 200 layers)."</summary>
    public string TooLarge(string written) => $"{written} is more than {MaximumText}, the most ParaPlan accepts ({Reason}).";
}

/// <summary>
/// The physically meaningful range of every numeric field ParaPlan reads (docs/scenario-format.md, "Limits"): each
/// maximum lies far beyond any real model, GPU or deployment, and keeps every figure derived from the inputs finite and
/// every allocation small.
/// </summary>
public static class FieldLimits
{
    /// <summary>GPUs of one deployment, and so each parallel degree.</summary>
    public const int MaxGpus = 1_048_576;

    /// <summary>GPUs of one scale-up domain (node): <c>plan</c> considers at most 1,024 GPUs when they are ample.</summary>
    public const int MaxGpusPerNode = 1_024;

    /// <summary>Prompt or output tokens of one sequence, and so its context.</summary>
    public const int MaxTokens = 16_777_216;

    /// <summary>Layers of a model.</summary>
    public const int MaxLayers = 1_024;

    /// <summary>Parameters of a model, counted from its architecture.</summary>
    public const double MaxParameters = 1e15;

    // ---- models ----
    public static FieldLimit Layers { get; } = new(1, MaxLayers, "the largest models have under 200 layers");

    /// <summary>A count of layers that may be 0 (first_dense_layers, num_nextn_predict_layers...).</summary>
    public static FieldLimit LayerCountOrZero { get; } = new(0, MaxLayers, "a model has at most 1,024 layers here");

    /// <summary>A layer's number, from 0 (mlp_only_layers).</summary>
    public static FieldLimit LayerIndex { get; } = new(0, MaxLayers - 1, "layers are numbered from 0 to 1,023 at most");

    /// <summary>A layer interval that is at least 1 (decoder_sparse_step, moe_layer_freq).</summary>
    public static FieldLimit LayerStep { get; } = new(1, MaxLayers, "a model has at most 1,024 layers here");

    public static FieldLimit HiddenSize { get; } = new(1, 131_072, "the widest models have a hidden size near 20,000");

    public static FieldLimit AttentionHeads { get; } = new(1, 1_024, "real models have at most a few hundred attention heads");

    public static FieldLimit HeadDim { get; } = new(1, 4_096, "attention heads are 64 to 256 wide");

    public static FieldLimit LoraRank { get; } = new(1, 131_072, "a low-rank projection is narrower than the hidden size");

    public static FieldLimit FeedForwardWidth { get; } = new(1, 1_048_576, "the widest feed-forward layers are under 100,000");

    public static FieldLimit FeedForwardWidthOrZero { get; } = new(0, 1_048_576, "the widest feed-forward layers are under 100,000");

    public static FieldLimit Experts { get; } = new(0, 65_536, "MoE models have at most a few hundred routed experts");

    public static FieldLimit RedundantExperts { get; } = new(0, 65_536, "DeepSeek's deployments add 32 to 96 redundant expert slots");

    public static FieldLimit ExpertsPerToken { get; } = new(1, 65_536, "MoE models have at most a few hundred routed experts");

    public static FieldLimit SharedExperts { get; } = new(0, 1_024, "MoE models have at most a few shared experts");

    public static FieldLimit Vocabulary { get; } = new(1, 4_194_304, "the largest vocabularies hold about 260,000 tokens");

    public static FieldLimit SlidingWindow { get; } = new(1, MaxTokens, "no context is longer than 16,777,216 tokens here");

    public static FieldLimit DeclaredParameters { get; } = new(0, MaxParameters, "the largest models have about 2e12 parameters", AboveMinimum: true);

    // ---- GPUs ----
    public static FieldLimit MemoryGb { get; } = new(0.001, 16_384, "a GPU holds at most a few hundred GB");

    public static FieldLimit MemoryBandwidthTbps { get; } = new(0.001, 1_000, "HBM delivers at most about 10 TB/s");

    public static FieldLimit Tflops { get; } = new(0.001, 1_000_000, "the fastest GPUs reach about 20,000 dense TFLOPS at FP4");

    public static FieldLimit GpusPerNode { get; } = new(1, MaxGpusPerNode, "the largest NVLink domains hold 72 to 576 GPUs");

    public static FieldLimit LinkGbps { get; } = new(0.001, 100_000, "NVLink 5 moves 900 GB/s per GPU per direction");

    /// <summary>The fraction of peak a GPU may be said to reach (mfu, bandwidth_utilization).</summary>
    public static FieldLimit Efficiency { get; } = new(0.001, 1, "a fraction of the peak");

    public static FieldLimit LatencyUs { get; } = new(0, 1_000_000, "links take microseconds per message; this is a whole second");

    // ---- hardware, strategy, workload, requirements ----
    public static FieldLimit Gpus { get; } = new(1, MaxGpus, "no cluster has a million GPUs");

    public static FieldLimit Degree { get; } = new(1, MaxGpus, "no deployment has a million GPUs to split over");

    public static FieldLimit Tokens { get; } = new(1, MaxTokens, "the longest context windows hold about 10 million tokens");

    public static FieldLimit Concurrency { get; } = new(1, MaxTokens, "more sequences in flight than any deployment serves");

    public static FieldLimit Milliseconds { get; } = new(0.001, 86_400_000, "that is a whole day");

    /// <summary>Requests per second offered to the whole deployment (workload.request_rate, --request-rate).</summary>
    public static FieldLimit RequestRate { get; } = new(0.001, 1_000_000, "a million requests per second is beyond any one deployment");

    /// <summary>Gamma-arrival burstiness (shape): 1 is Poisson, below 1 burstier, above 1 more regular (vLLM's --burstiness).</summary>
    public static FieldLimit Burstiness { get; } = new(0.01, 1_000, "a shape of 1,000 is already a metronome");

    /// <summary>Requests one simulation serves (workload.requests); bounds its time and memory.</summary>
    public static FieldLimit SimulatedRequests { get; } = new(1, MaxSimulatedRequests, "a million requests simulate in seconds; more only costs time");

    public const int MaxSimulatedRequests = 1_000_000;

    /// <summary>The lognormal's sigma (the standard deviation of the log of the length).</summary>
    public static FieldLimit LogSigma { get; } = new(0, 5, "a sigma of 5 spreads lengths over ten orders of magnitude");

    /// <summary>The seed of a simulation's arrivals and lengths.</summary>
    public static FieldLimit Seed { get; } = new(0, int.MaxValue, "a seed is a 32-bit whole number");

    public static FieldLimit TokensPerSecondPerGpu { get; } = new(0.001, 10_000_000, "a GPU produces at most tens of thousands of tokens/s");

    /// <summary>The fraction of a GPU's memory a plan may fill (max_memory_utilization).</summary>
    public static FieldLimit MemoryUtilization { get; } = new(0.01, 1, "a fraction of the GPU's memory");

    public static FieldLimit Claim { get; } = new(0, MaxParameters, "no figure of a plan is that large");

    /// <summary>A limit in words: whole numbers with thousands separators, 1e9 and above in scientific notation.</summary>
    public static string Text(double value) =>
        value >= 1e9 ? value.ToString("0.###e0", CultureInfo.InvariantCulture) : value.ToString("#,0.###", CultureInfo.InvariantCulture);
}
