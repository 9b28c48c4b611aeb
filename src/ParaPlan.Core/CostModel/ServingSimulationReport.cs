namespace ParaPlan.CostModel;

/// <summary>Mean and percentiles of one latency over the simulated requests, ms.</summary>
public sealed record LatencySummary(double Mean, double P50, double P90, double P99)
{
    /// <summary>The figure a requirement key names: mean, p50, p90 or p99.</summary>
    public double At(string key) => key switch
    {
        "mean" => Mean,
        "p50" => P50,
        "p90" => P90,
        "p99" => P99,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "expected mean, p50, p90 or p99."),
    };
}

/// <summary>The <c>latency</c> object: TTFT, TPOT, inter-token latency and end-to-end latency over requests.</summary>
public sealed record LatencyPercentiles(LatencySummary TtftMs, LatencySummary TpotMs, LatencySummary ItlMs, LatencySummary E2eMs);

/// <summary>
/// What the discrete-event simulation of the workload gives (docs/serving-at-a-rate.md): percentiles, achieved and
/// good request rates, Little's law's terms, KV pool use and the saturated verdict.
/// </summary>
public sealed record ServingSimulationReport
{
    public required LatencyPercentiles Latency { get; init; }

    /// <summary>Requests simulated (and how many of them the percentiles leave out as warm-up).</summary>
    public required int Requests { get; init; }

    public required int WarmupRequests { get; init; }

    /// <summary>Requests whose prompt and output can never fit one group's KV pool (dropped, not served).</summary>
    public required int RejectedRequests { get; init; }

    /// <summary>Requests per second the clients send (the rate's, the trace's, or the closed loop's own), over the sending window.</summary>
    public required double OfferedRequestsPerS { get; init; }

    /// <summary>Requests completed per second in the steady state: those finishing in the second half of the sending window, over it (a burst: over the whole run).</summary>
    public required double AchievedRequestsPerS { get; init; }

    /// <summary>Requests per second meeting every per-request SLO (TTFT, TPOT, end-to-end), counted as <see cref="AchievedRequestsPerS"/> is.</summary>
    public required double GoodputRequestsPerS { get; init; }

    /// <summary>Share of the requests meeting every per-request SLO.</summary>
    public required double GoodFraction { get; init; }

    /// <summary>Time-averaged requests in the deployment (sent, last token not yet seen): Little's law's L.</summary>
    public required double MeanRunningSequences { get; init; }

    /// <summary>Time-averaged sequences admitted to the engines' batches (the rest wait in their queues).</summary>
    public required double MeanBatchSequences { get; init; }

    /// <summary>Mean and peak share of the KV pool in use, over the groups and time.</summary>
    public required double MeanKvPoolUse { get; init; }

    public required double PeakKvPoolUse { get; init; }

    /// <summary>Sequences preempted (KV freed, prompt recomputed) when the pool ran out.</summary>
    public required long Preemptions { get; init; }

    /// <summary>Output tokens per second of the whole deployment.</summary>
    public required double OutputTokensPerS { get; init; }

    /// <summary>First send to last token, ms.</summary>
    public required double DurationMs { get; init; }

    /// <summary>Engine steps simulated (runs of identical decode steps counted one by one).</summary>
    public required long Steps { get; init; }

    /// <summary>True when requests arrive faster than the deployment drains them: its backlog grows through the run.</summary>
    public required bool Saturated { get; init; }

    /// <summary>How much the queue waiting for admission grows per request sent (its mean over the last quarter of the sends against the second quarter's); 0 when it does not grow.</summary>
    public required double BacklogGrowth { get; init; }

    /// <summary>True when the run reached its bound on work (<c>RequestSimulation</c>'s 20 million events) and the figures are those of the requests finished by then.</summary>
    public bool Cut { get; init; }

    /// <summary>Seed of the arrivals and lengths.</summary>
    public int Seed { get; init; }

    /// <summary>What the simulation takes as given, for the report's assumptions.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
