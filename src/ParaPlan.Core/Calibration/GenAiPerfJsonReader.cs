namespace ParaPlan.Calibration;

/// <summary>
/// GenAI-Perf's <c>profile_export_genai_perf.json</c> (genai_perf/export_data/json_exporter.py): one object per
/// metric with a <c>unit</c> and <c>avg</c>, <c>min</c>, <c>max</c>, <c>std</c> and <c>p1</c>..<c>p99</c>
/// (<c>time_to_first_token</c>, <c>inter_token_latency</c>, <c>request_latency</c> in ms;
/// <c>output_token_throughput</c> in tokens/sec and <c>request_throughput</c> in requests/sec with <c>avg</c> only;
/// <c>input_sequence_length</c>, <c>output_sequence_length</c> in tokens; <c>request_count</c>), then
/// <c>input_config</c>: the command line, flat in older releases (<c>model</c> list, <c>concurrency</c>,
/// <c>request_rate</c>, <c>request_count</c>) and nested since the config-file release (<c>model_names</c>,
/// <c>perf_analyzer.stimulus</c> {<c>concurrency</c> | <c>request_rate</c>}).
/// GenAI-Perf's <c>inter_token_latency</c> is per request (latency − TTFT) / (output tokens − 1)
/// (llm_profile_data_parser.py), which is vLLM's TPOT, so it is read into the TPOT figures.
/// </summary>
internal static class GenAiPerfJsonReader
{
    public static BenchmarkRun Read(JsonFields run, int runIndex)
    {
        LatencySummary ttft = Latency(run, "time_to_first_token");
        LatencySummary tpot = Latency(run, "inter_token_latency");
        LatencySummary e2e = Latency(run, "request_latency");
        double output = Rate(run, "output_token_throughput")
            ?? throw run.Missing("output_token_throughput", "GenAI-Perf writes it for every LLM profile");

        JsonFields? config = run.Object("input_config");
        JsonFields? stimulus = config?.Object("perf_analyzer")?.Object("stimulus");
        int? requestCount = config?.Whole("request_count");

        return new BenchmarkRun
        {
            Tool = BenchmarkTool.GenAiPerf,
            SourceFile = run.File,
            RunIndex = runIndex,
            Line = run.Line,
            ModelName = config?.FirstText("model_names") ?? config?.FirstText("model"),
            Concurrency = config?.Whole("concurrency") ?? stimulus?.Whole("concurrency"),
            RequestRate = config?.Rate("request_rate") ?? stimulus?.Rate("request_rate"),
            NumRequests = requestCount is > 0 ? requestCount : null,
            Completed = Count(run, "request_count"),
            MeanInputTokens = run.Object("input_sequence_length")?.Number("avg"),
            MeanOutputTokens = run.Object("output_sequence_length")?.Number("avg"),
            OutputTokensPerS = output,
            RequestsPerS = Rate(run, "request_throughput"),
            MeanTtftMs = ttft.Mean,
            MedianTtftMs = ttft.Median,
            P90TtftMs = ttft.P90,
            P99TtftMs = ttft.P99,
            MeanTpotMs = tpot.Mean,
            MedianTpotMs = tpot.Median,
            P90TpotMs = tpot.P90,
            P99TpotMs = tpot.P99,
            MeanE2eMs = e2e.Mean,
            MedianE2eMs = e2e.Median,
            P90E2eMs = e2e.P90,
            P99E2eMs = e2e.P99,
        };
    }

    private static LatencySummary Latency(JsonFields run, string key)
    {
        if (run.Object(key) is not { } metric)
        {
            return default;
        }

        string unit = metric.Text("unit") ?? "ms";
        double factor = GenAiPerfUnits.ToMilliseconds(unit)
            ?? throw metric.Fail("unit", $"\"{unit}\" is not a time unit GenAI-Perf writes (ms, or ns in early releases).");
        return new LatencySummary(metric.Number("avg") * factor, metric.Number("p50") * factor, metric.Number("p90") * factor, metric.Number("p99") * factor);
    }

    private static double? Rate(JsonFields run, string key)
    {
        if (run.Object(key) is not { } metric)
        {
            return null;
        }

        if (metric.Text("unit") is { } unit && !GenAiPerfUnits.IsPerSecond(unit))
        {
            throw metric.Fail("unit", $"\"{unit}\" is not a per-second rate.");
        }

        return metric.Number("avg");
    }

    private static int? Count(JsonFields run, string key) => run.Object(key)?.Whole("avg");
}
