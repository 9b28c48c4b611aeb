namespace ParaPlan.Domain;

/// <summary>Quantiles of sorted values.</summary>
internal static class Quantiles
{
    /// <summary>NumPy's default percentile: linear interpolation between the closest ranks (what vLLM's and SGLang's benchmarks report).</summary>
    public static double Linear(IReadOnlyList<double> sorted, double q)
    {
        double position = q * (sorted.Count - 1);
        int lower = (int)Math.Floor(position);
        int upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (position - lower));
    }
}
