using ParaPlan.Dag;
using ParaPlan.Domain;
using ParaPlan.Tests.CostModel;

namespace ParaPlan.Tests.Dag;

/// <summary>
/// Gate edges and routing tables: one gate edge per router, to the node holding the routing table, so the DAG grows
/// linearly with the ranks; every replica drawn with its own GPUs.
/// </summary>
public class DagRoutingTests
{
    private static Scenario Scenario(string model, string gpu, int gpus, int concurrency = 16) =>
        Scenarios.Read($"model: {model}\nprecision: {{weights: fp8}}\nhardware: {{gpu: {gpu}, gpus: {gpus}, gpus_per_node: 8}}\nworkload: {{input_tokens: 2048, output_tokens: 1024, concurrency: {concurrency}}}\n");

    [Fact]
    public void Each_router_has_one_gate_edge_to_the_dispatch_which_holds_the_routing_table()
    {
        var strategy = new ParallelStrategy(tensorParallel: 2, dataParallel: 2, expertParallel: 4);
        DeploymentDag dag = DagBuilder.Build(Scenario("qwen3-30b-a3b", "h100-sxm", 4), strategy, DagPhase.Decode, 0, 0);
        DagNode dispatch = Assert.Single(dag.Nodes, n => n.Op == "all_to_all (ep dispatch)");
        var routers = dag.Nodes.Where(n => n.Op.StartsWith("router", StringComparison.Ordinal)).Select(n => n.Id).ToList();
        var gates = dag.Edges.Where(e => e.Kind == "gate").ToList();
        Assert.Equal(4, routers.Count);
        Assert.Equal(routers, gates.Select(e => e.From));
        Assert.All(gates, e => Assert.Equal(dispatch.Id, e.To));
        Assert.Equal(
            [("r0.l0.expert.d0s0t0", 0, 0, 31), ("r0.l0.expert.d0s0t1", 1, 32, 63), ("r0.l0.expert.d1s0t0", 2, 64, 95), ("r0.l0.expert.d1s0t1", 3, 96, 127)],
            dispatch.Routing!.Select(r => (r.Node, Assert.Single(r.Gpus), r.FirstExpert, r.LastExpert)));
        Assert.All(dispatch.Routing!, r => Assert.Contains(dag.Edges, e => e.From == dispatch.Id && e.To == r.Node && e.Kind == "data"));
        Assert.Empty(DagChecks.Problems(dag));
    }

    [Fact]
    public void Without_attention_DP_each_router_gates_its_own_GPU_s_experts()
    {
        var strategy = new ParallelStrategy(tensorParallel: 4, expertParallel: 4);
        DeploymentDag dag = DagBuilder.Build(Scenario("qwen3-30b-a3b", "h100-sxm", 4), strategy, DagPhase.Decode, 0, 0);
        var gates = dag.Edges.Where(e => e.Kind == "gate").ToList();
        Assert.Equal(["r0.l0.expert.d0s0t0", "r0.l0.expert.d0s0t1", "r0.l0.expert.d0s0t2", "r0.l0.expert.d0s0t3"], gates.Select(e => e.To));
        Assert.Equal(["r0.l0.router.d0s0t0", "r0.l0.router.d0s0t1", "r0.l0.router.d0s0t2", "r0.l0.router.d0s0t3"], gates.Select(e => e.From));
        DagNode expert = dag.Nodes.Single(n => n.Id == "r0.l0.expert.d0s0t2");
        DagRoute route = Assert.Single(expert.Routing!);
        Assert.Equal((expert.Id, 64, 95), (route.Node, route.FirstExpert, route.LastExpert));
        Assert.Empty(DagChecks.Problems(dag));
    }

    /// <summary>
    /// DeepSeek-V3 (61 layers: 3 dense, 58 MoE with a shared expert) on n GPUs, tp 1, dp = ep = n, a decode step.
    /// Edges per GPU: a dense layer 6 (norm, QKV, attention, output projection, norm, FFN); a MoE layer 13 (the five
    /// attention-side edges, router, one data and one gate edge into the dispatch, dispatch to expert, shared expert,
    /// expert to combine, combine and shared expert into the aggregate); the LM head 1: 3 x 6 + 58 x 13 + 1 = 773.
    /// Nodes per GPU: 6 per dense layer, 9 per MoE layer, embedding and LM head: 18 + 522 + 2 = 542, plus the dispatch
    /// and combine of each MoE layer (116). With a gate edge from every router to every expert there were 58 n^2 gate
    /// edges (3.8 million at n = 256).
    /// </summary>
    [Theory]
    [InlineData(64)]
    [InlineData(256)]
    public void DeepSeek_V3_with_dp_ep_n_has_edges_and_nodes_linear_in_n(int n)
    {
        var strategy = new ParallelStrategy(dataParallel: n, expertParallel: n);
        DeploymentDag dag = DagBuilder.Build(Scenario("deepseek-v3", "h200-sxm", n, 4096), strategy, DagPhase.Decode);
        Assert.Equal(773 * n, dag.Edges.Count);
        Assert.Equal(58 * n, dag.Edges.Count(e => e.Kind == "gate"));
        Assert.Equal((542 * n) + 116, dag.Nodes.Count);
        Assert.Equal(58 * n, dag.Nodes.Sum(node => node.Routing?.Count ?? 0));
        Assert.Empty(DagChecks.Problems(dag));
    }

    [Fact]
    public void Every_replica_is_drawn_on_its_own_GPUs_with_its_own_routing_table()
    {
        var strategy = new ParallelStrategy(tensorParallel: 2, dataParallel: 2, expertParallel: 4, replicas: 3);
        DeploymentDag dag = DagBuilder.Build(Scenario("qwen3-30b-a3b", "h100-sxm", 12), strategy, DagPhase.Decode, 0, 0);
        Assert.Equal(12, dag.Gpus);
        Assert.Equal(Enumerable.Range(0, 12), dag.Nodes.Where(n => n.Kind == "compute").SelectMany(n => n.Gpus).Distinct().Order());
        var dispatches = dag.Nodes.Where(n => n.Op == "all_to_all (ep dispatch)").ToList();
        Assert.Equal([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]], dispatches.Select(d => d.Gpus.ToArray()));
        for (int replica = 0; replica < 3; replica++)
        {
            Assert.Equal(Enumerable.Range(4 * replica, 4), dispatches[replica].Routing!.Select(r => Assert.Single(r.Gpus)));
            Assert.All(dispatches[replica].Routing!, r => Assert.StartsWith($"r{replica}.", r.Node, StringComparison.Ordinal));
        }

        Assert.Empty(DagChecks.Problems(dag));
    }
}
