using System.Text.Json;

namespace ParaPlan.Tests;

public class ValidateCommandTests
{
    [Fact]
    public void Validate_reports_errors_per_metric_and_skipped_records()
    {
        CliRun run = CliRun.Of("validate", TestFiles.InRepository("data", "validation", "published-measurements.json"), "--format", "json");
        Assert.Equal(0, run.ExitCode);
        using JsonDocument document = JsonDocument.Parse(run.Output);
        JsonElement report = document.RootElement;
        Assert.True(report.GetProperty("covered").GetInt32() >= 35);
        var metrics = report.GetProperty("summary").EnumerateArray().Select(s => s.GetProperty("metric").GetString()).ToList();
        Assert.Equal(["output_tokens_per_s_per_gpu", "tpot_ms", "ttft_ms"], metrics);
        Assert.True(report.GetProperty("skipped").GetArrayLength() > 0);
    }

    [Fact]
    public void A_measurements_file_that_is_not_a_list_is_bad_input()
    {
        string path = TestFiles.Write("{\"id\": \"x\"}", ".json");
        CliRun run = CliRun.Of("validate", path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("expected a list of measurement records", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_measurement_files_are_read_as_one_set()
    {
        // 75 records in the shared file and 101 transcribed from GPUStack's performance lab; 60 of the shared file's are
        // expressible (52, the two gpt-oss-120b TensorRT-LLM runs once sliding-window attention is modelled, the vLLM
        // Poisson run at 1 request/s once a request rate is simulated, four prefill-only runs of disaggregated
        // deployments since issue 22, and SGLang's saturated GB200 decode pool (LMSYS Part I) at the sequences that fit).
        CliRun run = CliRun.Of(
            "validate",
            TestFiles.InRepository("data", "validation", "published-measurements.json"),
            TestFiles.InRepository("data", "validation", "gpustack-performance-lab.json"),
            "--format",
            "json");
        Assert.Equal(0, run.ExitCode);
        using JsonDocument document = JsonDocument.Parse(run.Output);
        Assert.Equal(176, document.RootElement.GetProperty("records").GetInt32());
        Assert.Equal(60 + 101, document.RootElement.GetProperty("covered").GetInt32());
    }

    [Fact]
    public void Fit_write_profiles_replaces_the_fitted_entries_and_keeps_the_rest()
    {
        // Six TensorRT-LLM offline runs of dense Llamas from two pages (five from the perf-overview, one from the
        // developer guide): enough for TensorRT-LLM's own values (6), which the runs identify only partly: no MoE
        // layers and no TTFT, so its MoE-layer and request overheads stay unfitted. Each page is predicted by a fit
        // on the other.
        using JsonDocument published = JsonDocument.Parse(File.ReadAllText(TestFiles.InRepository("data", "validation", "published-measurements.json")));
        string[] ids =
        [
            "TRT10-llama-3.1-8b-H100-TP1-2048-128", "TRT10-llama-3.1-8b-H100-TP1-128-128", "TRT10-llama-3.1-8b-H100-TP1-2048-2048",
            "TRT10-llama-3-70b-H100-TP2-1000-1000", "TRT10-llama-3-70b-H100-TP2-5000-500", "TRTDEV-llama-3-70b-H100-TP2-8192-1024",
        ];
        string records = "[" + string.Join(",", published.RootElement.EnumerateArray().Where(r => ids.Contains(r.GetProperty("id").GetString())).Select(r => r.GetRawText())) + "]";
        string measurements = TestFiles.Write(records, ".json");
        string profiles = TestFiles.Write(File.ReadAllText(TestFiles.InRepository("data", "efficiency", "profiles.json")), ".json");
        using JsonDocument before = JsonDocument.Parse(File.ReadAllText(profiles));
        var unfittedBefore = before.RootElement.GetProperty("profiles").EnumerateArray().Where(e => !IsFitted(e)).Select(e => e.GetRawText()).ToList();

        CliRun run = CliRun.Of("validate", measurements, "--fit", "--write-profiles", profiles, "--format", "json");

        Assert.Equal(0, run.ExitCode);
        using JsonDocument fit = JsonDocument.Parse(run.Output);
        Assert.Equal(2, fit.RootElement.GetProperty("sources").GetInt32());
        Assert.Equal(0, fit.RootElement.GetProperty("at_bounds").GetArrayLength());
        JsonElement level = Assert.Single(fit.RootElement.GetProperty("levels").EnumerateArray());
        Assert.Equal("trtllm", level.GetProperty("engine").GetString());
        Assert.Equal(["step_overhead_ms", "sequence_overhead_us", "layer_overhead_us"], level.GetProperty("values").EnumerateObject().Select(v => v.Name));
        // One throughput figure per run, each held out once (beside the estimate's headline of an offline batch of N).
        Assert.Equal(6, fit.RootElement.GetProperty("held_out_comparisons").EnumerateArray().Count(c => c.GetProperty("metric").GetString() == "output_tokens_per_s_per_gpu"));
        using JsonDocument after = JsonDocument.Parse(File.ReadAllText(profiles));
        var entries = after.RootElement.GetProperty("profiles").EnumerateArray().ToList();
        JsonElement entry = Assert.Single(entries, IsFitted);
        Assert.Equal(unfittedBefore, entries.Where(e => !IsFitted(e)).Select(e => e.GetRawText()));
        Assert.Equal(
            level.GetProperty("values").EnumerateObject().Select(v => (v.Name, v.Value.GetDouble())),
            entry.GetProperty("values").EnumerateObject().Select(v => (v.Name, v.Value.GetDouble())));
        foreach (JsonProperty source in entry.GetProperty("sources").EnumerateObject())
        {
            Assert.Contains($"by `paraplan validate {measurements} --fit` on 6 records; leave-one-source-out median error over 2 sources", source.Value.GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Write_profiles_without_fit_is_bad_input()
    {
        CliRun run = CliRun.Of("validate", TestFiles.InRepository("data", "validation", "published-measurements.json"), "--write-profiles", "x.json");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--write-profiles", run.Error, StringComparison.Ordinal);
        Assert.Contains("add --fit", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--write-harness h.json", "--write-harness", "add --fit")]
    [InlineData("--fit --harness h.json", "--harness", "leave --harness out with --fit")]
    public void Harness_options_go_with_or_without_a_fit(string options, string option, string message)
    {
        string[] args = ["validate", TestFiles.InRepository("data", "validation", "published-measurements.json"), .. options.Split(' ')];
        CliRun run = CliRun.Of(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(option, run.Error, StringComparison.Ordinal);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_profiles_into_a_missing_file_is_bad_input()
    {
        string missing = Path.Combine(Path.GetTempPath(), "paraplan-no-such-profiles.json");
        CliRun run = CliRun.Of("validate", TestFiles.InRepository("data", "validation", "published-measurements.json"), "--fit", "--write-profiles", missing);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(missing, run.Error, StringComparison.Ordinal);
        Assert.Contains("no such file", run.Error, StringComparison.Ordinal);
    }

    private static bool IsFitted(JsonElement entry) =>
        entry.TryGetProperty("fitted", out JsonElement flag) && flag.ValueKind == JsonValueKind.True;
}
