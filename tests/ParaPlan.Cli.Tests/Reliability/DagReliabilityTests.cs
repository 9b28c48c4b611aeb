using System.Text.Json;

namespace ParaPlan.Tests;

/// <summary>
/// Issue 19, the DAG part: every format of a MoE strategy with attention DP ends with exit 0 and a whole document;
/// the routing of dp = ep = 256 is linear in the ranks; layer ranges and sizes a user types end with exit 2 and one
/// line naming the file, the option or field, and the problem.
/// </summary>
public class DagReliabilityTests
{
    private static readonly string D02 = TestFiles.InRepository("tests", "ParaPlan.Cli.Tests", "Reliability", "dag", "d02-dag-moe-attention-dp.yaml");
    private static readonly string Example = TestFiles.InRepository("examples", "dag", "qwen3-30b-a3b-4xh100.yaml");
    private static readonly string DeepSeek256 = TestFiles.InRepository("tests", "ParaPlan.Cli.Tests", "Reliability", "dag", "deepseek-v3-dp256-ep256.yaml");

    public static TheoryData<string, string> FilesAndFormats()
    {
        var data = new TheoryData<string, string>();
        foreach (string file in new[] { "d02", "example" })
        {
            foreach (string format in new[] { "text", "markdown", "json", "dot", "trace" })
            {
                data.Add(file, format);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FilesAndFormats))]
    public void Every_format_of_a_MoE_strategy_with_attention_DP_is_written_whole(string file, string format)
    {
        CliRun run = CliRun.Of("dag", file == "d02" ? D02 : Example, "--format", format);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Error}");
        Assert.Equal(string.Empty, run.Error);
        switch (format)
        {
            case "json":
                using (JsonDocument json = JsonDocument.Parse(run.Output))
                {
                    Assert.Empty(DagJsonContract.Problems(json.RootElement));
                    Assert.Equal(file == "d02" ? 128 : 4, json.RootElement.GetProperty("gpus").GetInt32());
                }

                break;
            case "trace":
                using (JsonDocument trace = JsonDocument.Parse(run.Output))
                {
                    var events = trace.RootElement.GetProperty("traceEvents").EnumerateArray().Where(e => e.GetProperty("ph").GetString() == "X").ToList();
                    Assert.Equal(file == "d02" ? 128 : 4, events.Select(e => e.GetProperty("pid").GetInt32()).Distinct().Count());
                    Assert.Contains(events, e => e.GetProperty("name").GetString() == "all_to_all (ep dispatch) L3");
                }

                break;
            case "dot":
                Assert.StartsWith("digraph deployment {", run.Output, StringComparison.Ordinal);
                Assert.EndsWith("}\n", run.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
                break;
            default:
                Assert.Contains("acyclic, in topological order", run.Output, StringComparison.Ordinal);
                Assert.Contains("all_to_all (ep dispatch)", run.Output, StringComparison.Ordinal);
                break;
        }
    }

    [Fact]
    public void DeepSeek_V3_with_dp_ep_256_has_one_gate_edge_per_router()
    {
        // Layers 3 and 4 are MoE layers: per GPU and layer 9 nodes and 13 edges (one gate edge), less the first
        // layer's missing input edge, plus each layer's dispatch and combine: 2 x (9 x 256 + 2) nodes, 25 x 256 edges.
        CliRun run = CliRun.Of("dag", DeepSeek256, "--layers", "3..4", "--format", "json");
        Assert.Equal(0, run.ExitCode);
        using JsonDocument json = JsonDocument.Parse(run.Output);
        JsonElement dag = json.RootElement;
        Assert.Equal(4_612, dag.GetProperty("nodes").GetArrayLength());
        Assert.Equal(6_400, dag.GetProperty("edges").GetArrayLength());
        Assert.Equal(512, dag.GetProperty("edges").EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "gate"));
        JsonElement dispatch = dag.GetProperty("nodes").EnumerateArray().First(n => n.GetProperty("op").GetString() == "all_to_all (ep dispatch)");
        Assert.Equal(256, dispatch.GetProperty("routing").GetArrayLength());
        Assert.Equal(256, dispatch.GetProperty("gpus").GetArrayLength());
        Assert.Empty(DagJsonContract.Problems(dag));
    }

    [Fact]
    public void Svg_of_a_DAG_too_large_for_Graphviz_is_refused_in_one_line()
    {
        string line = Reliability.AssertOneLine(CliRun.Of("dag", D02, "--format", "svg"), "--format svg: the DAG has 18,044 nodes, more than Graphviz lays out in reasonable time (3,000)");
        Assert.Contains(D02, line, StringComparison.Ordinal);
        Assert.Contains("--layers", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("5..2", "--layers: 5..2 is reversed; write the first layer first (2..5).")]
    [InlineData("0..99999999999", "--layers: 0..99999999999 is outside the model's layers 0..47.")]
    [InlineData("40..48", "--layers: 40..48 is outside the model's layers 0..47.")]
    [InlineData("-1..2", "--layers: '-1..2' is not a layer range")]
    [InlineData("2..", "--layers: '2..' is not a layer range")]
    [InlineData("0..1..2", "--layers: '0..1..2' is not a layer range")]
    public void A_bad_layer_range_is_one_line_naming_the_file_and_the_option(string layers, string expected)
    {
        string line = Reliability.AssertOneLine(CliRun.Of("dag", Example, "--layers", layers, "--format", "json"), expected);
        Assert.Contains(Example, line, StringComparison.Ordinal);
    }

    [Fact]
    public void One_layer_may_be_named_alone()
    {
        CliRun run = CliRun.Of("dag", Example, "--layers", "7", "--format", "json");
        Assert.Equal(0, run.ExitCode);
        using JsonDocument json = JsonDocument.Parse(run.Output);
        Assert.Equal((7, 7), (json.RootElement.GetProperty("first_layer").GetInt32(), json.RootElement.GetProperty("last_layer").GetInt32()));
    }

    [Fact]
    public void A_model_too_deep_to_draw_whole_asks_for_fewer_layers_and_draws_a_few()
    {
        // 1,024 layers (the most a model may have) on 128 replicas of one GPU: up to 15 nodes per layer and GPU plus
        // the embedding and LM head, 15 x 1,024 x 128 + 2 x 128 = 1,966,336, above the 1,500,000 drawn.
        string path = TestFiles.Write("model: {name: deep, num_hidden_layers: 1024, hidden_size: 64, num_attention_heads: 1, intermediate_size: 64, vocab_size: 2}\nhardware: {gpu: h100-sxm}\nparallel: {tp: 1, replicas: 128}\nworkload: {input_tokens: 16, output_tokens: 16, concurrency: 128}\n");
        Reliability.AssertOneLine(CliRun.Of("dag", path, "--format", "json"), "--layers: the DAG of layers 0..1023 on 128 GPUs would have up to 1,966,336 nodes; a DAG is drawn up to 1,500,000 nodes and GPUs; draw fewer layers (--layers A..B).");
        CliRun few = CliRun.Of("dag", path, "--layers", "10..12", "--format", "json");
        Assert.Equal(0, few.ExitCode);
        using JsonDocument json = JsonDocument.Parse(few.Output);
        // Six nodes a layer (two norms, attention, its projections, the FFN) on each of the 128 replicas.
        Assert.Equal(3 * 6 * 128, json.RootElement.GetProperty("nodes").GetArrayLength());
    }

    [Theory]
    [InlineData("{tp: 8, replicas: 100000}", "on 800,000 GPUs")]
    [InlineData("{tp: 4, replicas: 262144}", "on 1,048,576 GPUs")]
    public void A_strategy_too_wide_to_draw_is_one_line_naming_parallel(string parallel, string expected)
    {
        string path = TestFiles.Write($"model: llama-3.1-8b\nhardware: {{gpu: h100-sxm}}\nparallel: {parallel}\nworkload: {{input_tokens: 16, output_tokens: 16, concurrency: 1}}\n");
        string line = Reliability.AssertOneLine(CliRun.Of("dag", path, "--layers", "0..0", "--format", "trace"), expected);
        Assert.Contains(": parallel: the DAG of layers 0..0", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{tp: 8, dp: 1000000}", "parallel: the strategy needs replicas*pp*tp*sp*dp = 1*1*8*1*1000000 = 8,000,000 GPUs, more than the 1,048,576 ParaPlan plans for")]
    [InlineData("{tp: 8, replicas: 1000000000}", "parallel.replicas: 1000000000 is more than 1,048,576, the most ParaPlan accepts")]
    public void A_strategy_beyond_what_ParaPlan_plans_for_is_refused_when_read(string parallel, string expected)
    {
        string path = TestFiles.Write($"model: llama-3.1-8b\nhardware: {{gpu: h100-sxm}}\nparallel: {parallel}\nworkload: {{input_tokens: 16, output_tokens: 16, concurrency: 1}}\n");
        Reliability.AssertOneLine(CliRun.Of("dag", path, "--layers", "0..0", "--format", "trace"), expected);
    }

    [Fact]
    public void Without_a_strategy_and_with_no_strategy_that_fits_there_is_nothing_to_draw()
    {
        string d01 = TestFiles.InRepository("tests", "ParaPlan.Cli.Tests", "Reliability", "dag", "d01-plan-nothing-fits.yaml");
        CliRun run = CliRun.Of("dag", d01, "--format", "json");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal(string.Empty, run.Output);
        // The search costs the widest instances when the weights fit none, so the answer is "no feasible plan to draw".
        string line = Assert.Single(run.ErrorLines);
        Assert.StartsWith($"paraplan: {d01}: no ", line, StringComparison.Ordinal);
        Assert.Contains(" to draw", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_strategy_and_with_no_feasible_plan_the_answer_is_no()
    {
        string path = TestFiles.Write("model: llama-3.1-8b\nhardware: {gpu: h100-sxm, gpus: 2}\nworkload: {input_tokens: 512, output_tokens: 64, concurrency: 8}\nrequirements: {tpot_ms: 0.01}\n");
        CliRun run = CliRun.Of("dag", path, "--format", "json");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal(string.Empty, run.Output);
        string line = Assert.Single(run.ErrorLines);
        Assert.Contains("no feasible plan to draw (no strategy meets every requirement", line, StringComparison.Ordinal);
        Assert.EndsWith("state 'parallel' to draw a strategy anyway.", line, StringComparison.Ordinal);
    }
}
