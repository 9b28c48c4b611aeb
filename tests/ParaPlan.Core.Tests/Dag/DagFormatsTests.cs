using System.Text.Json;
using ParaPlan.Dag;
using ParaPlan.Domain;
using ParaPlan.Tests.CostModel;

namespace ParaPlan.Tests.Dag;

/// <summary>
/// Every format of every strategy: the JSON keeps the contract read back from the document alone, the DOT declares
/// every node once, the trace lays every node out on each of its GPUs; nodes are in topological order by construction.
/// </summary>
public class DagFormatsTests
{
    private static Scenario Scenario(string model, int gpus) =>
        Scenarios.Read($"model: {model}\nprecision: {{weights: fp8}}\nhardware: {{gpu: h100-sxm, gpus: {gpus}}}\nworkload: {{input_tokens: 512, output_tokens: 128, concurrency: 16}}\n");

    [Theory]
    [MemberData(nameof(DagBuilderTests.Strategies), MemberType = typeof(DagBuilderTests))]
    public void Every_format_of_every_strategy_is_written_whole(string model, int tp, int sp, int dp, int pp, int ep, int replicas)
    {
        var strategy = new ParallelStrategy(tp, sp, dp, pp, ep, replicas);
        Scenario scenario = Scenario(model, (int)strategy.GpuCount);
        int? last = pp > 1 ? null : model == "deepseek-v3" ? 4 : 2;
        foreach (bool collapse in new[] { false, true })
        {
            var dags = new[] { DagPhase.Prefill, DagPhase.Decode }.Select(p => DagBuilder.Build(scenario, strategy, p, 0, last, collapse)).ToList();
            foreach (DeploymentDag dag in dags)
            {
                using var stream = new MemoryStream();
                DagJson.Write(stream, dag);
                using JsonDocument json = JsonDocument.Parse(stream.ToArray());
                Assert.Empty(DagJsonContract.Problems(json.RootElement));
                Assert.Equal(dag.Nodes.Count, json.RootElement.GetProperty("nodes").GetArrayLength());
                Assert.Equal(dag.Edges.Count, json.RootElement.GetProperty("edges").GetArrayLength());

                string dot = DagFormats.ToDot(dag, 8);
                Assert.Equal(dag.Nodes.Count, dot.Split('\n').Count(line => line.Contains(" [shape=", StringComparison.Ordinal)));
                Assert.Equal(dag.Edges.Count, dot.Split('\n').Count(line => line.Contains("\" -> \"", StringComparison.Ordinal)));
            }

            using JsonDocument trace = JsonDocument.Parse(DagFormats.ToTrace(dags, 8));
            int events = trace.RootElement.GetProperty("traceEvents").EnumerateArray().Count(e => e.GetProperty("ph").GetString() == "X");
            Assert.Equal(dags.Sum(d => d.Nodes.Sum(n => n.Gpus.Count)), events);
        }
    }

    [Fact]
    public void The_JSON_carries_the_routing_table_on_the_dispatch_only()
    {
        DeploymentDag dag = DagBuilder.Build(Scenario("qwen3-30b-a3b", 4), new ParallelStrategy(tensorParallel: 2, dataParallel: 2, expertParallel: 4), DagPhase.Decode, 0, 0);
        using var stream = new MemoryStream();
        DagJson.Write(stream, dag);
        using JsonDocument json = JsonDocument.Parse(stream.ToArray());
        var withTable = json.RootElement.GetProperty("nodes").EnumerateArray().Where(n => n.TryGetProperty("routing", out _)).ToList();
        JsonElement dispatch = Assert.Single(withTable);
        Assert.Equal("r0.l0.all_to_all.dispatch.stage", dispatch.GetProperty("id").GetString());
        JsonElement row = dispatch.GetProperty("routing")[1];
        Assert.Equal("r0.l0.expert.d0s0t1", row.GetProperty("node").GetString());
        Assert.Equal([1], row.GetProperty("gpus").EnumerateArray().Select(g => g.GetInt32()));
        Assert.Equal((32, 63), (row.GetProperty("first_expert").GetInt32(), row.GetProperty("last_expert").GetInt32()));
        Assert.Equal(2, json.RootElement.GetProperty("parallel").GetProperty("dp").GetInt32());
    }

    [Fact]
    public void A_trace_event_names_its_node_s_GPUs_as_a_range()
    {
        DeploymentDag dag = DagBuilder.Build(Scenario("qwen3-30b-a3b", 4), new ParallelStrategy(tensorParallel: 2, dataParallel: 2, expertParallel: 4), DagPhase.Decode, 0, 0);
        using JsonDocument trace = JsonDocument.Parse(DagFormats.ToTrace([dag], 8));
        var dispatch = trace.RootElement.GetProperty("traceEvents").EnumerateArray()
            .Where(e => e.GetProperty("args").TryGetProperty("id", out JsonElement id) && id.GetString() == "r0.l0.all_to_all.dispatch.stage").ToList();
        Assert.Equal([0, 1, 2, 3], dispatch.Select(e => e.GetProperty("pid").GetInt32()));
        Assert.All(dispatch, e => Assert.Equal("0-3", e.GetProperty("args").GetProperty("gpus").GetString()));
    }

    [Fact]
    public void A_node_cannot_be_added_before_its_inputs()
    {
        var graph = new DagGraph();
        graph.Add(new DagNode("a", "compute", "ffn", 0, 0, [0], [1, 2], [1, 2]), []);
        var ex = Assert.Throws<InvalidOperationException>(() => graph.Add(new DagNode("b", "compute", "ffn", 0, 0, [0], [1, 2], [1, 2]), ["a", "c"]));
        Assert.Contains("reads c, which is not built before it", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => graph.Add(new DagNode("a", "compute", "ffn", 0, 0, [0], [1, 2], [1, 2]), []));
    }

    [Fact]
    public void Laying_out_nodes_out_of_order_is_refused_by_name_and_caught_by_the_checks()
    {
        DeploymentDag dag = DagBuilder.Build(Scenario("llama-3.1-8b", 2), new ParallelStrategy(tensorParallel: 2), DagPhase.Decode, 0, 0);
        var reversed = dag with { Nodes = [.. dag.Nodes.Reverse()] };
        var ex = Assert.Throws<InvalidOperationException>(() => DagFormats.Schedule(reversed));
        Assert.Contains("goes against the node order", ex.Message, StringComparison.Ordinal);
        Assert.Contains(DagChecks.Problems(reversed), p => p.Contains("not in topological order", StringComparison.Ordinal));
    }

    [Fact]
    public void A_gate_edge_into_a_node_without_a_routing_table_is_a_problem()
    {
        DeploymentDag dag = DagBuilder.Build(Scenario("llama-3.1-8b", 2), new ParallelStrategy(tensorParallel: 2), DagPhase.Decode, 0, 0);
        var gated = dag with { Edges = [.. dag.Edges, new DagEdge(dag.Nodes[0].Id, dag.Nodes[^1].Id, "gate", dag.Nodes[0].OutputShape)] };
        Assert.Contains(DagChecks.Problems(gated), p => p.Contains("holds no routing table", StringComparison.Ordinal));
    }

    [Fact]
    public void The_node_bound_is_thirteen_per_unit_and_layer_plus_two_collectives_and_the_ends()
    {
        var strategy = new ParallelStrategy(tensorParallel: 2, dataParallel: 4, replicas: 3);
        Assert.Equal(3 * ((10 * ((13 * 8) + 2)) + (2 * 8)), DagBuilder.NodeBound(strategy, 10, collapseTp: false));
        Assert.Equal(3 * ((10 * ((13 * 4) + 2)) + (2 * 4)), DagBuilder.NodeBound(strategy, 10, collapseTp: true));
    }

    [Fact]
    public void A_DAG_above_the_node_limit_is_refused_before_it_is_built()
    {
        // Llama-3.1-405B (126 layers), tp 8, 256 replicas: up to 256 x (126 x (13 x 8 + 2) + 2 x 8) = 3,423,232 nodes.
        var strategy = new ParallelStrategy(tensorParallel: 8, replicas: 256);
        Assert.Equal(3_423_232, DagBuilder.NodeBound(strategy, 126, false));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => DagBuilder.Build(Scenario("llama-3.1-405b", 2048), strategy, DagPhase.Decode));
        Assert.Contains("above the limit of 1,500,000", ex.Message, StringComparison.Ordinal);
    }
}
