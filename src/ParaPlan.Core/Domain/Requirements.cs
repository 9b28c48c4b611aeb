namespace ParaPlan.Domain;

/// <summary>Targets a deployment must meet; unset targets are not checked.</summary>
public sealed record Requirements
{
    public const double DefaultMaxMemoryUtilization = 0.9;

    public Requirements(
        double? ttftMs = null,
        double? tpotMs = null,
        double? minOutputTokensPerSecondPerGpu = null,
        double maxMemoryUtilization = DefaultMaxMemoryUtilization)
    {
        if (ttftMs is { } ttft)
        {
            Guard.Positive(ttft, nameof(ttftMs));
        }

        if (tpotMs is { } tpot)
        {
            Guard.Positive(tpot, nameof(tpotMs));
        }

        if (minOutputTokensPerSecondPerGpu is { } rate)
        {
            Guard.Positive(rate, nameof(minOutputTokensPerSecondPerGpu));
        }

        TtftMs = ttftMs;
        TpotMs = tpotMs;
        MinOutputTokensPerSecondPerGpu = minOutputTokensPerSecondPerGpu;
        MaxMemoryUtilization = Guard.Fraction(maxMemoryUtilization, nameof(maxMemoryUtilization));
    }

    public double? TtftMs { get; }

    public double? TpotMs { get; }

    public double? MinOutputTokensPerSecondPerGpu { get; }

    /// <summary>Fraction of GPU memory a plan may fill (engines reserve the rest).</summary>
    public double MaxMemoryUtilization { get; }

    /// <summary>TTFT percentiles over the simulated requests (<c>ttft_ms: {p90: ...}</c>).</summary>
    public LatencyTarget? TtftTarget { get; init; }

    /// <summary>TPOT percentiles over the simulated requests.</summary>
    public LatencyTarget? TpotTarget { get; init; }

    /// <summary>Percentiles of the gaps between consecutive tokens (every gap of every request).</summary>
    public LatencyTarget? ItlTarget { get; init; }

    /// <summary>End-to-end latency percentiles (request sent to its last token).</summary>
    public LatencyTarget? E2eTarget { get; init; }

    /// <summary>The bound one request's TTFT must meet to count toward goodput: the tightest of the scalar and the percentiles stated (null: none).</summary>
    public double? TightestTtftMs => Tightest(TtftMs, TtftTarget);

    /// <summary>The bound one request's TPOT must meet to count toward goodput.</summary>
    public double? TightestTpotMs => Tightest(TpotMs, TpotTarget);

    /// <summary>The bound one request's end-to-end latency must meet to count toward goodput.</summary>
    public double? TightestE2eMs => Tightest(null, E2eTarget);

    private static double? Tightest(double? scalar, LatencyTarget? target) => (scalar, target) switch
    {
        ({ } s, { } t) => Math.Min(s, t.Tightest),
        ({ } s, null) => s,
        (null, { } t) => t.Tightest,
        _ => null,
    };

    /// <summary>True when a requirement is stated as percentiles: only a simulation can check it.</summary>
    public bool HasPercentiles => TtftTarget is not null || TpotTarget is not null || ItlTarget is not null || E2eTarget is not null;
}
