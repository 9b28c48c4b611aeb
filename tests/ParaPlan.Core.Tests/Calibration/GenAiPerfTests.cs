using ParaPlan.Calibration;

namespace ParaPlan.Tests.Calibration;

/// <summary>GenAI-Perf's profile_export_genai_perf.csv and .json.</summary>
public class GenAiPerfTests
{
    [Fact]
    public void The_csv_export_reads_every_statistic_with_thousands_separators_removed()
    {
        // triton-inference-server/perf_analyzer issue #393: a concurrency-144 run, ISL 4000, output 200 requested.
        BenchmarkRun run = Assert.Single(BenchmarkResultReader.Read(CalibrationData.PathOf("genai-perf-issue393-concurrency144.csv")));

        Assert.Equal(BenchmarkTool.GenAiPerf, run.Tool);
        Assert.Equal(32688.40, run.MeanTtftMs); // "32,688.40"
        Assert.Equal(35425.56, run.MedianTtftMs);
        Assert.Equal(49160.43, run.P90TtftMs);
        Assert.Equal(66402.05, run.P99TtftMs);
        Assert.Equal(159.59, run.MeanTpotMs); // Inter Token Latency is per-request (latency - TTFT) / (OSL - 1)
        Assert.Equal(144.32, run.MedianTpotMs);
        Assert.Equal(205.23, run.P90TpotMs);
        Assert.Equal(239.76, run.P99TpotMs);
        Assert.Null(run.MeanItlMs);
        Assert.Equal(71107.96, run.MeanE2eMs);
        Assert.Equal(72280.39, run.MedianE2eMs);
        Assert.Equal(93740.16, run.P90E2eMs);
        Assert.Equal(101001.72, run.P99E2eMs);
        Assert.Equal(4000.03, run.MeanInputTokens);
        Assert.Equal(241.75, run.MeanOutputTokens);
        Assert.Equal(410.43, run.OutputTokensPerS);
        Assert.Equal(1.70, run.RequestsPerS);
        Assert.Equal(353, run.Completed);
        Assert.Null(run.Concurrency); // the CSV does not carry the command line
        Assert.Null(run.ModelName);
    }

    [Fact]
    public void Early_csv_exports_in_nanoseconds_are_converted_to_milliseconds()
    {
        // Shape of an early release's CSV (perf_analyzer genai-perf tests): latencies labelled (ns).
        BenchmarkRun run = Assert.Single(BenchmarkResultReader.Read("""
            Metric,avg,min,max,p99,p95,p90,p75,p50,p25
            Time To First Token (ns),"2,500,000",2,3,"4,000,000",3,"3,000,000",2,"2,000,000",2
            Num Output Token,4.50,3.00,6.00,5.97,5.85,5.70,5.25,4.50,3.75

            Metric,Value
            Output Token Throughput (per sec),900.00
            Request Throughput (per sec),200.00
            """, "profile_export_genai_perf.csv"));

        Assert.Equal(2.5, run.MeanTtftMs!.Value, 12);
        Assert.Equal(2.0, run.MedianTtftMs!.Value, 12);
        Assert.Equal(3.0, run.P90TtftMs!.Value, 12);
        Assert.Equal(4.0, run.P99TtftMs!.Value, 12);
        Assert.Equal(4.5, run.MeanOutputTokens);
        Assert.Equal(900.0, run.OutputTokensPerS);
    }

    [Fact]
    public void The_json_export_reads_metrics_with_their_units_and_the_flat_input_config()
    {
        // Synthetic, with the layout of genai-perf's JsonExporter (releases up to early 2025: flat input_config).
        BenchmarkRun run = Assert.Single(BenchmarkResultReader.Read("""
            {
              "request_throughput": {"unit": "requests/sec", "avg": 0.17},
              "request_latency": {"unit": "ms", "avg": 5919.16, "p99": 5933.31, "p95": 5928.74, "p90": 5923.03, "p75": 5920.17, "p50": 5918.56, "p25": 5915.29, "max": 5934.45, "min": 5912.73, "std": 5.0},
              "time_to_first_token": {"unit": "ms", "avg": 23.94, "p99": 30.10, "p95": 27.51, "p90": 24.26, "p75": 23.38, "p50": 23.20, "p25": 23.02, "max": 30.75, "min": 22.92, "std": 1.0},
              "inter_token_latency": {"unit": "ms", "avg": 11.54, "p99": 11.69, "p95": 11.64, "p90": 11.58, "p75": 11.55, "p50": 11.53, "p25": 11.52, "max": 11.70, "min": 11.45, "std": 0.1},
              "output_token_throughput": {"unit": "tokens/sec", "avg": 86.48},
              "output_sequence_length": {"unit": "tokens", "avg": 511.90, "p50": 512.0},
              "input_sequence_length": {"unit": "tokens", "avg": 127.50, "p50": 128.0},
              "input_config": {"model": ["llama-3-8b"], "backend": "tensorrtllm", "endpoint_type": "kserve",
                               "concurrency": 1, "request_rate": null, "request_count": 0, "output_tokens_mean": -1,
                               "synthetic_input_tokens_mean": 128}
            }
            """, "profile_export_genai_perf.json"));

        Assert.Equal(BenchmarkTool.GenAiPerf, run.Tool);
        Assert.Equal("llama-3-8b", run.ModelName);
        Assert.Equal(1, run.Concurrency);
        Assert.Null(run.RequestRate);
        Assert.Null(run.NumRequests); // request_count 0 means "not set"
        Assert.Equal(23.94, run.MeanTtftMs);
        Assert.Equal(23.20, run.MedianTtftMs);
        Assert.Equal(24.26, run.P90TtftMs);
        Assert.Equal(30.10, run.P99TtftMs);
        Assert.Equal(11.54, run.MeanTpotMs);
        Assert.Equal(5919.16, run.MeanE2eMs);
        Assert.Equal(86.48, run.OutputTokensPerS);
        Assert.Equal(0.17, run.RequestsPerS);
        Assert.Equal(511.90, run.MeanOutputTokens);
        Assert.Equal(127.50, run.MeanInputTokens);
    }

    [Fact]
    public void The_json_export_of_the_config_file_releases_reads_the_nested_stimulus()
    {
        BenchmarkRun run = Assert.Single(BenchmarkResultReader.Read("""
            {"time_to_first_token": {"unit": "ms", "avg": 40.0, "p50": 39.0},
             "output_token_throughput": {"unit": "tokens/sec", "avg": 1000.0},
             "request_count": {"unit": "count", "avg": 64.0},
             "input_config": {"model_names": ["Qwen/Qwen3-8B"], "perf_analyzer": {"stimulus": {"request_rate": 8.0}}}}
            """, "profile_export_genai_perf.json"));

        Assert.Equal("Qwen/Qwen3-8B", run.ModelName);
        Assert.Equal(8.0, run.RequestRate);
        Assert.Null(run.Concurrency);
        Assert.Equal(64, run.Completed);
        Assert.Equal(40.0, run.MeanTtftMs);
    }
}
