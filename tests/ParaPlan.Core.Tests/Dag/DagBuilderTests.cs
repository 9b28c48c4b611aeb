using ParaPlan.CostModel;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Dag;
using ParaPlan.Domain;
using ParaPlan.Tests.CostModel;

namespace ParaPlan.Tests.Dag;

/// <summary>The contract's properties of the DAG over dense, MoE, MLA, pipeline, sequence-parallel and attention-DP strategies.</summary>
public class DagBuilderTests
{
    private static Scenario Scenario(string model, int gpus, string workload = "{input_tokens: 512, output_tokens: 128, concurrency: 16}") =>
        Scenarios.Read($"model: {model}\nprecision: {{weights: fp8}}\nhardware: {{gpu: h100-sxm, gpus: {gpus}}}\nworkload: {workload}\n");

    public static TheoryData<string, int, int, int, int, int, int> Strategies() => new()
    {
        { "llama-3.1-8b", 2, 1, 1, 1, 1, 1 },       // dense, tensor parallel
        { "llama-3.1-8b", 1, 1, 1, 4, 1, 1 },       // dense, pipeline
        { "llama-3.1-8b", 2, 2, 1, 1, 1, 2 },       // sequence parallel, replicas
        { "qwen3-30b-a3b", 4, 1, 1, 1, 4, 1 },      // MoE, EP over TP GPUs (all-reduce)
        { "qwen3-30b-a3b", 2, 1, 2, 2, 4, 1 },      // MoE with attention DP (dispatch/combine) and pipeline
        { "qwen3-30b-a3b", 1, 1, 4, 1, 1, 1 },      // attention DP with tensor-parallel experts (all-gather/reduce-scatter)
        { "deepseek-v3", 8, 1, 1, 1, 8, 1 },        // MLA, shared experts, leading dense layers
        { "qwen3-30b-a3b", 2, 1, 2, 1, 4, 2 },      // MoE with attention DP, two replicas
        { "qwen3-30b-a3b", 1, 2, 2, 1, 4, 1 },      // MoE with sequence parallel and attention DP
        { "deepseek-v3", 2, 1, 4, 1, 8, 1 },        // MLA, shared experts (all-reduced over tp) with attention DP
    };

    [Theory]
    [MemberData(nameof(Strategies))]
    public void Every_strategy_gives_a_DAG_with_the_contract_s_properties(string model, int tp, int sp, int dp, int pp, int ep, int replicas)
    {
        var strategy = new ParallelStrategy(tp, sp, dp, pp, ep, replicas);
        Scenario scenario = Scenario(model, (int)strategy.GpuCount);
        foreach (DagPhase phase in new[] { DagPhase.Prefill, DagPhase.Decode })
        {
            // Pipelines are built whole (every stage must appear); the others over their first layers (DeepSeek: 3 dense + 2 MoE).
            int? last = pp > 1 ? null : model == "deepseek-v3" ? 4 : 3;
            DeploymentDag dag = DagBuilder.Build(scenario, strategy, phase, 0, last);
            Assert.Empty(DagChecks.Problems(dag));
            Assert.Equal((int)strategy.GpuCount, dag.Gpus);
        }
    }

    [Fact]
    public void A_full_pipeline_DAG_has_every_GPU_the_embedding_the_hand_offs_and_the_LM_head()
    {
        var strategy = new ParallelStrategy(tensorParallel: 2, pipelineParallel: 4);
        DeploymentDag dag = DagBuilder.Build(Scenario("llama-3.1-8b", 8), strategy, DagPhase.Decode);
        Assert.Empty(DagChecks.Problems(dag));
        Assert.Equal(2, dag.Nodes.Count(n => n.Op == "embedding"));
        Assert.Equal(2, dag.Nodes.Count(n => n.Op == "lm_head"));
        Assert.Equal(3 * 2, dag.Nodes.Count(n => n.Op == "send/recv (pp)")); // 3 stage boundaries x 2 TP ranks
        Assert.All(dag.Nodes.Where(n => n.Op == "send/recv (pp)"), n => Assert.Equal(2, n.Gpus.Count));
    }

    [Fact]
    public void Node_times_are_the_cost_model_s_times_per_run()
    {
        Scenario scenario = Scenario("llama-3.1-8b", 2);
        var strategy = new ParallelStrategy(tensorParallel: 2);
        OperatorDescription description = Estimator.Describe(scenario, strategy, EfficiencyCatalog.BuiltIn.Resolve(scenario.Engine, scenario.Hardware.Gpu));
        OperatorCost qkv = description.DecodeStages[0].Single(o => o.Operator == OperatorNames.QkvProjection);
        DeploymentDag dag = DagBuilder.Build(scenario, strategy, DagPhase.Decode, 0, 0);
        DagNode node = dag.Nodes.First(n => n.Op == "qkv_projection");
        Assert.Equal(Math.Round(qkv.TimeMs / qkv.Count, 7), node.TimeMs);
        Assert.Equal(32, qkv.Count);
    }

    [Fact]
    public void Collapsing_tp_gives_one_node_per_tensor_parallel_group()
    {
        var strategy = new ParallelStrategy(tensorParallel: 4, dataParallel: 2, expertParallel: 8);
        Scenario scenario = Scenario("qwen3-30b-a3b", 8);
        DeploymentDag full = DagBuilder.Build(scenario, strategy, DagPhase.Decode, 0, 0);
        DeploymentDag collapsed = DagBuilder.Build(scenario, strategy, DagPhase.Decode, 0, 0, collapseTp: true);
        Assert.Equal(8, full.Nodes.Count(n => n.Op == "qkv_projection"));
        Assert.Equal(2, collapsed.Nodes.Count(n => n.Op == "qkv_projection"));
        Assert.All(collapsed.Nodes.Where(n => n.Op == "qkv_projection"), n => Assert.Equal(4, n.Gpus.Count));
        Assert.Empty(DagChecks.Problems(collapsed));
    }

    [Fact]
    public void The_checks_catch_a_cycle_and_a_missing_GPU()
    {
        DeploymentDag dag = DagBuilder.Build(Scenario("llama-3.1-8b", 2), new ParallelStrategy(tensorParallel: 2), DagPhase.Decode, 0, 0);
        var broken = dag with { Edges = [.. dag.Edges, new DagEdge(dag.Nodes[^1].Id, dag.Nodes[0].Id, "data", dag.Nodes[^1].OutputShape)], Nodes = [.. dag.Nodes.Where(n => !n.Gpus.SequenceEqual([1]))] };
        IReadOnlyList<string> problems = DagChecks.Problems(broken);
        Assert.Contains(problems, p => p.Contains("GPU 1 appears in no compute node", StringComparison.Ordinal) || p.Contains("missing node", StringComparison.Ordinal));
        var cyclic = dag with { Edges = [.. dag.Edges, new DagEdge(dag.Nodes[^1].Id, dag.Nodes[0].Id, "data", dag.Nodes[^1].OutputShape)] };
        Assert.Contains(DagChecks.Problems(cyclic), p => p.Contains("cycle", StringComparison.Ordinal));
    }

    [Fact]
    public void The_DOT_of_a_small_case_matches_the_golden_file()
    {
        Scenario scenario = Scenarios.Read("""
            model: {name: tiny-moe, num_hidden_layers: 2, hidden_size: 256, num_attention_heads: 4, num_experts: 4, num_experts_per_tok: 2, moe_intermediate_size: 512, vocab_size: 1000}
            precision: {weights: bf16}
            hardware: {gpu: h100-sxm, gpus: 2}
            workload: {input_tokens: 64, output_tokens: 16, concurrency: 4}
            """);
        DeploymentDag dag = DagBuilder.Build(scenario, new ParallelStrategy(dataParallel: 2, expertParallel: 2), DagPhase.Decode);
        string dot = DagFormats.ToDot(dag, 8);
        string golden = TestFiles.InRepository("tests", "ParaPlan.Core.Tests", "Golden", "tiny-moe-dp2-ep2.dot");
        if (Environment.GetEnvironmentVariable("PARAPLAN_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(golden, dot);
        }

        Assert.Equal(File.ReadAllText(golden).ReplaceLineEndings(), dot.ReplaceLineEndings());
        Assert.Contains("shape=parallelogram", dot, StringComparison.Ordinal);
        Assert.Contains("style=dashed, color=gray40", dot, StringComparison.Ordinal);
    }

    [Fact]
    public void The_trace_lays_out_prefill_then_decode()
    {
        Scenario scenario = Scenario("llama-3.1-8b", 2);
        var strategy = new ParallelStrategy(tensorParallel: 2);
        var dags = new[] { DagPhase.Prefill, DagPhase.Decode }.Select(p => DagBuilder.Build(scenario, strategy, p, 0, 1)).ToList();
        (_, double prefillEnd) = DagFormats.Schedule(dags[0]);
        (Dictionary<string, double> decodeStart, _) = DagFormats.Schedule(dags[1], prefillEnd);
        Assert.True(decodeStart.Values.Min() >= prefillEnd);
        string trace = DagFormats.ToTrace(dags, 8);
        Assert.Contains("\"traceEvents\"", trace, StringComparison.Ordinal);
        Assert.Contains("\"GPU 1 (node 0)\"", trace, StringComparison.Ordinal);
    }
}
