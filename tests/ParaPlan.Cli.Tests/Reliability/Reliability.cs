namespace ParaPlan.Tests;

/// <summary>What every bad input must end with: exit code 2, one line on standard error, no stack trace.</summary>
internal static class Reliability
{
    /// <summary>Exit 2 and exactly one line, "paraplan: error: " then <paramref name="expected"/> somewhere in it; nothing on standard output.</summary>
    public static string AssertOneLine(CliRun run, string expected)
    {
        Assert.True(run.ExitCode == 2, $"exit code {run.ExitCode}, expected 2; standard error: {run.Error}");
        string line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("paraplan: error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Output);
        return line;
    }
}
