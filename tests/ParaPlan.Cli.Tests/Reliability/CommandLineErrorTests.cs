namespace ParaPlan.Tests;

/// <summary>
/// What a user mistypes on the command line is bad input like any other: exit code 2 and one line on standard error
/// naming the option and the problem (System.CommandLine's own output spans several lines); --help still works.
/// </summary>
public class CommandLineErrorTests
{
    private static readonly string Scenario = TestFiles.InRepository("examples", "llama-3.1-70b-4xh100.yaml");

    [Fact]
    public void An_unknown_format_is_one_line_naming_the_option_and_the_formats()
    {
        string line = Reliability.AssertOneLine(CliRun.Of("estimate", Scenario, "--format", "nonsense"), "--format: ");
        Assert.Equal("paraplan: error: --format: Argument 'nonsense' not recognized. Must be one of: 'text', 'json', 'markdown' (see 'paraplan estimate --help').", line);
    }

    [Theory]
    [InlineData(new[] { "models", "--fromat", "json" }, "Unrecognized command or argument '--fromat'", "paraplan models --help")]
    [InlineData(new[] { "check" }, "Required argument 'file' missing for command: 'check'", "paraplan check --help")]
    [InlineData(new[] { "model", "qwen3-8b", "--context", "abc" }, "Cannot parse argument 'abc' for option '--context' as expected type 'whole number'", "paraplan model --help")]
    [InlineData(new[] { "estimate", "x.yaml", "--routing-skew", "zz" }, "Cannot parse argument 'zz' for option '--routing-skew' as expected type 'number'", "paraplan estimate --help")]
    [InlineData(new string[0], "Required command was not provided", "paraplan --help")]
    public void Every_parse_error_is_one_line(string[] args, string problem, string help)
    {
        string line = Reliability.AssertOneLine(CliRun.Of(args), problem);
        Assert.EndsWith($"(see '{help}').", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("estimate", "--help")]
    public void Help_still_works(params string[] args)
    {
        CliRun run = CliRun.Of(args);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Error);
    }

    [Theory]
    [InlineData("--parallel", "sp=0", "--parallel: sp must be a whole number from 1 to 1,048,576; got '0'.")]
    [InlineData("--parallel", "tp=2000000", "--parallel: tp must be a whole number from 1 to 1,048,576; got '2000000'.")]
    [InlineData("--parallel", "tp=1024,pp=1024,dp=2", "--parallel: the strategy needs replicas*pp*tp*sp*dp = 2,097,152 GPUs, more than the 1,048,576 ParaPlan plans for.")]
    [InlineData("--concurrency", "16777217", "--concurrency: must be a whole number from 1 to 16,777,216, or max; got '16777217'.")]
    [InlineData("--routing-skew", "11", "--routing-skew: must be a Zipf exponent from 0 to 10 (1 is strongly skewed); got 11.")]
    [InlineData("--routing-skew", "Infinity", "--routing-skew: must be a Zipf exponent from 0 to 10 (1 is strongly skewed); got Infinity.")]
    public void Estimate_options_are_bounded_like_the_fields_they_replace(string option, string value, string expected)
    {
        string line = Reliability.AssertOneLine(CliRun.Of("estimate", Scenario, option, value), expected);
        Assert.Equal($"paraplan: error: {expected}", line);
    }

    [Theory]
    [InlineData("16777216", 0)]
    [InlineData("16777217", 2)]
    [InlineData("-1", 2)]
    public void Model_context_is_bounded(string context, int exit)
    {
        CliRun run = CliRun.Of("model", "qwen3-8b", "--context", context);
        if (exit == 0)
        {
            Assert.Equal(0, run.ExitCode);
            Assert.Equal(string.Empty, run.Error);
        }
        else
        {
            Reliability.AssertOneLine(run, $"--context: must be from 0 to 16,777,216 tokens; got {context}.");
        }
    }
}
