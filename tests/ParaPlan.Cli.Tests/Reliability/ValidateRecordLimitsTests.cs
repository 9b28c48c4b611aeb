namespace ParaPlan.Tests;

/// <summary>
/// Measurement records with counts out of range (issue 19; reproducers copied from the project's reliability report,
/// shared/reliability/repros, 2026-12-03): a zero input length crashed the simulation, 10^9 requests hung it, a
/// negative length was skipped as "not stated". Each is bad input now: exit 2, one line naming the file, the
/// record's field and the problem.
/// </summary>
public sealed class ValidateRecordLimitsTests
{
    private static string Repro(string name) => TestFiles.InRepository("tests", "ParaPlan.Cli.Tests", "Reliability", "repros", name);

    [Theory]
    [InlineData("d09-validate-isl0.json", "[0].isl", "must be at least 1")]
    [InlineData("d09c-validate-isl-negative.json", "[0].isl", "must be at least 1")]
    [InlineData("d09b-validate-num-requests-1e9.json", "[0].num_requests", "1000000000 is more than 1,000,000, the most ParaPlan accepts")]
    public void A_count_out_of_range_is_exit_2_naming_the_record_field(string file, string field, string problem)
    {
        CliRun run = CliRun.Of("validate", Repro(file));

        Assert.Equal(2, run.ExitCode);
        string line = Assert.Single(run.ErrorLines);
        Assert.Contains(file, line, StringComparison.Ordinal);
        Assert.Contains(field, line, StringComparison.Ordinal);
        Assert.Contains(problem, line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_measured_figure_of_zero_is_exit_2()
    {
        string text = File.ReadAllText(Repro("d09-validate-isl0.json")).Replace("\"isl\": 0", "\"isl\": 233", StringComparison.Ordinal)
            .Replace("\"tpot_ms\": 7.38", "\"tpot_ms\": 0", StringComparison.Ordinal);
        string path = TestFiles.Write(text, ".json");

        CliRun run = CliRun.Of("validate", path);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("[0].tpot_ms: must be above 0; got 0.", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }
}
