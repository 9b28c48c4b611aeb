using ParaPlan.Calibration;
using ParaPlan.Input;

namespace ParaPlan.Tests.Calibration;

/// <summary>Format detection from the content, and one-line errors naming the file, the field and the problem.</summary>
public class BenchmarkResultReaderTests
{
    private const string VllmLine =
        """{"date": "20250530-194738", "backend": "vllm", "model_id": "m", "num_prompts": 10, "request_rate": 1.0, "max_concurrency": null, "duration": 10.0, "completed": 10, "output_throughput": 100.0, "mean_ttft_ms": 50.0}""";

    private static InputException Fails(string text, string file = "results.json") =>
        Assert.Throws<InputException>(() => BenchmarkResultReader.Read(text, file));

    [Theory]
    [InlineData("vllm-benchmark-serving-llmd-l40s.json", BenchmarkTool.VllmBenchServe)]
    [InlineData("vllm-bench-sweep-run0-opt-125m-cpu.json", BenchmarkTool.VllmBenchServe)]
    [InlineData("sglang-llama-3.3-70b-4xh200-online.jsonl", BenchmarkTool.SglangBenchServing)]
    [InlineData("sglang-llama-3.3-70b-4xh200-offline.jsonl", BenchmarkTool.SglangBenchServing)]
    [InlineData("genai-perf-issue393-concurrency144.csv", BenchmarkTool.GenAiPerf)]
    [InlineData("trtllm-bench-llama-3.1-8b-report.txt", BenchmarkTool.TrtllmBench)]
    public void Each_example_file_is_recognised_as_its_tool(string file, BenchmarkTool tool)
    {
        IReadOnlyList<BenchmarkRun> runs = BenchmarkResultReader.Read(CalibrationData.PathOf(file));

        Assert.NotEmpty(runs);
        Assert.All(runs, run => Assert.Equal(tool, run.Tool));
        Assert.All(runs, run => Assert.Equal(CalibrationData.PathOf(file), run.SourceFile));
        Assert.All(runs, run => Assert.NotNull(run.OutputTokensPerS));
    }

    [Fact]
    public void The_format_comes_from_the_content_not_the_extension()
    {
        string csv = File.ReadAllText(CalibrationData.PathOf("genai-perf-issue393-concurrency144.csv"));
        string jsonl = File.ReadAllText(CalibrationData.PathOf("sglang-llama-3.3-70b-4xh200-online.jsonl"));

        Assert.Equal(BenchmarkTool.GenAiPerf, Assert.Single(BenchmarkResultReader.Read(csv, "results.json")).Tool);
        Assert.Equal(BenchmarkTool.SglangBenchServing, BenchmarkResultReader.Read(jsonl, "results.csv")[0].Tool);
    }

    [Fact]
    public void A_list_of_run_objects_reads_as_that_many_runs()
    {
        // vllm bench sweep's summary.json is the list of its run=N.json payloads.
        IReadOnlyList<BenchmarkRun> runs = BenchmarkResultReader.Read($"[{VllmLine}, {VllmLine}]", "summary.json");

        Assert.Equal(2, runs.Count);
        Assert.Equal([1, 2], runs.Select(run => run.RunIndex));
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        InputException error = Assert.Throws<InputException>(() => BenchmarkResultReader.Read(Path.Combine(Path.GetTempPath(), "no-such-benchmark-result.json")));

        Assert.Contains("no such file", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\n")]
    [InlineData("\uFEFF")]
    public void An_empty_file_fails(string text)
    {
        InputException error = Fails(text);

        Assert.Equal("(document)", error.Field);
        Assert.Contains("empty", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_scenario_file_is_not_a_result_of_any_tool()
    {
        InputException error = Fails("model: qwen3-235b-a22b\nhardware:\n  gpu: h100-sxm\n", "scenario.yaml");

        Assert.Equal("scenario.yaml", error.File);
        Assert.Equal("(document)", error.Field);
        Assert.Contains("not a result file of vllm bench serve", error.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_json_object_of_no_known_tool_names_its_first_keys()
    {
        InputException error = Fails("""{"model": "x", "gpus": 8}""", "plan.json");

        Assert.Equal("(document)", error.Field);
        Assert.Contains("model, gpus", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_negative_figure_names_its_key_and_line()
    {
        string text = VllmLine + "\n" + VllmLine.Replace("\"mean_ttft_ms\": 50.0", "\"mean_ttft_ms\": -5.0", StringComparison.Ordinal);

        InputException error = Fails(text);

        Assert.Equal("mean_ttft_ms", error.Field);
        Assert.Equal(2, error.Line);
        Assert.Contains("negative", error.Problem, StringComparison.Ordinal);
        Assert.StartsWith("results.json:2: mean_ttft_ms: is negative (-5)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_json_line_fails_with_the_line_it_breaks_on()
    {
        string text = VllmLine + "\n" + VllmLine[..60];

        InputException error = Fails(text);

        Assert.Equal("(document)", error.Field);
        Assert.Equal(2, error.Line);
        Assert.Contains("not valid JSON", error.Problem, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_key_a_figure_needs_is_named()
    {
        InputException error = Fails(VllmLine.Replace("\"output_throughput\": 100.0, ", string.Empty, StringComparison.Ordinal));

        Assert.Equal("output_throughput", error.Field);
        Assert.Contains("required key is missing", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_text_where_a_number_belongs_is_named()
    {
        InputException error = Fails(VllmLine.Replace("\"duration\": 10.0", "\"duration\": \"ten seconds\"", StringComparison.Ordinal));

        Assert.Equal("duration", error.Field);
        Assert.Contains("expected a number, found the text \"ten seconds\"", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NaN", "NaN")]
    [InlineData("Infinity", "Infinity")]
    [InlineData("\"inf\"", "Infinity")]
    [InlineData("-Infinity", "-Infinity")]
    public void Non_finite_figures_are_refused_where_only_a_request_rate_may_be_infinite(string literal, string named)
    {
        InputException error = Fails(VllmLine.Replace("\"output_throughput\": 100.0", $"\"output_throughput\": {literal}", StringComparison.Ordinal));

        Assert.Equal("output_throughput", error.Field);
        Assert.Contains(named, error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fractional_request_count_is_refused()
    {
        InputException error = Fails(VllmLine.Replace("\"completed\": 10", "\"completed\": 9.5", StringComparison.Ordinal));

        Assert.Equal("completed", error.Field);
        Assert.Contains("whole number", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nested_figure_is_named_by_its_dotted_path()
    {
        InputException error = Fails("""
            {"performance": {"system_output_throughput_tok_s": 10.0, "request_throughput_req_s": -1.0}, "world_info": {"tp_size": 1}}
            """, "report.json");

        Assert.Equal("performance.request_throughput_req_s", error.Field);
    }

    [Fact]
    public void A_negative_figure_in_a_genai_perf_csv_names_the_row_and_column()
    {
        InputException error = Fails("""
            Metric,avg,p50
            Time To First Token (ms),-3.0,2.0

            Metric,Value
            Output Token Throughput (per sec),10.0
            """, "profile_export_genai_perf.csv");

        Assert.Equal("Time To First Token (ms).avg", error.Field);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void A_genai_perf_csv_without_the_output_throughput_row_fails()
    {
        InputException error = Fails("Metric,avg\nTime To First Token (ms),3.0\n", "profile_export_genai_perf.csv");

        Assert.Equal("Output Token Throughput", error.Field);
        Assert.Contains("required row is missing", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_printed_trtllm_report_without_the_output_throughput_fails()
    {
        InputException error = Fails("""
            ===========================================================
            = PERFORMANCE OVERVIEW
            ===========================================================
            Request Throughput (req/sec):                     86.5373
            Total Latency (ms):                               1155.5715
            """, "trtllm.log");

        Assert.Equal("Total Output Throughput (tokens/sec)", error.Field);
    }

    [Fact]
    public void Deep_nesting_fails_cleanly_instead_of_recursing()
    {
        string text = new string('[', 10_000) + new string(']', 10_000);

        InputException error = Fails(text);

        Assert.Equal("(document)", error.Field);
        Assert.Contains("not valid JSON", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_binary_file_is_refused()
    {
        InputException error = Fails("{\"a\": 1}\0\0\0");

        Assert.Contains("binary", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_over_64_MiB_is_refused_before_it_is_read()
    {
        string path = Path.Combine(Path.GetTempPath(), "paraplan-tests", Guid.NewGuid().ToString("N") + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            using (var stream = new FileStream(path, FileMode.CreateNew))
            {
                stream.SetLength(BenchmarkResultReader.MaxFileBytes + 1);
            }

            InputException error = Assert.Throws<InputException>(() => BenchmarkResultReader.Read(path));

            Assert.Equal("(document)", error.Field);
            Assert.Contains("over 64 MiB are refused", error.Problem, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
