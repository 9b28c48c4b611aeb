namespace ParaPlan.Validation.Harness;

/// <summary>
/// The harness of each source a fit has seen, and the typical one (the median over those sources, value by value)
/// for a source it has not: how validation predicts a served run whose client it knows nothing about.
/// </summary>
public sealed record HarnessSet(IReadOnlyDictionary<string, HarnessCosts> BySource, HarnessCosts Typical)
{
    /// <summary>No harness anywhere.</summary>
    public static HarnessSet None { get; } = new(new Dictionary<string, HarnessCosts>(StringComparer.Ordinal), HarnessCosts.None);

    /// <summary>The harness of <paramref name="source"/>, or the typical one.</summary>
    public HarnessCosts For(string source) => BySource.TryGetValue(source, out HarnessCosts? own) ? own : Typical;

    /// <summary>The typical harness of a set of sources' own: the median of each value.</summary>
    public static HarnessCosts MedianOf(IEnumerable<HarnessCosts> harnesses)
    {
        ArgumentNullException.ThrowIfNull(harnesses);
        List<HarnessCosts> all = [.. harnesses];
        if (all.Count == 0)
        {
            return HarnessCosts.None;
        }

        return new HarnessCosts(Median(all.Select(h => h.ClientTokenUs)), Median(all.Select(h => h.ClientRequestMs)));
    }

    private static double Median(IEnumerable<double> values)
    {
        List<double> sorted = [.. values.Order()];
        return Validator.Percentile(sorted, 0.5);
    }
}
