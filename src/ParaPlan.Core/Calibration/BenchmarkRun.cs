namespace ParaPlan.Calibration;

/// <summary>
/// One benchmark run as its result file states it, in common units whatever the file used: latencies in
/// milliseconds, rates per second, durations in seconds. A figure the file does not state is null; a figure the
/// reader computed rather than copied (a mean from totals, a percentile from per-request arrays, a unit
/// conversion that is more than a scale) is listed in <see cref="Derived"/>.
/// </summary>
public sealed record BenchmarkRun
{
    public required BenchmarkTool Tool { get; init; }

    /// <summary>The file the run was read from, as given to the reader.</summary>
    public required string SourceFile { get; init; }

    /// <summary>1-based position of the run in its file (a JSON-lines file or a log can hold several).</summary>
    public int RunIndex { get; init; } = 1;

    /// <summary>1-based line where the run starts in its file; 0 when the file has no useful line (one report).</summary>
    public int Line { get; init; }

    /// <summary>The model as the tool names it (vLLM <c>model_id</c>, GenAI-Perf's model, TensorRT-LLM's <c>Model</c>).</summary>
    public string? ModelName { get; init; }

    /// <summary>The client's concurrency cap (<c>max_concurrency</c>, GenAI-Perf's <c>concurrency</c>) when one was set.</summary>
    public int? Concurrency { get; init; }

    /// <summary>
    /// Requests per second the client offered: positive infinity when every request was sent at once (vLLM "inf",
    /// SGLang's bare Infinity); trtllm-bench's issue rate (1.0526E+15 when it issued them together); null when the
    /// file does not say (<see cref="RunPattern"/> tells a burst from a stream).
    /// </summary>
    public double? RequestRate { get; init; }

    /// <summary>Requests the client was told to send (<c>num_prompts</c>, <c>num_requests</c>, <c>request_count</c>).</summary>
    public int? NumRequests { get; init; }

    /// <summary>Requests that completed (<c>completed</c>; GenAI-Perf's measured <c>request_count</c>).</summary>
    public int? Completed { get; init; }

    /// <summary>Requests that failed, when the file says (<c>failed</c>).</summary>
    public int? Failed { get; init; }

    public double? MeanInputTokens { get; init; }

    public double? MeanOutputTokens { get; init; }

    /// <summary>Benchmark duration in seconds (vLLM/SGLang <c>duration</c>; TensorRT-LLM's total latency).</summary>
    public double? DurationS { get; init; }

    /// <summary>Mean requests in flight over the run (SGLang <c>concurrency</c>, TensorRT-LLM <c>avg_num_concurrent_requests</c>).</summary>
    public double? AverageConcurrency { get; init; }

    public double? OutputTokensPerS { get; init; }

    /// <summary>Input plus output tokens per second.</summary>
    public double? TotalTokensPerS { get; init; }

    public double? RequestsPerS { get; init; }

    public double? MeanTtftMs { get; init; }

    public double? MedianTtftMs { get; init; }

    public double? P90TtftMs { get; init; }

    public double? P99TtftMs { get; init; }

    /// <summary>Time per output token after the first, per request: (latency − TTFT) / (output tokens − 1), averaged.</summary>
    public double? MeanTpotMs { get; init; }

    public double? MedianTpotMs { get; init; }

    public double? P90TpotMs { get; init; }

    public double? P99TpotMs { get; init; }

    /// <summary>Gap between consecutive streamed chunks, over every gap of every request (vLLM and SGLang only).</summary>
    public double? MeanItlMs { get; init; }

    public double? MedianItlMs { get; init; }

    public double? P90ItlMs { get; init; }

    public double? P99ItlMs { get; init; }

    /// <summary>End-to-end request latency as the client saw it.</summary>
    public double? MeanE2eMs { get; init; }

    public double? MedianE2eMs { get; init; }

    public double? P90E2eMs { get; init; }

    public double? P99E2eMs { get; init; }

    /// <summary>TensorRT-LLM: tensor-parallel size the run used (<c>tp_size</c>).</summary>
    public int? TensorParallelSize { get; init; }

    /// <summary>TensorRT-LLM: pipeline-parallel size (<c>pp_size</c>).</summary>
    public int? PipelineParallelSize { get; init; }

    /// <summary>TensorRT-LLM: expert-parallel size (<c>ep_size</c>); null when the report says None.</summary>
    public int? ExpertParallelSize { get; init; }

    /// <summary>TensorRT-LLM: the runtime's maximum batch size.</summary>
    public int? MaxBatchSize { get; init; }

    /// <summary>TensorRT-LLM: the runtime's maximum tokens per iteration.</summary>
    public int? MaxNumTokens { get; init; }

    /// <summary>TensorRT-LLM: share of free GPU memory given to the KV cache (0.9 for "90.00%").</summary>
    public double? KvCacheMemoryFraction { get; init; }

    /// <summary>TensorRT-LLM: the scheduling policy (e.g. GUARANTEED_NO_EVICT).</summary>
    public string? SchedulingPolicy { get; init; }

    /// <summary>TensorRT-LLM: the engine version it reports.</summary>
    public string? EngineVersion { get; init; }

    /// <summary>TensorRT-LLM: the backend (Pytorch, TRT) when the JSON report names it.</summary>
    public string? EngineBackend { get; init; }

    /// <summary>TensorRT-LLM: compute dtype.</summary>
    public string? Dtype { get; init; }

    /// <summary>TensorRT-LLM: weight quantization (e.g. FP8, NVFP4); null when it says None.</summary>
    public string? Quantization { get; init; }

    /// <summary>TensorRT-LLM: KV-cache dtype; null when it says None.</summary>
    public string? KvCacheDtype { get; init; }

    /// <summary>TensorRT-LLM JSON report: the first GPU's name (<c>machine.name</c>).</summary>
    public string? GpuName { get; init; }

    /// <summary>Figures the reader computed rather than copied, each as "Figure: how".</summary>
    public IReadOnlyList<string> Derived { get; init; } = [];
}
