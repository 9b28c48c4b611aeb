using ParaPlan.Catalog;
using ParaPlan.CostModel;
using ParaPlan.CostModel.Physics;
using ParaPlan.Dag;
using ParaPlan.Domain;

namespace ParaPlan.Tests.CostModel;

/// <summary>
/// gpt-oss-20b's sliding-window layers in the cost model, against figures written out by hand: 24 layers alternating
/// sliding (window 128, even layers) and full attention; 8 KV heads of 64, so 2 x 8 x 64 = 1,024 KV elements per
/// token per layer, 2,048 bytes in bf16 (the checkpoint's own precision: bf16 KV cache). A made-up GPU and the ideal
/// profile keep the arithmetic plain.
/// </summary>
public class SlidingWindowTests
{
    private const string GptOss = """
        model: gpt-oss-20b
        hardware:
          gpu: {name: round, memory_gb: 1000, tflops: {bf16: 100}, memory_bandwidth_tbps: 1.0, intra_node_gbps: 100, inter_node_gbps: 10}
          gpus: 1
        parallel: {tp: 1}
        """;

    private const double KvBytesPerTokenLayer = 2 * 8 * 64 * 2.0;

    private static OperatorCost Op(PhaseCost phase, string name) => Assert.Single(phase.Operators, o => o.Operator == name);

    [Theory]
    [InlineData(50, 50, 24 * 100)]                   // context 100 < window: every layer holds all 100 tokens
    [InlineData(127, 1, 24 * 128)]                   // context 128 = window
    [InlineData(900, 100, (12 * 1000) + (12 * 128))] // context 1,000: the 12 sliding layers hold 128 each
    public void A_sequence_keeps_its_context_on_full_layers_and_at_most_the_window_on_sliding_ones(int input, int output, int layerTokens)
    {
        EstimateResult e = Scenarios.Estimate(GptOss + $"\nworkload: {{input_tokens: {input}, output_tokens: {output}, concurrency: 10}}\n", Scenarios.Ideal());
        Assert.Equal(Math.Round(layerTokens * KvBytesPerTokenLayer / 1e6, 4), e.MemoryPerGpuGb.KvCachePerSequenceMb);
        Assert.Equal(Math.Round(10 * layerTokens * KvBytesPerTokenLayer / 1e9, 4), e.MemoryPerGpuGb.KvCache);
    }

    [Fact]
    public void Decode_reads_the_whole_context_on_full_layers_and_the_window_on_sliding_ones()
    {
        // 4 sequences at mean context 1000 + 200/2 = 1,100 tokens.
        EstimateResult e = Scenarios.Estimate(GptOss + "\nworkload: {input_tokens: 1000, output_tokens: 200, concurrency: 4}\n", Scenarios.Ideal());
        OperatorCost full = Op(e.Decode, OperatorNames.AttentionDecode);
        OperatorCost sliding = Op(e.Decode, OperatorNames.AttentionDecodeWindowed);
        Assert.Equal((12, 12), (full.Count, sliding.Count));
        Assert.Equal(12 * 4 * 1100 * KvBytesPerTokenLayer, full.Bytes);
        Assert.Equal(12 * 4 * 128 * KvBytesPerTokenLayer, sliding.Bytes);
        Assert.Equal(12 * 4 * 128 * 2.0 * 64 * (64 + 64), sliding.Flops);   // 2 FLOPs x 64 heads x (QK + AV) per cached key
        Assert.Equal(sliding.Bytes / 1e12 * 1000, sliding.TimeMs, 6);       // memory-bound at 1 TB/s

        // Below the window (mean context 50 + 20/2 = 60) both kinds of layer read the same.
        EstimateResult shortContext = Scenarios.Estimate(GptOss + "\nworkload: {input_tokens: 50, output_tokens: 20, concurrency: 4}\n", Scenarios.Ideal());
        Assert.Equal(12 * 4 * 60 * KvBytesPerTokenLayer, Op(shortContext.Decode, OperatorNames.AttentionDecodeWindowed).Bytes);
        Assert.Equal(12 * 4 * 60 * KvBytesPerTokenLayer, Op(shortContext.Decode, OperatorNames.AttentionDecode).Bytes);
    }

    [Fact]
    public void A_sliding_layer_s_prefill_queries_see_at_most_the_window()
    {
        // One prompt of 1,000 tokens: a full layer has 1000 x 1001 / 2 = 500,500 (query, key) pairs; a sliding one
        // 128 x 129 / 2 for its first 128 queries and 128 for each of the other 872: 1000 x 128 - 128 x 127 / 2 = 119,872.
        EstimateResult e = Scenarios.Estimate(GptOss + "\nworkload: {input_tokens: 1000, output_tokens: 1, concurrency: 1}\n", Scenarios.Ideal());
        const double flopsPerPair = 2.0 * 64 * (64 + 64);
        Assert.Equal(12 * 500_500 * flopsPerPair, Op(e.Prefill, OperatorNames.AttentionPrefill).Flops);
        Assert.Equal(12 * 119_872 * flopsPerPair, Op(e.Prefill, OperatorNames.AttentionPrefillWindowed).Flops);
        Assert.Equal(119_872, AttentionLoad.WindowedCausalPairs(1000, 128));
        Assert.Equal(100 * 101 / 2.0, AttentionLoad.WindowedCausalPairs(100, 128));
    }

    [Fact]
    public void Pipeline_stages_with_different_sliding_layers_are_costed_apart()
    {
        // pp 5 over 24 layers: 5, 5, 5, 5, 4. Stage 1 (layers 5-9) has sliding layers 6 and 8, stage 2 (10-14) has 10, 12, 14.
        Assert.True(ModelCatalog.BuiltIn.TryGet("gpt-oss-20b", out CatalogModel entry));
        var layout = new StageLayout(entry.Architecture, 5);
        Assert.Equal([2, 3, 2, 3, 2], layout.FullAttentionLayers);
        Assert.Equal(1, layout.ClassOf(3));
        Assert.Equal(2, layout.ClassOf(2));
        Assert.Equal((3 * 1000) + (2 * 128), layout.KvLayerTokens(1, 1000, 1));
    }

    [Fact]
    public void The_DAG_times_each_layer_s_attention_by_its_kind()
    {
        Scenario scenario = Scenarios.Read(GptOss + "\nworkload: {input_tokens: 4000, output_tokens: 100, concurrency: 8}\n");
        DeploymentDag dag = DagBuilder.Build(scenario, scenario.Parallel!.Value, DagPhase.Decode, 0, 1);
        DagNode sliding = Assert.Single(dag.Nodes, n => n.Op == "attention" && n.Layer == 0);
        DagNode full = Assert.Single(dag.Nodes, n => n.Op == "attention" && n.Layer == 1);
        Assert.Contains("sliding window 128", sliding.Detail, StringComparison.Ordinal);
        Assert.True(full.TimeMs > sliding.TimeMs, $"full {full.TimeMs} ms vs sliding {sliding.TimeMs} ms at 4,050 tokens");
    }
}
