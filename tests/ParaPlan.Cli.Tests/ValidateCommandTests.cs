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
        // 75 records in the shared file and 101 transcribed from GPUStack's performance lab.
        CliRun run = CliRun.Of(
            "validate",
            TestFiles.InRepository("data", "validation", "published-measurements.json"),
            TestFiles.InRepository("data", "validation", "gpustack-performance-lab.json"),
            "--format",
            "json");
        Assert.Equal(0, run.ExitCode);
        using JsonDocument document = JsonDocument.Parse(run.Output);
        Assert.Equal(176, document.RootElement.GetProperty("records").GetInt32());
        Assert.Equal(52 + 101, document.RootElement.GetProperty("covered").GetInt32());
    }
}
