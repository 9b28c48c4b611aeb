using System.Globalization;

namespace ParaPlan.Domain;

/// <summary>
/// A latency requirement stated as percentiles over requests (<c>ttft_ms: {p90: 2000}</c>), checked against the
/// simulation of the workload (docs/serving-at-a-rate.md, "Requirements as percentiles").
/// </summary>
public sealed record LatencyTarget(double? Mean = null, double? P50 = null, double? P90 = null, double? P99 = null)
{
    /// <summary>The percentile keys a target may state, with the quantile each stands for.</summary>
    public static IReadOnlyList<(string Key, double Quantile)> Keys { get; } = [("mean", double.NaN), ("p50", 0.5), ("p90", 0.9), ("p99", 0.99)];

    /// <summary>The stated bounds, in the order of <see cref="Keys"/>.</summary>
    public IEnumerable<(string Key, double Bound)> Bounds()
    {
        if (Mean is { } mean)
        {
            yield return ("mean", mean);
        }

        if (P50 is { } p50)
        {
            yield return ("p50", p50);
        }

        if (P90 is { } p90)
        {
            yield return ("p90", p90);
        }

        if (P99 is { } p99)
        {
            yield return ("p99", p99);
        }
    }

    /// <summary>The tightest bound: what one request must meet to count toward goodput.</summary>
    public double Tightest => Bounds().Min(b => b.Bound);

    public override string ToString() => string.Join(", ", Bounds().Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Key} <= {b.Bound:0.###} ms")));
}
