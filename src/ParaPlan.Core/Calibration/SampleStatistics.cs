using ParaPlan.Domain;

namespace ParaPlan.Calibration;

/// <summary>Summary statistics of per-request samples, with NumPy's default (linear) percentile, as the tools use.</summary>
internal static class SampleStatistics
{
    /// <summary>Null when there are no samples.</summary>
    public static LatencySummary? Summarize(List<double> samples)
    {
        if (samples.Count == 0)
        {
            return null;
        }

        double[] sorted = [.. samples];
        Array.Sort(sorted);
        double sum = 0;
        foreach (double sample in sorted)
        {
            sum += sample;
        }

        return new LatencySummary(sum / sorted.Length, Percentile(sorted, 50), Percentile(sorted, 90), Percentile(sorted, 99));
    }

    /// <summary>NumPy's <c>percentile(values, p)</c> with linear interpolation between the closest ranks.</summary>
    public static double Percentile(double[] sorted, double percent) => Quantiles.Linear(sorted, percent / 100);
}
