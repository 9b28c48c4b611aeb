using System.Text.Json;

namespace ParaPlan.Tests;

/// <summary>
/// Scenarios whose weights fit on no strategy of the budget (issue 19; reproducers copied from the project's
/// reliability report, shared/reliability/repros, 2026-12-03). They used to end with exit 3 "no strategy could be
/// costed"; the answer is "no": exit 1, the closest candidate and what would help.
/// </summary>
public sealed class PlanNothingFitsTests
{
    private static string Repro(string name) => TestFiles.InRepository("tests", "ParaPlan.Cli.Tests", "Reliability", "repros", name);

    [Fact]
    public void Llama_405B_BF16_on_8_A100_is_exit_1_with_the_GPUs_the_weights_need()
    {
        CliRun run = CliRun.Of("plan", Repro("d01-plan-nothing-fits.yaml"), "--format", "json");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(string.Empty, run.Error);
        using JsonDocument document = JsonDocument.Parse(run.Output);
        JsonElement root = document.RootElement;
        Assert.Contains("memory", root.GetProperty("infeasible").GetString()!, StringComparison.Ordinal);
        // The closest candidate spreads the weights over all 8 GPUs (tp x pp = 8): the widest instance is costed.
        Assert.Equal(8, root.GetProperty("best").GetProperty("parallel").GetProperty("gpus").GetInt32());
        // By hand: 126 layers x (attention 570.4 M + MLP 3 x 16384 x 53248 = 2,617.2 M + norms) + embedding and LM head
        // 2 x 128,256 x 16,384 = 405.85 B parameters, 811.7 GB at 2 bytes; an A100 80GB holds 85.9 GB (decimal), 0.9 of
        // it allowed = 77.31 GB, so 811.7 / 77.31 = 10.5: at least 11 GPUs for the weights alone.
        string[] suggestions = [.. root.GetProperty("suggestions").EnumerateArray().Select(s => s.GetString()!)];
        string memory = Assert.Single(suggestions, s => s.StartsWith("memory:", StringComparison.Ordinal));
        Assert.Contains("811.7 GB", memory, StringComparison.Ordinal);
        Assert.Contains("at least 11 GPUs", memory, StringComparison.Ordinal);
        // Doubling the GPUs (16) fits the weights with room for the KV cache.
        Assert.Contains(suggestions, s => s.StartsWith("more GPUs: with 16", StringComparison.Ordinal));
    }

    [Fact]
    public void The_text_report_of_a_plan_that_fits_nowhere_is_exit_1()
    {
        CliRun run = CliRun.Of("plan", Repro("d01-plan-nothing-fits.yaml"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no strategy meets every requirement", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plan")]
    [InlineData("audit")]
    [InlineData("dag")]
    public void DeepSeek_V3_on_one_H100_is_a_no_for_every_command_that_plans(string command)
    {
        CliRun run = CliRun.Of(command, Repro("d01b-plan-deepseek-1gpu.yaml"), "--format", "json");

        Assert.Equal(1, run.ExitCode);
        Assert.DoesNotContain("internal error", run.Error, StringComparison.Ordinal);
    }
}
