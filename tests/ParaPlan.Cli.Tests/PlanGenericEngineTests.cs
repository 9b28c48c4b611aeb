namespace ParaPlan.Tests;

/// <summary>The generic engine searches the full space and says so (issue 20).</summary>
public sealed class PlanGenericEngineTests
{
    [Fact]
    public void A_generic_plan_says_no_engine_may_run_it_as_is()
    {
        string path = TestFiles.Write("""
            model: qwen3-8b
            hardware: {gpu: h100-sxm, gpus: 2}
            workload: {input_tokens: 1024, output_tokens: 256, concurrency: 8}
            """);

        CliRun run = CliRun.Of("plan", path, "--format", "json");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("engine generic: the full strategy space was searched, so no single engine may run this strategy as is", run.Output, StringComparison.Ordinal);
    }
}
