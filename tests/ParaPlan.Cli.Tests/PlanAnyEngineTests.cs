using System.Text.Json;

namespace ParaPlan.Tests;

/// <summary><c>engine: any</c> (issue 20): the plan searches vLLM, SGLang and TensorRT-LLM and names the best.</summary>
public sealed class PlanAnyEngineTests
{
    [Fact]
    public void The_best_engine_is_named_and_its_figures_reproduce()
    {
        string path = TestFiles.Write("""
            model: deepseek-v3
            precision: {weights: fp8}
            hardware: {gpu: h200-sxm, gpus: 16}
            engine: any
            workload: {input_tokens: 1024, output_tokens: 1024, concurrency: max}
            """);

        CliRun run = CliRun.Of("plan", path, "--format", "json");

        Assert.Equal(0, run.ExitCode);
        using JsonDocument document = JsonDocument.Parse(run.Output);
        JsonElement plan = document.RootElement;
        string[] choice = [.. plan.GetProperty("engine_choice").EnumerateArray().Select(e => e.GetString()!)];
        Assert.Equal(3, choice.Length);
        Assert.Contains(choice, c => c.StartsWith("vLLM: ", StringComparison.Ordinal));
        Assert.Contains(choice, c => c.StartsWith("SGLang: ", StringComparison.Ordinal));
        Assert.Contains(choice, c => c.StartsWith("TensorRT-LLM: ", StringComparison.Ordinal));

        // The chosen engine (first) has the most output tokens/s per GPU of the three (objective throughput).
        double[] throughput = [.. choice.Select(c => double.Parse(c.Split("), ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture))];
        Assert.Equal(throughput.Max(), throughput[0]);

        // The printed reproduction names the engine and gives the plan's figures.
        string reproduce = plan.GetProperty("reproduce").GetString()!;
        Assert.Contains(" --engine ", reproduce, StringComparison.Ordinal);
        CliRun estimate = CliRun.Of([.. reproduce.Split(' ').Skip(1), "--format", "json"]);
        using JsonDocument figures = JsonDocument.Parse(estimate.Output);
        foreach (string key in new[] { "ttft_ms", "tpot_ms", "output_tokens_per_s_per_gpu", "concurrency" })
        {
            Assert.Equal(plan.GetProperty("best").GetProperty(key).GetDouble(), figures.RootElement.GetProperty(key).GetDouble());
        }
    }

    [Fact]
    public void Check_and_estimate_read_any_as_the_generic_engine()
    {
        string path = TestFiles.Write("""
            model: qwen3-8b
            hardware: {gpu: h100-sxm, gpus: 1}
            engine: any
            parallel: {tp: 1}
            workload: {input_tokens: 1024, output_tokens: 256, concurrency: 8}
            """);

        CliRun run = CliRun.Of("estimate", path, "--format", "json");

        Assert.True(run.ExitCode is 0 or 1, run.Error);
        Assert.Contains("engine any: plan searches vLLM, SGLang and TensorRT-LLM", run.Output, StringComparison.Ordinal);
    }
}
