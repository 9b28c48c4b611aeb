using System.Text.Json.Serialization;
using ParaPlan.Cli;
using ParaPlan.Input;

namespace ParaPlan.Tests;

/// <summary>
/// No NaN, infinite (or, for the cost model's figures, negative) figure is ever printed: the guard before every
/// report and JSON document fails naming the figure instead. Inputs are bounded so that it should never fire; a
/// profiles file's values are bounded too.
/// </summary>
public class FigureGuardTests
{
    private sealed record Step(string Name, double Ms);

    private sealed record Result(double TtftMs, IReadOnlyList<Step> Steps, IReadOnlyDictionary<string, double> Efficiency, int Count)
    {
        [JsonIgnore]
        public double Hidden { get; init; } = double.NaN;
    }

    private static Result Good() => new(12.5, [new("a", 1), new("b", 2)], new Dictionary<string, double> { ["mfu"] = 0.5 }, 3);

    [Fact]
    public void Finite_figures_pass_and_ignored_properties_are_not_looked_at()
    {
        FigureGuard.Ensure(Good(), "x.yaml", nonNegative: true);
    }

    [Fact]
    public void NaN_in_a_list_is_refused_naming_its_path()
    {
        Result bad = Good() with { Steps = [new("a", 1), new("b", double.NaN)] };
        InputException error = Assert.Throws<InputException>(() => FigureGuard.Ensure(bad, "x.yaml"));
        Assert.Equal("x.yaml", error.File);
        Assert.Equal("steps[1].ms", error.Field);
        Assert.Equal("x.yaml: steps[1].ms: this figure came out NaN (not a number), so the result is not printed; an input is beyond what the cost model handles (please report it with the input).", error.Message);
    }

    [Fact]
    public void Infinity_in_a_dictionary_is_refused()
    {
        Result bad = Good() with { Efficiency = new Dictionary<string, double> { ["mfu"] = double.PositiveInfinity } };
        InputException error = Assert.Throws<InputException>(() => FigureGuard.Ensure(bad, "x.yaml"));
        Assert.Equal("efficiency.mfu", error.Field);
        Assert.StartsWith("this figure came out infinite", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_negative_figure_is_refused_only_where_figures_are_quantities()
    {
        Result negative = Good() with { TtftMs = -3 };
        FigureGuard.Ensure(negative, "x.yaml");
        InputException error = Assert.Throws<InputException>(() => FigureGuard.Ensure(negative, "x.yaml", nonNegative: true));
        Assert.Equal("ttft_ms", error.Field);
        Assert.StartsWith("this figure came out -3, below 0", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_JSON_document_with_NaN_is_not_written()
    {
        using var output = new StringWriter();
        Result bad = Good() with { TtftMs = double.NaN };
        InputException error = Assert.Throws<InputException>(() => Json.Write(output, bad, "x.yaml"));
        Assert.Equal("ttft_ms", error.Field);
        Assert.Equal(string.Empty, output.ToString());
    }

    [Theory]
    [InlineData("\"step_overhead_ms\": 1e308", "profiles[0].values.step_overhead_ms: 1e308 is more than 10,000,000, the most ParaPlan accepts")]
    [InlineData("\"gemm_compute_efficiency\": 1e-300", "profiles[0].values.gemm_compute_efficiency: must be a fraction of at least 0.001; got 1E-300.")]
    public void A_profiles_file_is_bounded_too(string value, string expected)
    {
        string scenario = TestFiles.InRepository("examples", "llama-3.1-70b-4xh100.yaml");
        string key = value.Split(':')[0];
        string profiles = TestFiles.Write($$$"""{"profiles": [{"engine": "generic", "gpu": "*", "values": { {{{value}}} }, "sources": { {{{key}}}: "test" } }]}""", ".json");
        Reliability.AssertOneLine(CliRun.Of("estimate", scenario, "--profiles", profiles), expected);
    }
}
