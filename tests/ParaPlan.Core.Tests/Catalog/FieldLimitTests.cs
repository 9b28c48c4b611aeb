using System.Globalization;
using System.Text.RegularExpressions;
using ParaPlan.Catalog;
using ParaPlan.Domain;
using ParaPlan.Input;

namespace ParaPlan.Tests.Catalog;

/// <summary>
/// Every numeric field is read within the range docs/scenario-format.md ("Limits", "Numeric fields") states for it:
/// the page's figures are the code's, its largest value reads, the next one up and the next one down are refused
/// naming the field and the limit.
/// </summary>
public class FieldLimitTests
{
    public static TheoryData<string> Fields => [.. FieldLimitCases.All.Keys];

    private static void Read(FieldLimitCase field, string value)
    {
        string path = TestFiles.Write(field.Text(value), field.Extension);
        if (field.Extension == ".json")
        {
            HuggingFaceConfigReader.ReadFile(path, null, [], []);
        }
        else
        {
            ScenarioReader.ReadFile(path);
        }
    }

    private static InputException Refused(FieldLimitCase field, string value)
    {
        InputException error = Assert.Throws<InputException>(() => Read(field, value));
        Assert.Equal(field.Path, error.Field);
        Assert.True(error.Line > 0, "the message names the line");
        return error;
    }

    private static string Written(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    [Theory]
    [MemberData(nameof(Fields))]
    public void The_largest_value_reads(string key)
    {
        FieldLimitCase field = FieldLimitCases.All[key];
        Read(field, Written(field.Limit.Maximum));
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void One_above_the_largest_is_refused_naming_the_limit(string key)
    {
        FieldLimitCase field = FieldLimitCases.All[key];
        double maximum = field.Limit.Maximum;
        string above = Written(field.Whole ? maximum + 1 : maximum >= 1e9 ? maximum * 1.5 : maximum + 0.5);
        InputException error = Refused(field, above);
        string expected = field.Fraction
            ? $"must be a fraction from {Written(field.Limit.Minimum)} to 1; got {above}"
            : field.Limit.TooLarge(above);
        Assert.StartsWith(expected, error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void Below_the_smallest_is_refused(string key)
    {
        FieldLimitCase field = FieldLimitCases.All[key];
        double minimum = field.Limit.Minimum;
        double below = field.Limit.AboveMinimum ? minimum : field.Whole ? minimum - 1 : minimum > 0 ? minimum / 2 : -0.5;
        InputException error = Refused(field, Written(below));
        Assert.StartsWith("must be", error.Problem, StringComparison.Ordinal);
        Assert.EndsWith($"got {Written(below)}.", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void A_whole_field_refuses_a_fraction(string key)
    {
        FieldLimitCase field = FieldLimitCases.All[key];
        if (!field.Whole)
        {
            // A figure that may be fractional reads one.
            Read(field, Written((field.Limit.Minimum + field.Limit.Maximum) / 2));
            return;
        }

        Assert.Equal("must be a whole number; got 1.5.", Refused(field, "1.5").Problem);
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void The_format_page_states_the_same_range(string key)
    {
        FieldLimitCase field = FieldLimitCases.All[key];
        string name = Regex.Replace(key, @" \(.*\)$", string.Empty);
        string[] row = Assert.Single(NumericFieldRows(), r => Regex.Matches(r[0], "`([^`]+)`").Any(m => m.Groups[1].Value == name));
        Assert.Equal(field.Whole ? "yes" : string.Empty, row[1]);
        Assert.Equal(field.Limit.AboveMinimum ? $"above {FieldLimits.Text(field.Limit.Minimum)}" : FieldLimits.Text(field.Limit.Minimum), row[2]);
        Assert.Equal(field.Limit.MaximumText, row[3]);
    }

    [Fact]
    public void Every_row_of_the_page_is_a_field_tested_here()
    {
        var names = FieldLimitCases.All.Keys.Select(k => Regex.Replace(k, @" \(.*\)$", string.Empty)).ToHashSet(StringComparer.Ordinal);
        foreach (string[] row in NumericFieldRows())
        {
            Assert.Contains(Regex.Matches(row[0], "`([^`]+)`").Select(m => m.Groups[1].Value), names.Contains);
        }
    }

    [Fact]
    public void A_model_of_more_than_1e15_parameters_is_refused_naming_the_model()
    {
        // 1,024 layers of 64 experts 16,384 x 1,048,576 wide: 3.38e15 parameters.
        string path = TestFiles.Write("model: {num_hidden_layers: 1024, hidden_size: 16384, num_attention_heads: 128, num_experts: 64, num_experts_per_tok: 1, moe_intermediate_size: 1048576}\nhardware: {gpu: h100-sxm}\n");
        InputException error = Assert.Throws<InputException>(() => ScenarioReader.ReadFile(path));
        Assert.Equal("model", error.Field);
        Assert.Equal("the architecture has 3.38e15 parameters, more than the 1e15 ParaPlan accepts (the largest models have about 2e12); check num_hidden_layers, hidden_size, intermediate_size and the expert counts.", error.Problem);

        // Beyond what a 64-bit count holds: the same message, not an overflow.
        string huge = TestFiles.Write("model: {num_hidden_layers: 1024, hidden_size: 131072, num_attention_heads: 1, head_dim: 64, intermediate_size: 64, num_experts: 65536, num_experts_per_tok: 1, moe_intermediate_size: 1048576}\nhardware: {gpu: h100-sxm}\n");
        Assert.StartsWith("the architecture has more than 9.2e18 parameters", Assert.Throws<InputException>(() => ScenarioReader.ReadFile(huge)).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_strategy_is_bounded_by_what_it_splits()
    {
        // sp splits the prompt: at most the longest prompt's tokens.
        ScenarioReader.ReadFile(TestFiles.Write("model: qwen3-8b\nhardware: {gpu: h100-sxm}\nparallel: {sp: 4}\nworkload: {input_tokens: {min: 2, max: 4}}\n"));
        string path = TestFiles.Write("model: qwen3-8b\nhardware: {gpu: h100-sxm}\nparallel: {sp: 5}\nworkload: {input_tokens: {min: 2, max: 4}}\n");
        InputException sp = Assert.Throws<InputException>(() => ScenarioReader.ReadFile(path));
        Assert.Equal("parallel.sp", sp.Field);
        Assert.Equal("5 is more than the 4 prompt tokens it splits (workload.input_tokens); each sequence-parallel rank needs at least one token.", sp.Problem);

        // The whole strategy: at most 1,048,576 GPUs.
        ScenarioReader.ReadFile(TestFiles.Write("model: qwen3-8b\nhardware: {gpu: h100-sxm}\nparallel: {tp: 1024, dp: 1024}\n"));
        path = TestFiles.Write("model: qwen3-8b\nhardware: {gpu: h100-sxm}\nparallel: {tp: 1024, dp: 1024, replicas: 2}\n");
        InputException gpus = Assert.Throws<InputException>(() => ScenarioReader.ReadFile(path));
        Assert.Equal("parallel", gpus.Field);
        Assert.Equal("the strategy needs replicas*pp*tp*sp*dp = 2*1*1024*1*1024 = 2,097,152 GPUs, more than the 1,048,576 ParaPlan plans for (no cluster has a million GPUs).", gpus.Problem);
    }

    [Fact]
    public void The_strategy_rules_bound_the_other_degrees()
    {
        Assert.True(ModelCatalog.BuiltIn.TryGet("qwen3-8b", out CatalogModel entry));
        ModelArchitecture model = entry.Architecture;
        Assert.Contains(StrategyRules.Check(new ParallelStrategy(tensorParallel: 64), model, null), v => v.Field == "parallel.tp");
        Assert.Contains(StrategyRules.Check(new ParallelStrategy(pipelineParallel: 37), model, null), v => v.Field == "parallel.pp");
        Assert.Contains(StrategyRules.Check(new ParallelStrategy(expertParallel: 2), model, null), v => v.Field == "parallel.ep");
        Assert.Contains(StrategyRules.Check(new ParallelStrategy(dataParallel: 16), model, 8), v => v.Field == "parallel");
        Assert.Contains(StrategyRules.Check(new ParallelStrategy(sequenceParallel: 8), model, null, longestPrompt: 4), v => v.Field == "parallel.sp");
        Assert.DoesNotContain(StrategyRules.Check(new ParallelStrategy(sequenceParallel: 4), model, null, longestPrompt: 4), v => v.Field == "parallel.sp");
        Assert.Contains(StrategyRules.Check(new ParallelStrategy(replicas: FieldLimits.MaxGpus + 1), model, null), v => v.Field == "parallel" && v.Problem.Contains("more than the 1048576 ParaPlan plans for", StringComparison.Ordinal));
    }

    /// <summary>The rows of the "Numeric fields" table: field, whole, at least, at most.</summary>
    private static List<string[]> NumericFieldRows()
    {
        string page = File.ReadAllText(TestFiles.InRepository("docs", "scenario-format.md"));
        int start = page.IndexOf("### Numeric fields", StringComparison.Ordinal);
        int end = page.IndexOf("\n### ", start + 1, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "docs/scenario-format.md has a 'Numeric fields' section");
        return [.. page[start..end].Split('\n')
            .Where(line => line.StartsWith("| `", StringComparison.Ordinal) || line.StartsWith("| each", StringComparison.Ordinal))
            .Select(line => line.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToArray())];
    }
}
