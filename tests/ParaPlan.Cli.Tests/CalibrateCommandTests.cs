using System.Text.Json;

namespace ParaPlan.Tests;

/// <summary>
/// <c>paraplan calibrate SCENARIO RESULT</c> on the real result files of tests/ParaPlan.Core.Tests/Calibration/Data,
/// each with a scenario stating the run's configuration (its README and the comments in each *.scenario.yaml say
/// what was run and what had to be picked): calibrate writes a profile, and <c>estimate --profiles</c> on the same
/// scenario then reproduces every figure compared within 5%, or calibrate says the run cannot be reproduced (exit 1)
/// and names the value at its bound.
/// </summary>
public class CalibrateCommandTests
{
    private const double Within = 0.05;

    private static string Data(string file) => TestFiles.InRepository("tests", "ParaPlan.Core.Tests", "Calibration", "Data", file);

    private static string NewPath()
    {
        string folder = Path.Combine(Path.GetTempPath(), "paraplan-tests");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, Guid.NewGuid().ToString("N") + ".json");
    }

    /// <summary>Calibrates, checks the profile was written, and returns <c>estimate --profiles</c>'s JSON, calibrate's report and the profile written.</summary>
    private static (JsonElement Estimate, string Report, string Profile) RoundTrip(string scenario, string result, params string[] options)
    {
        string profile = NewPath();
        CliRun calibrate = CliRun.Of(["calibrate", scenario, Data(result), "--out", profile, .. options]);
        Assert.True(calibrate.ExitCode == 0, calibrate.Output + calibrate.Error);
        Assert.Equal(string.Empty, calibrate.Error);
        Assert.True(File.Exists(profile));
        Assert.Contains($"Written       {profile}", calibrate.Output, StringComparison.Ordinal);

        CliRun estimate = CliRun.Of("estimate", scenario, "--profiles", profile, "--format", "json");
        Assert.Equal(string.Empty, estimate.Error);
        Assert.Equal(0, estimate.ExitCode);
        using JsonDocument document = JsonDocument.Parse(estimate.Output);
        return (document.RootElement.Clone(), calibrate.Output, profile);
    }

    private static void AssertWithin(double measured, double predicted, string figure) =>
        Assert.True(Math.Abs((predicted / measured) - 1) <= Within, $"{figure}: predicted {predicted}, measured {measured}");

    [Fact]
    public void Vllm_bench_serve_llm_d_on_4_L40S_at_10_requests_per_s_round_trips_within_5_percent()
    {
        // Run 1 of the file ("no-features", request rate 10/s): mean_tpot_ms 13.710971568239172 and output_throughput
        // 2258.212337970085 tokens/s over 4 GPUs. Not a burst, so TTFT is not compared.
        (JsonElement e, string report, _) = RoundTrip(Data("vllm-benchmark-serving-llmd-l40s.scenario.yaml"), "vllm-benchmark-serving-llmd-l40s.json", "--run", "1");
        AssertWithin(13.710971568239172, e.GetProperty("tpot_ms").GetDouble(), "TPOT");
        AssertWithin(2258.212337970085 / 4, e.GetProperty("output_tokens_per_s_per_gpu").GetDouble(), "output tokens/s per GPU");
        Assert.Contains("TTFT: the run is not a burst", report, StringComparison.Ordinal);
        Assert.EndsWith(": vllm/l40s (fitted)", e.GetProperty("efficiency_profile").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Sglang_bench_serving_Llama_3_3_70B_on_4_H200_at_1_request_per_s_round_trips_within_5_percent()
    {
        // Run 1 (request rate 1), picked by its concurrency (Little's law: 7.88 -> the scenario's 8): median_itl_ms
        // 13.638956006616354 (the file states no mean TPOT or ITL) and output_throughput 537.4142851849319 over 4 GPUs.
        (JsonElement e, string report, _) = RoundTrip(Data("sglang-llama-3.3-70b-4xh200-online.scenario.yaml"), "sglang-llama-3.3-70b-4xh200-online.jsonl");
        AssertWithin(13.638956006616354, e.GetProperty("tpot_ms").GetDouble(), "TPOT");
        AssertWithin(537.4142851849319 / 4, e.GetProperty("output_tokens_per_s_per_gpu").GetDouble(), "output tokens/s per GPU");
        Assert.Contains("Run           1 of 7", report, StringComparison.Ordinal);
        Assert.Contains("median ITL (the run states no mean TPOT or ITL)", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Genai_perf_at_concurrency_144_cannot_be_reproduced_and_names_every_value_at_the_top_of_its_range()
    {
        // 144 clients of 4,000-token prompts: the KV cache of all of them does not fit one H100, so the server queued
        // most of them (mean TTFT 32.7 s) and decoded beside prefill chunks (ITL 159.59 ms); the estimate runs all
        // 144 in decode-only steps, and even every overhead at its top leaves it far faster.
        string profile = NewPath();
        CliRun run = CliRun.Of("calibrate", Data("genai-perf-issue393-concurrency144.scenario.yaml"), Data("genai-perf-issue393-concurrency144.csv"), "--out", profile);
        Assert.Equal(1, run.ExitCode);
        Assert.False(File.Exists(profile));
        Assert.Contains("the run cannot be reproduced within the engine's plausible overheads; the rest of the model is off for this deployment", Flat(run.Output), StringComparison.Ordinal);
        Assert.Contains("step_overhead_ms = 10 rests at the upper end of its range 0-10", Flat(run.Output), StringComparison.Ordinal);
        Assert.Contains("sequence_overhead_us = 150 rests at the upper end of its range 0-150", Flat(run.Output), StringComparison.Ordinal);
        Assert.Contains("layer_overhead_us = 150 rests at the upper end of its range 0-150", Flat(run.Output), StringComparison.Ordinal);
        Assert.Contains("the estimate's memory check fails at this concurrency", Flat(run.Output), StringComparison.Ordinal);
        Assert.Contains("Written       nothing: the run is not reproduced", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Trtllm_bench_s_burst_of_100_on_H200_round_trips_TPOT_and_throughput_within_5_percent_and_leaves_TTFT_out()
    {
        // The report's "Average time-per-output-token [TPOT] (ms): 7.3272" and "Per GPU Output Throughput (tps/gpu):
        // 11076.7700" (TP 1). trtllm-bench drives the executor in-process, so its TTFT (162.6706 ms) has no API server
        // admitting the burst and is not compared; request_overhead_ms is neither fitted nor written.
        (JsonElement e, string report, string profile) = RoundTrip(Data("trtllm-bench-llama-3.1-8b-report.scenario.yaml"), "trtllm-bench-llama-3.1-8b-report.txt");
        AssertWithin(7.3272, e.GetProperty("tpot_ms").GetDouble(), "TPOT");
        AssertWithin(11076.7700 / 1, e.GetProperty("output_tokens_per_s_per_gpu").GetDouble(), "output tokens/s per GPU");
        Assert.Contains("TTFT: trtllm-bench throughput drives the engine in-process (no HTTP front end)", Flat(report), StringComparison.Ordinal);
        Assert.EndsWith(": trtllm/h200-sxm (fitted)", e.GetProperty("efficiency_profile").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("request_overhead_ms", File.ReadAllText(profile), StringComparison.Ordinal);
    }

    [Fact]
    public void A_vllm_burst_of_900_cannot_be_reproduced_by_the_steady_state_estimate()
    {
        // Run 3 ("no-features", request rate inf, 900 prompts): the whole burst's output over its makespan (prefill
        // of every prompt first, then a tail of the longest outputs) is below what the steady cycle of the estimate
        // gives at the TPOT the run measured, and no serving-loop value trades one for the other.
        string scenario = TestFiles.Write(File.ReadAllText(Data("vllm-benchmark-serving-llmd-l40s.scenario.yaml"))
            .Replace("concurrency: 31", "concurrency: 900", StringComparison.Ordinal)
            .Replace("output_tokens: 270", "output_tokens: 267", StringComparison.Ordinal));
        CliRun run = CliRun.Of("calibrate", scenario, Data("vllm-benchmark-serving-llmd-l40s.json"), "--run", "3");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("tpot_ms is still +", Flat(run.Output), StringComparison.Ordinal);
        Assert.Contains("output_tokens_per_s_per_gpu is still +", Flat(run.Output), StringComparison.Ordinal);

        // Three runs of the file are bursts of 900: without --run, calibrate lists the runs.
        CliRun ambiguous = CliRun.Of("calibrate", scenario, Data("vllm-benchmark-serving-llmd-l40s.json"));
        Assert.Equal(2, ambiguous.ExitCode);
        string line = Assert.Single(ambiguous.ErrorLines);
        Assert.Contains("--run: 3 runs of the 9 in the file kept the scenario's concurrency 900 in flight; pick one with --run N: 1: vllm bench serve: 300 requests at 10 requests/s", line, StringComparison.Ordinal);
    }

    [Fact]
    public void The_json_report_states_measured_and_predicted_before_and_after_and_the_values()
    {
        CliRun run = CliRun.Of("calibrate", Data("sglang-llama-3.3-70b-4xh200-online.scenario.yaml"), Data("sglang-llama-3.3-70b-4xh200-online.jsonl"), "--format", "json");
        Assert.Equal(0, run.ExitCode);
        using JsonDocument document = JsonDocument.Parse(run.Output);
        JsonElement result = document.RootElement;
        Assert.Equal(1, result.GetProperty("run").GetInt32());
        Assert.Equal("sglang", result.GetProperty("engine").GetString());
        Assert.Equal("h200-sxm", result.GetProperty("gpu").GetString());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("failure").ValueKind);
        Assert.Equal(JsonValueKind.Null, result.GetProperty("written_to").ValueKind); // no --out
        var figures = result.GetProperty("figures").EnumerateArray().ToList();
        Assert.Equal(["tpot_ms", "output_tokens_per_s_per_gpu"], figures.Select(f => f.GetProperty("key").GetString()!));
        Assert.Equal(537.4142851849319 / 4, figures[1].GetProperty("measured").GetDouble(), 9);
        foreach (JsonElement figure in figures)
        {
            Assert.True(Math.Abs(figure.GetProperty("error_after").GetDouble()) <= Within);
        }

        var values = result.GetProperty("values").EnumerateArray().ToList();
        Assert.Equal(["step_overhead_ms", "sequence_overhead_us", "layer_overhead_us", "request_overhead_ms"], values.Select(v => v.GetProperty("key").GetString()!));
        Assert.False(values[3].GetProperty("fitted").GetBoolean());
        Assert.All(values.Take(3), v => Assert.InRange(v.GetProperty("after").GetDouble(), v.GetProperty("min").GetDouble(), v.GetProperty("max").GetDouble()));
    }

    [Fact]
    public void Bad_input_is_one_line()
    {
        string scenario = Data("sglang-llama-3.3-70b-4xh200-online.scenario.yaml");
        CliRun notAResult = CliRun.Of("calibrate", scenario, scenario);
        Assert.Equal(2, notAResult.ExitCode);
        Assert.Contains("not a result file of vllm bench serve", Assert.Single(notAResult.ErrorLines), StringComparison.Ordinal);

        CliRun entry = CliRun.Of("calibrate", scenario, Data("sglang-llama-3.3-70b-4xh200-online.jsonl"), "--engine-gpu", "vllm/h200-sxm");
        Assert.Equal(2, entry.ExitCode);
        Assert.Contains("--engine-gpu: 'vllm/h200-sxm' is not a profile entry the scenario's sglang on h200-sxm uses", Assert.Single(entry.ErrorLines), StringComparison.Ordinal);

        CliRun noRun = CliRun.Of("calibrate", scenario, Data("sglang-llama-3.3-70b-4xh200-online.jsonl"), "--run", "8");
        Assert.Equal(2, noRun.ExitCode);
        Assert.Contains("--run: there is no run 8; the file holds 7", Assert.Single(noRun.ErrorLines), StringComparison.Ordinal);
    }

    /// <summary>The report with its line breaks and table padding folded, for phrases the terminal wrapped.</summary>
    private static string Flat(string text) => string.Join(' ', text.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
}
