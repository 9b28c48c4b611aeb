using System.Text.Json;

namespace ParaPlan.Tests;

public class EstimateCommandTests
{
    [Fact]
    public void Estimate_json_has_the_contract_keys()
    {
        CliRun run = CliRun.Of("estimate", TestFiles.InRepository("examples", "qwen3-235b-8xh100.yaml"), "--format", "json");
        Assert.Equal(string.Empty, run.Error);
        using JsonDocument document = JsonDocument.Parse(run.Output);
        JsonElement e = document.RootElement;
        JsonElement parallel = e.GetProperty("parallel");
        foreach (string key in new[] { "tp", "sp", "dp", "pp", "ep", "replicas", "gpus" })
        {
            Assert.True(parallel.TryGetProperty(key, out _), $"parallel.{key}");
        }

        Assert.Equal(8, parallel.GetProperty("gpus").GetInt32());
        Assert.Equal(64, e.GetProperty("concurrency").GetInt32());
        JsonElement memory = e.GetProperty("memory_per_gpu_gb");
        foreach (string key in new[] { "weights", "kv_cache", "activations", "runtime", "total", "capacity" })
        {
            Assert.True(memory.GetProperty(key).GetDouble() >= 0, $"memory_per_gpu_gb.{key}");
        }

        // H100 SXM: nvidia-smi memory.total 81559 MiB = 85.52 decimal GB (the contract's unit).
        Assert.Equal(85.52, memory.GetProperty("capacity").GetDouble());
        foreach (string key in new[] { "ttft_ms", "tpot_ms", "output_tokens_per_s_per_gpu", "total_tokens_per_s_per_gpu" })
        {
            Assert.True(e.GetProperty(key).GetDouble() > 0, key);
        }

        var checks = e.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Contains("memory", checks);
        Assert.Contains("divisibility", checks);
        Assert.Contains("ttft", checks);
        Assert.Contains("tpot", checks);
        Assert.True(e.GetProperty("assumptions").GetArrayLength() > 0);
        Assert.Equal(JsonValueKind.Array, e.GetProperty("warnings").ValueKind);
    }

    [Fact]
    public void Estimate_text_report_breaks_the_time_down_by_operator()
    {
        CliRun run = CliRun.Of("estimate", TestFiles.InRepository("examples", "deepseek-v3-2x8xh200.yaml"));
        Assert.Contains("where the time goes", run.Output, StringComparison.Ordinal);
        Assert.Contains("all_to_all (ep dispatch)", run.Output, StringComparison.Ordinal);
        Assert.Contains("Busiest EP rank", run.Output, StringComparison.Ordinal);
        Assert.Contains("Memory per GPU", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_scenario_without_a_strategy_is_bad_input_to_estimate()
    {
        string path = TestFiles.Write("model: llama-3.1-8b\nhardware: {gpu: h100-sxm}\n");
        CliRun run = CliRun.Of("estimate", path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{path}: parallel: estimate needs a strategy", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Inconsistent_degrees_are_bad_input_to_estimate()
    {
        CliRun run = CliRun.Of("estimate", TestFiles.InRepository("examples", "seed-0-qwen3-235b.yaml"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("parallel.ep: ep 128 does not divide the 32 GPUs of a stage", run.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Output);
    }

    [Fact]
    public void A_failed_requirement_is_exit_1()
    {
        string path = TestFiles.Write("""
            model: llama-3.1-70b
            hardware: {gpu: h100-sxm, gpus: 4}
            parallel: {tp: 4}
            workload: {input_tokens: 1000, output_tokens: 100, concurrency: 8}
            requirements: {tpot_ms: 1}
            """);
        CliRun run = CliRun.Of("estimate", path);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAIL", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_report_is_tables()
    {
        CliRun run = CliRun.Of("estimate", TestFiles.InRepository("examples", "llama-3.1-70b-4xh100.yaml"), "--format", "markdown");
        Assert.StartsWith("# Estimate", run.Output, StringComparison.Ordinal);
        Assert.Contains("| weights |", run.Output, StringComparison.Ordinal);
    }
}
