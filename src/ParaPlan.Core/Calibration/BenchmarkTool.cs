namespace ParaPlan.Calibration;

/// <summary>The benchmark client that wrote a result file read by <see cref="BenchmarkResultReader"/>.</summary>
public enum BenchmarkTool
{
    /// <summary>
    /// vLLM's <c>vllm bench serve --save-result</c> (vllm/benchmarks/serve.py) and its predecessor
    /// <c>benchmarks/benchmark_serving.py --save-result</c>: one JSON object per run (several, one a line, with
    /// <c>--append-result</c>); summary latencies in ms, per-request arrays in seconds.
    /// </summary>
    VllmBenchServe,

    /// <summary>
    /// SGLang's <c>python -m sglang.bench_serving --output-file X.jsonl</c>: one JSON object appended per run;
    /// latencies in ms, <c>request_rate</c> written as a bare <c>Infinity</c> when every request is sent at once.
    /// </summary>
    SglangBenchServing,

    /// <summary>
    /// NVIDIA GenAI-Perf's <c>profile_export_genai_perf.json</c> (metrics with a <c>unit</c> each, plus
    /// <c>input_config</c>) or <c>profile_export_genai_perf.csv</c> (units in the metric names).
    /// </summary>
    GenAiPerf,

    /// <summary>TensorRT-LLM's <c>trtllm-bench throughput</c>: the <c>--report_json</c> file or the printed report.</summary>
    TrtllmBench,
}
