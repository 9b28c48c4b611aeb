namespace ParaPlan.Calibration;

/// <summary>Reads the summary latencies vLLM and SGLang share, completing them from the per-request lists.</summary>
internal static class ServingFigures
{
    /// <summary>
    /// The four statistics of one latency from their summary keys (ms); a missing one is taken from
    /// <paramref name="fromLists"/> when the run has the per-request list, and noted in <paramref name="derived"/>.
    /// </summary>
    public static LatencySummary Read(
        JsonFields run,
        (string Mean, string Median, string P90, string P99) keys,
        LatencySummary? fromLists,
        (string Figure, string List) names,
        List<string> derived)
    {
        double? mean = Pick(run.Number(keys.Mean), fromLists?.Mean, $"Mean{names.Figure}", "mean", names.List, derived);
        double? median = Pick(run.Number(keys.Median), fromLists?.Median, $"Median{names.Figure}", "median", names.List, derived);
        double? p90 = Pick(run.Number(keys.P90), fromLists?.P90, $"P90{names.Figure}", "90th percentile", names.List, derived);
        double? p99 = Pick(run.Number(keys.P99), fromLists?.P99, $"P99{names.Figure}", "99th percentile", names.List, derived);
        return new LatencySummary(mean, median, p90, p99);
    }

    /// <summary>The mean of a total over the completed requests, noted in <paramref name="derived"/>.</summary>
    public static double? PerCompletedRequest(JsonFields run, string totalKey, int completed, string figure, List<string> derived)
    {
        if (run.Number(totalKey) is not { } total || completed == 0)
        {
            return null;
        }

        derived.Add($"{figure}: {totalKey} / completed");
        return total / completed;
    }

    private static double? Pick(double? stated, double? fromList, string figure, string statistic, string list, List<string> derived)
    {
        if (stated is not null || fromList is null)
        {
            return stated;
        }

        derived.Add($"{figure}: {statistic} of {list} (seconds) x 1000 over the successful requests");
        return fromList;
    }
}
