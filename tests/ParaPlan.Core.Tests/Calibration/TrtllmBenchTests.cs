using ParaPlan.Calibration;

namespace ParaPlan.Tests.Calibration;

/// <summary>trtllm-bench throughput: the printed report and the --report_json file.</summary>
public class TrtllmBenchTests
{
    [Fact]
    public void The_printed_report_reads_engine_settings_and_every_figure()
    {
        // NVIDIA technical blog "LLM Inference Benchmarking: Performance Tuning with TensorRT-LLM": Llama-3.1-8B-Instruct,
        // PyTorch backend, TensorRT-LLM 0.21.0rc0, 100 requests of 128/128 tokens, streaming.
        BenchmarkRun run = Assert.Single(BenchmarkResultReader.Read(CalibrationData.PathOf("trtllm-bench-llama-3.1-8b-report.txt")));

        Assert.Equal(BenchmarkTool.TrtllmBench, run.Tool);
        Assert.Equal("meta-llama/Llama-3.1-8B-Instruct", run.ModelName);
        Assert.Equal("0.21.0rc0", run.EngineVersion);
        Assert.Equal("bfloat16", run.Dtype);
        Assert.Null(run.KvCacheDtype); // "None"
        Assert.Null(run.Quantization);
        Assert.Equal(100, run.NumRequests);
        Assert.Equal(94.6050, run.AverageConcurrency);
        Assert.Equal(128.0, run.MeanInputTokens);
        Assert.Equal(128.0, run.MeanOutputTokens);
        Assert.Equal(1, run.TensorParallelSize);
        Assert.Equal(1, run.PipelineParallelSize);
        Assert.Null(run.ExpertParallelSize); // "None"
        Assert.Equal(3840, run.MaxBatchSize);
        Assert.Equal(7680, run.MaxNumTokens);
        Assert.Equal("GUARANTEED_NO_EVICT", run.SchedulingPolicy);
        Assert.Equal(0.9, run.KvCacheMemoryFraction!.Value, 12); // "90.00%"
        Assert.Equal(86.5373, run.RequestsPerS);
        Assert.Equal(11076.7700, run.OutputTokensPerS);
        Assert.Equal(22153.5399, run.TotalTokensPerS);
        Assert.Equal(1.1555715, run.DurationS!.Value, 12); // Total Latency 1155.5715 ms
        Assert.Equal(162.6706, run.MeanTtftMs);
        Assert.Equal(159.7857, run.MedianTtftMs);
        Assert.Equal(220.0530, run.P90TtftMs);
        Assert.Equal(232.4339, run.P99TtftMs);
        Assert.Equal(7.3272, run.MeanTpotMs);
        Assert.Equal(7.6079, run.MedianTpotMs);
        Assert.Equal(8.1246, run.P90TpotMs);
        Assert.Equal(8.1306, run.P99TpotMs);
        Assert.Equal(1093.2284, run.MeanE2eMs);
        Assert.Equal(1091.7905, run.MedianE2eMs);
        Assert.Equal(1130.7200, run.P90E2eMs);
        Assert.Equal(1137.6817, run.P99E2eMs);
        Assert.Null(run.Concurrency); // the report states the mean requests in flight, not the --concurrency cap
    }

    [Fact]
    public void A_log_with_two_reports_gives_two_runs_and_the_old_token_throughput_line_is_the_output_throughput()
    {
        // Shape of TensorRT-LLM 0.17's report (docs/source/performance/perf-benchmarking.md), twice, with log lines.
        string report = """
            [01/18/2025-01:01:42] [TRT-LLM] [I] Benchmark complete.
            ===========================================================
            = ENGINE DETAILS
            ===========================================================
            Model:                  meta-llama/Llama-3.1-8B
            TensorRT-LLM Version:   0.17.0
            ===========================================================
            = WORLD + RUNTIME INFORMATION
            ===========================================================
            TP Size:                2
            PP Size:                1
            Max Runtime Batch Size: 4096
            ===========================================================
            = PERFORMANCE OVERVIEW
            ===========================================================
            Number of requests:             3000
            Average Input Length (tokens):  128.0000
            Average Output Length (tokens): 128.0000
            Token Throughput (tokens/sec):  28390.4265
            Request Throughput (req/sec):   221.8002
            Total Latency (ms):             13525.6862
            """;
        IReadOnlyList<BenchmarkRun> runs = BenchmarkResultReader.Read(report + "\n" + report.Replace("28390.4265", "1000.5", StringComparison.Ordinal), "trtllm.log");

        Assert.Equal(2, runs.Count);
        Assert.Equal(28390.4265, runs[0].OutputTokensPerS);
        Assert.Equal(1000.5, runs[1].OutputTokensPerS);
        Assert.Equal(2, runs[1].TensorParallelSize);
        Assert.Equal(2, runs[1].RunIndex);
        Assert.Equal(3, runs[0].Line); // the "= ENGINE DETAILS" line
    }

    [Fact]
    public void The_report_json_reads_world_info_performance_and_streaming_percentiles()
    {
        // Synthetic, with the keys of tensorrt_llm/bench/dataclasses/reporting.py get_statistics_dict.
        BenchmarkRun run = Assert.Single(BenchmarkResultReader.Read("""
            {"engine": {"model": "deepseek-ai/DeepSeek-R1", "model_path": "/models/r1", "engine_dir": "None", "version": "1.1.0",
                        "backend": "Pytorch", "dtype": "bfloat16", "kv_cache_dtype": "FP8", "quantization": "NVFP4"},
             "machine": {"name": "NVIDIA B200", "memory.total": 178.4, "clocks.mem": 3.996},
             "world_info": {"tp_size": 4, "pp_size": 1, "ep_size": 4, "world_size": 4, "max_batch_size": 1024,
                            "max_num_tokens": 2176, "scheduling_policy": "GUARANTEED_NO_EVICT", "kv_cache_percentage": 0.7,
                            "issue_rate": 1.1684e17},
             "request_info": {"num_requests": 6144, "avg_num_concurrent_requests": 1018.8, "avg_input_length": 1024.0,
                              "avg_output_length": 1024.0},
             "performance": {"total_latency_ms": 836914.2, "avg_request_latency_ms": 140000.0, "request_throughput_req_s": 7.3411,
                             "system_output_throughput_tok_s": 7517.2584, "system_total_throughput_tok_s": 15034.5,
                             "output_throughput_per_user_tok_s": 7.4, "output_throughput_per_gpu_tok_s": 1879.3,
                             "request_latency_percentiles_ms": {"p50": 139000.0, "p90": 150000.0, "p95": 151000.0, "p99": 152000.0,
                                                                "minimum": 100000.0, "maximum": 153000.0, "average": 140000.0}},
             "streaming_metrics": {"token_output_speed_tok_s": 8.0, "avg_ttft_ms": 5000.0, "avg_tpot_ms": 125.0,
                                   "tpot_percentiles": {"p50": 124.0, "p90": 130.0, "p95": 131.0, "p99": 132.0, "minimum": 100.0, "maximum": 133.0, "average": 125.0},
                                   "ttft_percentiles": {"p50": 4900.0, "p90": 9000.0, "p95": 9500.0, "p99": 9900.0, "minimum": 100.0, "maximum": 9990.0, "average": 5000.0}},
             "dataset": {"num_requests": 6144, "avg_isl": 1024, "avg_osl": 1024}}
            """, "report.json"));

        Assert.Equal(BenchmarkTool.TrtllmBench, run.Tool);
        Assert.Equal("deepseek-ai/DeepSeek-R1", run.ModelName);
        Assert.Equal("NVIDIA B200", run.GpuName);
        Assert.Equal("Pytorch", run.EngineBackend);
        Assert.Equal("NVFP4", run.Quantization);
        Assert.Equal("FP8", run.KvCacheDtype);
        Assert.Equal(4, run.TensorParallelSize);
        Assert.Equal(4, run.ExpertParallelSize);
        Assert.Equal(1024, run.MaxBatchSize);
        Assert.Equal(0.7, run.KvCacheMemoryFraction);
        Assert.Equal(6144, run.NumRequests);
        Assert.Equal(1018.8, run.AverageConcurrency);
        Assert.Equal(836.9142, run.DurationS!.Value, 9);
        Assert.Equal(7517.2584, run.OutputTokensPerS);
        Assert.Equal(15034.5, run.TotalTokensPerS);
        Assert.Equal(7.3411, run.RequestsPerS);
        Assert.Equal(5000.0, run.MeanTtftMs);
        Assert.Equal(4900.0, run.MedianTtftMs);
        Assert.Equal(9000.0, run.P90TtftMs);
        Assert.Equal(9900.0, run.P99TtftMs);
        Assert.Equal(125.0, run.MeanTpotMs);
        Assert.Equal(132.0, run.P99TpotMs);
        Assert.Equal(140000.0, run.MeanE2eMs);
        Assert.Equal(150000.0, run.P90E2eMs);
    }
}
