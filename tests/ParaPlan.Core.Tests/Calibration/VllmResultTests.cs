using ParaPlan.Calibration;

namespace ParaPlan.Tests.Calibration;

/// <summary>vllm bench serve / benchmark_serving.py --save-result files.</summary>
public class VllmResultTests
{
    [Fact]
    public void Every_line_of_the_llm_d_results_file_is_a_run_of_benchmark_serving()
    {
        // nerdalert/vllm-bench-automation vllm-benchmark-graphs/results.json: nine --save-result objects, one a line,
        // in a file named .json. Llama-3.2-3B-Instruct behind llm-d on 4x L40S, 1000/500 tokens, 10, 30 and inf QPS.
        IReadOnlyList<BenchmarkRun> runs = BenchmarkResultReader.Read(CalibrationData.PathOf("vllm-benchmark-serving-llmd-l40s.json"));

        Assert.Equal(9, runs.Count);
        Assert.All(runs, run => Assert.Equal(BenchmarkTool.VllmBenchServe, run.Tool));
        Assert.Equal(Enumerable.Range(1, 9), runs.Select(run => run.RunIndex));
        Assert.Equal(Enumerable.Range(1, 9), runs.Select(run => run.Line));
        Assert.All(runs, run => Assert.Equal("meta-llama/Llama-3.2-3B-Instruct", run.ModelName));
        Assert.All(runs, run => Assert.Null(run.Concurrency)); // "max_concurrency": null
    }

    [Fact]
    public void The_first_run_carries_the_figures_written_in_its_line()
    {
        BenchmarkRun run = BenchmarkResultReader.Read(CalibrationData.PathOf("vllm-benchmark-serving-llmd-l40s.json"))[0];

        Assert.Equal(10.0, run.RequestRate);
        Assert.Equal(300, run.NumRequests);
        Assert.Equal(300, run.Completed);
        Assert.Equal(35.84472489100017, run.DurationS);
        Assert.Equal(2258.212337970085, run.OutputTokensPerS);
        Assert.Equal(10619.275253401978, run.TotalTokensPerS);
        Assert.Equal(8.369432347779671, run.RequestsPerS);
        Assert.Equal(54.59561144333596, run.MeanTtftMs);
        Assert.Equal(52.868896000063614, run.MedianTtftMs);
        Assert.Equal(98.69780922984769, run.P99TtftMs);
        Assert.Null(run.P90TtftMs); // only --metric-percentiles 99 was asked for
        Assert.Equal(13.710971568239172, run.MeanTpotMs);
        Assert.Equal(13.686303201518745, run.MedianTpotMs);
        Assert.Equal(15.793261194984588, run.P99TpotMs);
        Assert.Equal(13.73187330695019, run.MeanItlMs);
        Assert.Equal(13.098381999952835, run.MedianItlMs);
        Assert.Equal(34.48662216016601, run.P99ItlMs);
        Assert.Null(run.MeanE2eMs); // e2el was not among --percentile-metrics
        Assert.Equal(299700.0 / 300, run.MeanInputTokens!.Value, 9); // total_input_tokens / completed
        Assert.Equal(80945.0 / 300, run.MeanOutputTokens!.Value, 9);
        Assert.Contains("MeanInputTokens: total_input_tokens / completed", run.Derived);
    }

    [Fact]
    public void The_text_inf_request_rate_reads_as_positive_infinity()
    {
        BenchmarkRun run = BenchmarkResultReader.Read(CalibrationData.PathOf("vllm-benchmark-serving-llmd-l40s.json"))[2];

        Assert.Equal(double.PositiveInfinity, run.RequestRate); // "request_rate": "inf"
        Assert.Equal(900, run.NumRequests);
        Assert.Equal(8321.230575856995, run.OutputTokensPerS);
        Assert.Equal(4386.739448253334, run.MeanTtftMs);
        Assert.Equal(9951.535929819987, run.P99TtftMs);
        Assert.Equal(61.81461881712581, run.MeanTpotMs);
    }

    [Fact]
    public void A_vllm_bench_serve_result_reads_concurrency_failures_and_end_to_end_latency()
    {
        // er0080/vllm-benchmarking: run=0.json of `vllm bench sweep serve` (vLLM 0.25.1), facebook/opt-125m.
        BenchmarkRun run = Assert.Single(BenchmarkResultReader.Read(CalibrationData.PathOf("vllm-bench-sweep-run0-opt-125m-cpu.json")));

        Assert.Equal(BenchmarkTool.VllmBenchServe, run.Tool);
        Assert.Equal("facebook/opt-125m", run.ModelName);
        Assert.Equal(2, run.Concurrency);
        Assert.Equal(double.PositiveInfinity, run.RequestRate);
        Assert.Equal(8, run.NumRequests);
        Assert.Equal(8, run.Completed);
        Assert.Equal(0, run.Failed);
        Assert.Equal(1.3653671270003542, run.DurationS);
        Assert.Equal(93.74767963046673, run.OutputTokensPerS);
        Assert.Equal(281.2430388914002, run.TotalTokensPerS);
        Assert.Equal(217.27289337468392, run.MeanTtftMs);
        Assert.Equal(8.204553624697533, run.MeanTpotMs);
        Assert.Equal(340.3411977451469, run.MeanE2eMs);
        Assert.Equal(166.47808399284258, run.MedianE2eMs);
        Assert.Equal(876.8009717071254, run.P99E2eMs);
        Assert.Equal(32.0, run.MeanInputTokens);
        Assert.Equal(16.0, run.MeanOutputTokens);
    }

    [Fact]
    public void Per_request_lists_in_seconds_fill_the_percentiles_the_summary_lacks_in_milliseconds()
    {
        // Synthetic --save-detailed payload (keys as vllm/benchmarks/serve.py writes them): the third request failed.
        IReadOnlyList<BenchmarkRun> runs = BenchmarkResultReader.Read("""
            {"date": "20250101-000000", "backend": "vllm", "model_id": "m", "tokenizer_id": "m", "num_prompts": 3,
             "request_rate": "inf", "burstiness": 1.0, "max_concurrency": null, "duration": 2.0, "completed": 2, "failed": 1,
             "total_input_tokens": 200, "total_output_tokens": 20, "request_throughput": 1.0, "output_throughput": 10.0,
             "total_token_throughput": 110.0, "mean_ttft_ms": 150.0, "median_ttft_ms": 150.0, "p99_ttft_ms": 199.0,
             "input_lens": [100, 100, 100], "output_lens": [10, 10, 0],
             "ttfts": [0.1, 0.2, 0.0], "itls": [[0.01, 0.03], [0.02], []], "latencies": [1.0, 2.0, 0.0],
             "errors": ["", "", "Connection reset"]}
            """, "detailed.json");

        BenchmarkRun run = Assert.Single(runs);
        Assert.Equal(150.0, run.MeanTtftMs); // the summary key wins
        Assert.Equal(199.0, run.P99TtftMs);
        Assert.Equal(190.0, run.P90TtftMs!.Value, 9); // 0.1 s and 0.2 s: linear 90th percentile 0.19 s
        Assert.Equal(20.0, run.MeanItlMs!.Value, 9); // gaps 10, 30, 20 ms
        Assert.Equal(20.0, run.MedianItlMs!.Value, 9);
        Assert.Equal(1500.0, run.MeanE2eMs!.Value, 9); // 1 s and 2 s; the failed request is left out
        Assert.Equal(1990.0, run.P99E2eMs!.Value, 9);
        Assert.Contains(run.Derived, note => note.StartsWith("P90TtftMs: 90th percentile of ttfts", StringComparison.Ordinal));
    }

    [Fact]
    public void Lists_without_a_way_to_tell_failed_requests_are_not_used_when_requests_failed()
    {
        BenchmarkRun run = Assert.Single(BenchmarkResultReader.Read("""
            {"model_id": "m", "duration": 2.0, "completed": 1, "failed": 1, "output_throughput": 5.0, "latencies": [1.0, 0.0]}
            """, "r.json"));

        Assert.Null(run.MeanE2eMs);
    }
}
