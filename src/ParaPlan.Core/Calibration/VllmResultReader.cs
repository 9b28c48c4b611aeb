namespace ParaPlan.Calibration;

/// <summary>
/// One run of <c>vllm bench serve --save-result</c> (vllm/benchmarks/serve.py) or of the older
/// <c>benchmarks/benchmark_serving.py --save-result</c>. Keys as vLLM writes them: <c>model_id</c>,
/// <c>num_prompts</c>, <c>request_rate</c> (a number, or the text "inf"), <c>max_concurrency</c>, <c>duration</c> (s),
/// <c>completed</c>, <c>failed</c>, <c>total_input_tokens</c>, <c>total_output_tokens</c>, <c>request_throughput</c>
/// (req/s), <c>output_throughput</c> and <c>total_token_throughput</c> (tok/s), and <c>mean_/median_/std_/pNN_</c>
/// <c>ttft_ms</c>, <c>tpot_ms</c>, <c>itl_ms</c>, <c>e2el_ms</c> in ms (pNN for each <c>--metric-percentiles</c>,
/// 99 by default; e2el only when <c>--percentile-metrics</c> names it).
/// </summary>
internal static class VllmResultReader
{
    private const string Why = "vllm bench serve and benchmark_serving.py write it in every result";

    public static BenchmarkRun Read(JsonFields run, int runIndex)
    {
        var derived = new List<string>();
        int completed = run.RequiredWhole("completed", Why);
        double duration = run.RequiredNumber("duration", Why);
        double output = run.RequiredNumber("output_throughput", Why);
        int? failed = run.Whole("failed");
        PerRequestArrays? lists = PerRequestArrays.Read(run, failed);

        LatencySummary ttft = ServingFigures.Read(run, Keys("ttft"), lists?.Ttft, ("TtftMs", "ttfts"), derived);
        LatencySummary tpot = ServingFigures.Read(run, Keys("tpot"), null, ("TpotMs", string.Empty), derived);
        LatencySummary itl = ServingFigures.Read(run, Keys("itl"), lists?.Itl, ("ItlMs", "itls"), derived);
        LatencySummary e2e = ServingFigures.Read(run, Keys("e2el"), lists?.E2e, ("E2eMs", "latencies"), derived);

        return new BenchmarkRun
        {
            Tool = BenchmarkTool.VllmBenchServe,
            SourceFile = run.File,
            RunIndex = runIndex,
            Line = run.Line,
            ModelName = run.Text("model_id"),
            Concurrency = run.Whole("max_concurrency"),
            RequestRate = run.Rate("request_rate"),
            NumRequests = run.Whole("num_prompts"),
            Completed = completed,
            Failed = failed,
            MeanInputTokens = ServingFigures.PerCompletedRequest(run, "total_input_tokens", completed, nameof(BenchmarkRun.MeanInputTokens), derived),
            MeanOutputTokens = ServingFigures.PerCompletedRequest(run, "total_output_tokens", completed, nameof(BenchmarkRun.MeanOutputTokens), derived),
            DurationS = duration,
            OutputTokensPerS = output,
            TotalTokensPerS = run.Number("total_token_throughput"),
            RequestsPerS = run.Number("request_throughput"),
            MeanTtftMs = ttft.Mean,
            MedianTtftMs = ttft.Median,
            P90TtftMs = ttft.P90,
            P99TtftMs = ttft.P99,
            MeanTpotMs = tpot.Mean,
            MedianTpotMs = tpot.Median,
            P90TpotMs = tpot.P90,
            P99TpotMs = tpot.P99,
            MeanItlMs = itl.Mean,
            MedianItlMs = itl.Median,
            P90ItlMs = itl.P90,
            P99ItlMs = itl.P99,
            MeanE2eMs = e2e.Mean,
            MedianE2eMs = e2e.Median,
            P90E2eMs = e2e.P90,
            P99E2eMs = e2e.P99,
            Derived = derived,
        };
    }

    private static (string, string, string, string) Keys(string metric) =>
        ($"mean_{metric}_ms", $"median_{metric}_ms", $"p90_{metric}_ms", $"p99_{metric}_ms");
}
