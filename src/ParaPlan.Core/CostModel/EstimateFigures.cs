namespace ParaPlan.CostModel;

/// <summary>The headline figures of one estimate (GB, ms, tokens/s per GPU), for searches.</summary>
public readonly record struct EstimateFigures(
    int Concurrency,
    int ConcurrencyLimitByMemory,
    double WeightsGb,
    double KvCacheGb,
    double MemoryTotalGb,
    double MemoryLimitGb,
    double TtftMs,
    double TpotMs,
    double TpotLongestPromptMs,
    double OutputTokensPerSPerGpu,
    double TotalTokensPerSPerGpu)
{
    public bool FitsMemory => MemoryTotalGb <= MemoryLimitGb;

    /// <summary>At a request rate: true when the most sequences that fit drain fewer requests per second than arrive.</summary>
    public bool Saturated { get; init; }

    /// <summary>At a request rate: requests per second the deployment completes at these figures (its capacity when saturated); 0 otherwise.</summary>
    public double RequestsPerS { get; init; }
}
