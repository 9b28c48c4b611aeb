using ParaPlan.Reports;

namespace ParaPlan.CostModel;

/// <summary>
/// What <c>paraplan estimate</c> answers for one strategy. The properties up to <see cref="Warnings"/> are the
/// contract's JSON keys; the rest is the detail behind them.
/// </summary>
public sealed record EstimateResult
{
    public required StrategySummary Parallel { get; init; }

    /// <summary>Sequences in flight in the whole deployment (resolved when the scenario says max).</summary>
    public required int Concurrency { get; init; }

    public required MemoryPerGpu MemoryPerGpuGb { get; init; }

    public required double TtftMs { get; init; }

    public required double TpotMs { get; init; }

    public required double OutputTokensPerSPerGpu { get; init; }

    public required double TotalTokensPerSPerGpu { get; init; }

    public required IReadOnlyList<CheckResult> Checks { get; init; }

    public required IReadOnlyList<string> Assumptions { get; init; }

    public required IReadOnlyList<string> Warnings { get; init; }

    public required string Model { get; init; }

    public required string Gpu { get; init; }

    public required string Engine { get; init; }

    /// <summary>TPOT when every running sequence has the longest prompt: what the TPOT requirement is checked against.</summary>
    public required double TpotLongestPromptMs { get; init; }

    /// <summary>Mean time to first token when the requests arrive together (half the prefill queue on average).</summary>
    public required double MeanTtftMs { get; init; }

    /// <summary>TTFT of the last of <see cref="Concurrency"/> requests arriving at once (the burst form's <c>ttft_ms</c>).</summary>
    public required double BurstTtftMs { get; init; }

    /// <summary>How the requests arrive: closed_loop, burst, request_rate or trace.</summary>
    public string Arrival { get; init; } = "closed_loop";

    /// <summary>Requests per second offered (request-rate and trace forms), else null.</summary>
    public double? OfferedRequestsPerS { get; init; }

    /// <summary>At a request rate, the analytical path's verdict: the most sequences that fit drain fewer requests than arrive.</summary>
    public bool AnalyticalSaturated { get; init; }

    /// <summary><c>saturated</c>: the simulation's verdict when it ran (the queue waiting for admission grows), else the analytical path's.</summary>
    public bool Saturated => Simulation?.Saturated ?? AnalyticalSaturated;

    /// <summary>At a request rate: the share of an instance's time its prompts' prefill takes (TPOT is the decode step over 1 minus it).</summary>
    public double? PrefillShare { get; init; }

    /// <summary>The pools, the KV transfer and the flow of a prefill/decode disaggregated strategy (docs/disaggregation.md); null for aggregated serving.</summary>
    public ParaPlan.CostModel.Disaggregation.DisaggregationReport? Disaggregation { get; init; }

    /// <summary>The simulation of the workload (percentiles, goodput, Little's law), when it was run.</summary>
    public ServingSimulationReport? Simulation { get; init; }

    /// <summary><c>latency.ttft_ms</c>, ...: percentiles over the simulated requests; null when no simulation ran.</summary>
    public LatencyPercentiles? Latency => Simulation?.Latency;

    public double? AchievedRequestsPerS => Simulation?.AchievedRequestsPerS;

    public double? MeanRunningSequences => Simulation?.MeanRunningSequences;

    public double? GoodputRequestsPerS => Simulation?.GoodputRequestsPerS;

    /// <summary>Prefill of every running sequence at the mean prompt length: the prefill share of a throughput cycle.</summary>
    public required double CyclePrefillMs { get; init; }

    /// <summary>Engine steps (prefill chunks) of <see cref="CyclePrefillMs"/>.</summary>
    public required int CyclePrefillSteps { get; init; }

    /// <summary>
    /// One full cycle of the running sequences: their prefill plus output_tokens decode steps. Output tokens/s per
    /// GPU = running sequences x output tokens / cycle / GPUs.
    /// </summary>
    public required double CycleMs { get; init; }

    /// <summary>How many rounds the requests of one DP group wait in (1 when the engine runs them all at once).</summary>
    public required double QueuedWaves { get; init; }

    /// <summary>Decode step time (ms) at a given number of running sequences per DP group, same context: for what-ifs.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Func<double, double>? DecodeStepAt { get; init; }

    /// <summary>Time (ms) of one engine step prefilling a given number of prompt tokens per DP group, at the mean prompt length.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Func<double, double>? PrefillStepAt { get; init; }

    /// <summary>Decode step time (ms) at sequences per DP group and their mean context (the simulation's step function).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Func<double, double, double>? DecodeStepAtContext { get; init; }

    /// <summary>Prefill step time (ms) at prompt tokens per DP group and the prompts' length.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Func<double, double, double>? PrefillStepAtPrompt { get; init; }

    /// <summary>Sequences each DP group runs at once (the engine's cap may hold some back).</summary>
    public required double RunningSequencesPerGroup { get; init; }

    public required int ConcurrencyLimitByMemory { get; init; }

    public required PhaseCost Prefill { get; init; }

    public required PhaseCost Decode { get; init; }

    public required MoeLoad? Moe { get; init; }

    public required PipelineDetail Pipeline { get; init; }

    public required PhysicalBounds Bounds { get; init; }

    public required IReadOnlyList<CommunicationGroup> Communication { get; init; }

    /// <summary>The front end (API-server processes) the instance needs to keep up with its tokens and requests.</summary>
    public required FrontEndPlan FrontEnd { get; init; }

    public required string EfficiencyProfile { get; init; }

    public required IReadOnlyDictionary<string, double> Efficiency { get; init; }
}

/// <summary>Memory of the busiest GPU, decimal GB.</summary>
public sealed record MemoryPerGpu(
    double Weights,
    double KvCache,
    double Activations,
    double Runtime,
    double Total,
    double Capacity,
    double Limit,
    double AttentionWeights,
    double ExpertWeights,
    double DenseWeights,
    double EmbeddingWeights,
    double KvCachePerSequenceMb);

/// <summary>One requirement or rule and whether the estimate meets it.</summary>
public sealed record CheckResult(string Name, bool Passed, string Detail);

/// <summary>A phase (one prefill chunk or one decode step) on the critical path, by operator.</summary>
public sealed record PhaseCost(
    double StepMs,
    double TokensPerStep,
    int Steps,
    double ComputeMs,
    double MemoryMs,
    double CommunicationMs,
    double OverheadMs,
    IReadOnlyList<OperatorCost> Operators);

/// <summary>Expert load of an MoE model under this strategy.</summary>
public sealed record MoeLoad(
    double ExpertsPerGpu,
    double ExpertTensorParallel,
    double DecodeImbalance,
    double PrefillImbalance,
    double DecodeActivatedExpertFraction,
    double RoutingSkew,
    string Note);

/// <summary>Layers per pipeline stage and the idle share of a pipeline fill.</summary>
public sealed record PipelineDetail(IReadOnlyList<int> LayersPerStage, int MicroBatches, double PrefillBubbleFraction);

/// <summary>Upper bounds physics sets for decode output tokens/s per GPU at this strategy and concurrency.</summary>
public sealed record PhysicalBounds(
    double ComputeOutputTokensPerSPerGpu,
    double BandwidthOutputTokensPerSPerGpu,
    double PeakTflops,
    double MemoryBandwidthTbps);

/// <summary>A communication group: which degree, how many GPUs, which link, and bytes per decode step per GPU.</summary>
public sealed record CommunicationGroup(string Name, string Collective, int Ranks, string Link, double DecodeBytesPerGpu, double PrefillBytesPerGpu);
