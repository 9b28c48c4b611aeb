namespace ParaPlan.Calibration;

/// <summary>
/// The <c>--report_json</c> file of <c>trtllm-bench throughput</c> (tensorrt_llm/bench/dataclasses/reporting.py,
/// <c>get_statistics_dict</c>): <c>engine</c> {model, version, backend, dtype, kv_cache_dtype, quantization},
/// <c>machine</c> {name}, <c>world_info</c> {tp_size, pp_size, ep_size, max_batch_size, max_num_tokens,
/// scheduling_policy, kv_cache_percentage (a fraction)}, <c>request_info</c> {num_requests,
/// avg_num_concurrent_requests, avg_input_length, avg_output_length}, <c>performance</c> {total_latency_ms,
/// avg_request_latency_ms, request_throughput_req_s, system_output_throughput_tok_s, system_total_throughput_tok_s,
/// request_latency_percentiles_ms {p50, p90, p95, p99, minimum, maximum, average}} and, with <c>--streaming</c>,
/// <c>streaming_metrics</c> {avg_ttft_ms, avg_tpot_ms, ttft_percentiles, tpot_percentiles} in ms. The tool measures
/// in ns and converts (convert_to_ms, convert_rate_to_s) before writing. Its TPOT is per request
/// (end − first token) / (output tokens − 1).
/// </summary>
internal static class TrtllmBenchJsonReader
{
    public static BenchmarkRun Read(JsonFields run, int runIndex)
    {
        JsonFields performance = run.Object("performance")
            ?? throw run.Missing("performance", "trtllm-bench writes it in every report");
        double output = performance.RequiredNumber("system_output_throughput_tok_s", "trtllm-bench writes it in every report");
        JsonFields? engine = run.Object("engine");
        JsonFields? world = run.Object("world_info");
        JsonFields? requests = run.Object("request_info");
        JsonFields? streaming = run.Object("streaming_metrics");
        LatencySummary latency = Percentiles(performance.Object("request_latency_percentiles_ms"));
        LatencySummary ttft = Percentiles(streaming?.Object("ttft_percentiles"));
        LatencySummary tpot = Percentiles(streaming?.Object("tpot_percentiles"));

        return new BenchmarkRun
        {
            Tool = BenchmarkTool.TrtllmBench,
            SourceFile = run.File,
            RunIndex = runIndex,
            Line = run.Line,
            ModelName = engine?.Text("model"),
            NumRequests = requests?.Whole("num_requests"),
            MeanInputTokens = requests?.Number("avg_input_length"),
            MeanOutputTokens = requests?.Number("avg_output_length"),
            AverageConcurrency = requests?.Number("avg_num_concurrent_requests"),
            DurationS = performance.Number("total_latency_ms") / 1000,
            OutputTokensPerS = output,
            TotalTokensPerS = performance.Number("system_total_throughput_tok_s"),
            RequestsPerS = performance.Number("request_throughput_req_s"),
            MeanTtftMs = streaming?.Number("avg_ttft_ms") ?? ttft.Mean,
            MedianTtftMs = ttft.Median,
            P90TtftMs = ttft.P90,
            P99TtftMs = ttft.P99,
            MeanTpotMs = streaming?.Number("avg_tpot_ms") ?? tpot.Mean,
            MedianTpotMs = tpot.Median,
            P90TpotMs = tpot.P90,
            P99TpotMs = tpot.P99,
            MeanE2eMs = performance.Number("avg_request_latency_ms") ?? latency.Mean,
            MedianE2eMs = latency.Median,
            P90E2eMs = latency.P90,
            P99E2eMs = latency.P99,
            TensorParallelSize = world?.Whole("tp_size"),
            PipelineParallelSize = world?.Whole("pp_size"),
            ExpertParallelSize = world?.Whole("ep_size"),
            MaxBatchSize = world?.Whole("max_batch_size"),
            MaxNumTokens = world?.Whole("max_num_tokens"),
            KvCacheMemoryFraction = world?.Number("kv_cache_percentage"),
            SchedulingPolicy = world?.Text("scheduling_policy"),
            EngineVersion = engine?.Text("version"),
            EngineBackend = engine?.Text("backend"),
            Dtype = NoneAsNull(engine?.Text("dtype")),
            Quantization = NoneAsNull(engine?.Text("quantization")),
            KvCacheDtype = NoneAsNull(engine?.Text("kv_cache_dtype")),
            GpuName = run.Object("machine")?.Text("name"),
        };
    }

    private static LatencySummary Percentiles(JsonFields? stats) =>
        stats is null ? default : new LatencySummary(stats.Number("average"), stats.Number("p50"), stats.Number("p90"), stats.Number("p99"));

    private static string? NoneAsNull(string? text) => text is null || text.Equals("None", StringComparison.Ordinal) ? null : text;
}
