namespace ParaPlan.Calibration;

/// <summary>
/// GenAI-Perf's time units. It measures in nanoseconds and, since its JSON and CSV exports, scales time metrics to
/// milliseconds before writing them with the unit "ms" (genai_perf/metrics/statistics.py: <c>scale_data</c>, factor
/// 1/1e6); early releases wrote "(ns)" in the CSV. The unit the file states is honoured.
/// </summary>
internal static class GenAiPerfUnits
{
    /// <summary>Factor from <paramref name="unit"/> to milliseconds, or null when the unit is not a time unit.</summary>
    public static double? ToMilliseconds(string unit) => unit.Trim().ToUpperInvariant() switch
    {
        "MS" or "MSEC" or "MILLISECONDS" => 1,
        "NS" or "NSEC" or "NANOSECONDS" => 1e-6,
        "US" or "USEC" or "\u00B5S" or "MICROSECONDS" => 1e-3,
        "S" or "SEC" or "SECONDS" => 1000,
        _ => null,
    };

    /// <summary>True for a per-second rate unit (tokens/sec, requests/sec, per sec).</summary>
    public static bool IsPerSecond(string unit)
    {
        string normalized = unit.Trim().ToUpperInvariant();
        return normalized.EndsWith("/SEC", StringComparison.Ordinal) || normalized.EndsWith("/S", StringComparison.Ordinal)
            || normalized is "PER SEC" or "PER SECOND";
    }
}
