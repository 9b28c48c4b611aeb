namespace ParaPlan.Calibration;

/// <summary>
/// One line of <c>python -m sglang.bench_serving --output-file X.jsonl</c> (python/sglang/bench_serving.py).
/// Arguments: <c>backend</c>, <c>dataset_name</c>, <c>request_rate</c> (bare <c>Infinity</c> when all requests are
/// sent at once), <c>max_concurrency</c>, <c>sharegpt_output_len</c>, <c>random_input_len</c>,
/// <c>random_output_len</c>, <c>random_range_ratio</c>. Results: <c>duration</c> (s), <c>completed</c>,
/// <c>total_input_tokens</c>, <c>total_output_tokens</c>, <c>request_throughput</c> (req/s),
/// <c>input_throughput</c> and <c>output_throughput</c> (tok/s), <c>mean_/median_/std_/p99_e2e_latency_ms</c>,
/// <c>..._ttft_ms</c>, <c>..._tpot_ms</c>, <c>..._itl_ms</c> (plus p95 ITL) in ms, and <c>concurrency</c>
/// (sum of request latencies / duration). Older versions (late 2024) wrote fewer keys: medians of TTFT and ITL,
/// mean and median end-to-end latency, output throughput.
/// </summary>
internal static class SglangResultReader
{
    private const string Why = "sglang.bench_serving writes it in every result line";

    public static BenchmarkRun Read(JsonFields run, int runIndex)
    {
        var derived = new List<string>();
        int completed = run.RequiredWhole("completed", Why);
        double duration = run.RequiredNumber("duration", Why);
        double output = run.RequiredNumber("output_throughput", Why);
        PerRequestArrays? lists = PerRequestArrays.Read(run, failed: null);

        LatencySummary ttft = ServingFigures.Read(run, Keys("ttft"), lists?.Ttft, ("TtftMs", "ttfts"), derived);
        LatencySummary tpot = ServingFigures.Read(run, Keys("tpot"), null, ("TpotMs", string.Empty), derived);
        LatencySummary itl = ServingFigures.Read(run, Keys("itl"), lists?.Itl, ("ItlMs", "itls"), derived);
        LatencySummary e2e = ServingFigures.Read(run, Keys("e2e_latency"), null, ("E2eMs", string.Empty), derived);

        double? input = run.Number("input_throughput");
        double? total = null;
        if (input is not null)
        {
            // bench_serving.py: total_throughput = (total_input + sum(output_lens)) / dur_s, which it prints but does not
            // write; it is exactly input_throughput + output_throughput.
            total = input + output;
            derived.Add($"{nameof(BenchmarkRun.TotalTokensPerS)}: input_throughput + output_throughput");
        }

        return new BenchmarkRun
        {
            Tool = BenchmarkTool.SglangBenchServing,
            SourceFile = run.File,
            RunIndex = runIndex,
            Line = run.Line,
            ModelName = run.Text("model_id"),
            Concurrency = run.Whole("max_concurrency"),
            RequestRate = run.Rate("request_rate"),
            NumRequests = run.Whole("num_prompts"),
            Completed = completed,
            MeanInputTokens = ServingFigures.PerCompletedRequest(run, "total_input_tokens", completed, nameof(BenchmarkRun.MeanInputTokens), derived),
            MeanOutputTokens = ServingFigures.PerCompletedRequest(run, "total_output_tokens", completed, nameof(BenchmarkRun.MeanOutputTokens), derived),
            DurationS = duration,
            AverageConcurrency = run.Number("concurrency"),
            OutputTokensPerS = output,
            TotalTokensPerS = total,
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
