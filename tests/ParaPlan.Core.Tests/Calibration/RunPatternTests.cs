using ParaPlan.Calibration;

namespace ParaPlan.Tests.Calibration;

/// <summary>How a run sent its requests and how many it kept in flight, from the real result files.</summary>
public class RunPatternTests
{
    private static IReadOnlyList<BenchmarkRun> Read(string file) => BenchmarkResultReader.Read(CalibrationData.PathOf(file));

    [Fact]
    public void A_vllm_run_at_request_rate_inf_without_a_cap_is_a_burst_of_all_its_requests()
    {
        IReadOnlyList<BenchmarkRun> runs = Read("vllm-benchmark-serving-llmd-l40s.json");
        BenchmarkRun burst = runs[2]; // "request_rate": "inf", 900 prompts, max_concurrency null
        Assert.True(RunPattern.IsBurst(burst));
        Assert.Equal(900, RunPattern.Concurrency(burst, out string how));
        Assert.Equal("900 requests sent at once", how);
        Assert.False(RunPattern.IsBurst(runs[0])); // request_rate 10
    }

    [Fact]
    public void An_open_stream_s_requests_in_flight_are_Little_s_law_on_the_file_s_own_figures()
    {
        // vLLM run 1 states no end-to-end latency: 54.5956 ms mean TTFT + 13.710972 ms mean TPOT x (80,945 / 300 - 1)
        // output tokens = 3,740.35 ms; 300 requests / 35.844725 s x 3.74035 s = 31.30 in flight.
        BenchmarkRun vllm = Read("vllm-benchmark-serving-llmd-l40s.json")[0];
        double latency = 54.59561144333596 + (13.710971568239172 * ((80945 / 300.0) - 1));
        Assert.Equal(300 / 35.84472489100017 * latency / 1000, RunPattern.Concurrency(vllm, out string how)!.Value, 9);
        Assert.StartsWith("Little's law", how, StringComparison.Ordinal);
        Assert.Equal(31.30, RunPattern.Concurrency(vllm, out _)!.Value, 2);

        // SGLang run 1 states it: 300 / 298.36758 s x 7,840.6162 ms = 7.88.
        BenchmarkRun sglang = Read("sglang-llama-3.3-70b-4xh200-online.jsonl")[0];
        Assert.Equal(300 / 298.3675805060193 * 7.840616212638561, RunPattern.Concurrency(sglang, out _)!.Value, 9);
    }

    [Fact]
    public void Trtllm_bench_s_issue_rate_of_1e15_requests_per_second_is_a_burst()
    {
        BenchmarkRun run = Assert.Single(Read("trtllm-bench-llama-3.1-8b-report.txt"));
        Assert.Equal(1.0526E+15, run.RequestRate); // "Issue Rate (req/sec):   1.0526E+15"
        Assert.True(RunPattern.IsBurst(run)); // 100 requests in 1e-13 s
        Assert.Equal(100, RunPattern.Concurrency(run, out _));
    }

    [Fact]
    public void A_sglang_offline_run_s_bare_Infinity_is_a_burst_and_a_genai_perf_csv_says_nothing()
    {
        BenchmarkRun offline = Read("sglang-llama-3.3-70b-4xh200-offline.jsonl")[0];
        Assert.True(RunPattern.IsBurst(offline));
        Assert.Equal(3000, RunPattern.Concurrency(offline, out _));

        BenchmarkRun csv = Assert.Single(Read("genai-perf-issue393-concurrency144.csv"));
        Assert.False(RunPattern.IsBurst(csv));
        Assert.Null(RunPattern.Concurrency(csv, out string how));
        Assert.Equal("the file does not state it", how);
    }

    [Fact]
    public void A_client_cap_makes_a_closed_loop_not_a_burst()
    {
        // vllm bench sweep: max_concurrency 2, 8 prompts, request rate inf.
        BenchmarkRun run = Assert.Single(Read("vllm-bench-sweep-run0-opt-125m-cpu.json"));
        Assert.False(RunPattern.IsBurst(run));
        Assert.Equal(2, RunPattern.Concurrency(run, out string how));
        Assert.Equal("the client's concurrency cap (2)", how);
        Assert.Contains("by 2 clients in a closed loop", RunPattern.Describe(run), StringComparison.Ordinal);
    }
}
