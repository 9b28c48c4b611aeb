using ParaPlan.Calibration;

namespace ParaPlan.Tests.Calibration;

/// <summary>sglang.bench_serving --output-file JSON-lines files.</summary>
public class SglangResultTests
{
    [Fact]
    public void Every_appended_line_is_a_run_with_its_own_request_rate()
    {
        // datacrunch-research/h200-benchmarks sglang/outputs/llama_3_3_70b_online_output.jsonl: Llama-3.3-70B on
        // 4x H200 (TP 4), SGLang as of December 2024; five random 1024/1024 runs, then two ShareGPT runs.
        IReadOnlyList<BenchmarkRun> runs = BenchmarkResultReader.Read(CalibrationData.PathOf("sglang-llama-3.3-70b-4xh200-online.jsonl"));

        Assert.Equal(7, runs.Count);
        Assert.All(runs, run => Assert.Equal(BenchmarkTool.SglangBenchServing, run.Tool));
        Assert.Equal([1.0, 2.0, 4.0, 8.0, 16.0, 4.0, 8.0], runs.Select(run => run.RequestRate!.Value));
        Assert.Equal([300, 600, 1200, 2400, 3200, 1200, 2400], runs.Select(run => run.Completed!.Value));
        Assert.All(runs, run => Assert.Null(run.Concurrency)); // "max_concurrency": null
        Assert.All(runs, run => Assert.Null(run.ModelName)); // this SGLang version does not write the model
    }

    [Fact]
    public void The_first_run_carries_the_figures_written_in_its_line()
    {
        BenchmarkRun run = BenchmarkResultReader.Read(CalibrationData.PathOf("sglang-llama-3.3-70b-4xh200-online.jsonl"))[0];

        Assert.Equal(298.3675805060193, run.DurationS);
        Assert.Equal(537.4142851849319, run.OutputTokensPerS);
        Assert.Equal(85.74514742940664, run.MedianTtftMs);
        Assert.Equal(13.638956006616354, run.MedianItlMs);
        Assert.Equal(7840.616212638561, run.MeanE2eMs);
        Assert.Equal(7819.046192569658, run.MedianE2eMs);
        Assert.Equal(152612.0 / 300, run.MeanInputTokens!.Value, 9);
        Assert.Equal(160347.0 / 300, run.MeanOutputTokens!.Value, 9);
        // This older bench_serving wrote no mean TTFT, no TPOT, no request throughput.
        Assert.Null(run.MeanTtftMs);
        Assert.Null(run.MeanTpotMs);
        Assert.Null(run.RequestsPerS);
        Assert.Null(run.TotalTokensPerS);
    }

    [Fact]
    public void A_bare_Infinity_request_rate_reads_as_positive_infinity()
    {
        // Same repository, llama_3_3_70b_offline_output.jsonl: every request sent at once.
        IReadOnlyList<BenchmarkRun> runs = BenchmarkResultReader.Read(CalibrationData.PathOf("sglang-llama-3.3-70b-4xh200-offline.jsonl"));

        Assert.Equal(7, runs.Count);
        Assert.All(runs, run => Assert.Equal(double.PositiveInfinity, run.RequestRate));
        Assert.Equal(3000, runs[0].Completed);
        Assert.Equal(341.72106836596504, runs[0].DurationS);
        Assert.Equal(4520.698730654741, runs[0].OutputTokensPerS);
        Assert.Equal(91282.20983641222, runs[0].MedianTtftMs);
        Assert.Equal(224918.79882259612, runs[0].MeanE2eMs);
    }

    [Fact]
    public void A_current_result_line_reads_means_percentiles_concurrency_and_the_total_throughput()
    {
        // Synthetic line with the keys of python/sglang/bench_serving.py (2025): all latencies in ms.
        BenchmarkRun run = Assert.Single(BenchmarkResultReader.Read("""
            {"backend": "sglang", "dataset_name": "random", "request_rate": Infinity, "max_concurrency": 64,
             "sharegpt_output_len": null, "random_input_len": 1024, "random_output_len": 256, "random_range_ratio": 1.0,
             "duration": 10.0, "completed": 100, "total_input_tokens": 102400, "total_output_tokens": 25600,
             "total_output_tokens_retokenized": 25590, "request_throughput": 10.0, "input_throughput": 10240.0,
             "output_throughput": 2560.0, "mean_e2e_latency_ms": 6000.0, "median_e2e_latency_ms": 5900.0,
             "std_e2e_latency_ms": 100.0, "p99_e2e_latency_ms": 6400.0, "mean_ttft_ms": 500.0, "median_ttft_ms": 450.0,
             "std_ttft_ms": 10.0, "p99_ttft_ms": 900.0, "mean_tpot_ms": 21.5, "median_tpot_ms": 21.0, "std_tpot_ms": 1.0,
             "p99_tpot_ms": 25.0, "mean_itl_ms": 21.4, "median_itl_ms": 20.0, "std_itl_ms": 2.0, "p95_itl_ms": 30.0,
             "p99_itl_ms": 40.0, "concurrency": 60.5, "accept_length": null}
            """, "sglang.jsonl"));

        Assert.Equal(64, run.Concurrency);
        Assert.Equal(double.PositiveInfinity, run.RequestRate);
        Assert.Equal(500.0, run.MeanTtftMs);
        Assert.Equal(900.0, run.P99TtftMs);
        Assert.Equal(21.5, run.MeanTpotMs);
        Assert.Equal(25.0, run.P99TpotMs);
        Assert.Equal(40.0, run.P99ItlMs);
        Assert.Equal(6400.0, run.P99E2eMs);
        Assert.Equal(60.5, run.AverageConcurrency);
        Assert.Equal(12800.0, run.TotalTokensPerS); // input_throughput + output_throughput
        Assert.Contains("TotalTokensPerS: input_throughput + output_throughput", run.Derived);
    }

    [Fact]
    public void Output_details_lists_in_seconds_give_the_mean_ttft_in_milliseconds()
    {
        BenchmarkRun run = Assert.Single(BenchmarkResultReader.Read("""
            {"backend": "sglang", "dataset_name": "random", "request_rate": 4.0, "max_concurrency": null, "duration": 1.0,
             "completed": 2, "total_input_tokens": 20, "total_output_tokens": 4, "output_throughput": 4.0,
             "mean_e2e_latency_ms": 300.0, "median_e2e_latency_ms": 300.0, "median_ttft_ms": 50.0, "median_itl_ms": 10.0,
             "input_lens": [10, 10], "output_lens": [2, 2], "ttfts": [0.04, 0.06], "itls": [[0.01], [0.01]],
             "generated_texts": ["a", "b"], "errors": ["", ""]}
            """, "details.jsonl"));

        Assert.Equal(50.0, run.MedianTtftMs); // stated
        Assert.Equal(50.0, run.MeanTtftMs!.Value, 9); // from ttfts: 40 and 60 ms
        Assert.Equal(10.0, run.MeanItlMs!.Value, 9);
    }
}
