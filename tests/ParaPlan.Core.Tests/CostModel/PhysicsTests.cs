using ParaPlan.CostModel;
using ParaPlan.CostModel.Physics;
using ParaPlan.CostModel.Profiles;

namespace ParaPlan.Tests.CostModel;

/// <summary>
/// The operator physics added with the kernel-grounded model (docs/cost-model.md, sections 3 and 5), checked by hand on
/// the round test GPU of <see cref="TimeTests"/> (100 TFLOPS, 1 TB/s) with an otherwise ideal profile.
/// </summary>
public class PhysicsTests
{
    private const string Tiny = """
        model: {name: tiny, num_hidden_layers: 1, hidden_size: 1024, num_attention_heads: 8, intermediate_size: 4096, vocab_size: 1024}
        precision: {weights: bf16}
        hardware:
          gpu: {name: round, memory_gb: 80, tflops: {bf16: 100}, memory_bandwidth_tbps: 1.0, intra_node_gbps: 100, inter_node_gbps: 10}
          gpus: 1
        parallel: {tp: 1}
        workload: {input_tokens: 16, output_tokens: 16, concurrency: 1}
        """;

    private static OperatorCost Op(PhaseCost phase, string name) => Assert.Single(phase.Operators, o => o.Operator == name);

    [Fact]
    public void Every_kernel_of_an_operator_pays_the_fixed_kernel_time()
    {
        // 3 us per kernel: the QKV GEMM is one kernel, the gated FFN three (gate-up, SiluAndMul, down), attention three
        // (rotary, KV-cache write, the kernel), the norms two; each adds its count x 3 us to its bytes' time.
        EfficiencyProfile profile = Scenarios.Ideal() with { KernelLaunchUs = 3 };
        EstimateResult plain = Scenarios.Estimate(Tiny, Scenarios.Ideal());
        EstimateResult launched = Scenarios.Estimate(Tiny, profile);
        Assert.Equal(Op(plain.Decode, "qkv_projection").TimeMs + 0.003, Op(launched.Decode, "qkv_projection").TimeMs, 6);
        Assert.Equal(Op(plain.Decode, "ffn (dense)").TimeMs + 0.009, Op(launched.Decode, "ffn (dense)").TimeMs, 6);
        Assert.Equal(Op(plain.Decode, "attention (decode, KV read)").TimeMs + 0.009, Op(launched.Decode, "attention (decode, KV read)").TimeMs, 6);
        Assert.Equal(Op(plain.Decode, "norms, residual, rope, activation").TimeMs + 0.006, Op(launched.Decode, "norms, residual, rope, activation").TimeMs, 6);
    }

    [Fact]
    public void A_shallow_reduction_depth_lowers_a_compute_bound_GEMM_s_efficiency()
    {
        // Prefill of 8192 tokens, K0 = 1024: the QKV GEMM (K = hidden 1024) runs at 1024 / (1024 + 1024) = half its
        // efficiency; the gated FFN combines gate-up (K 1024, factor 1/2) and down (K 4096, factor 0.8) as
        // 1 / (2/3 / 0.5 + 1/3 / 0.8) = 0.585.
        string prefill = Tiny.Replace("input_tokens: 16", "input_tokens: 8192", StringComparison.Ordinal);
        EstimateResult plain = Scenarios.Estimate(prefill, Scenarios.Ideal());
        EstimateResult shallow = Scenarios.Estimate(prefill, Scenarios.Ideal() with { GemmHalfEfficiencyDepth = 1024 });
        Assert.Equal(2 * Op(plain.Prefill, "qkv_projection").TimeMs, Op(shallow.Prefill, "qkv_projection").TimeMs, 4);
        double gated = 1 / ((2.0 / 3 / 0.5) + (1.0 / 3 / 0.8));
        Assert.Equal(Op(plain.Prefill, "ffn (dense)").TimeMs / gated, Op(shallow.Prefill, "ffn (dense)").TimeMs, 4);
        Assert.Equal(1, OperatorTime.Depth(4096, 0));
    }

    [Fact]
    public void Every_collective_call_pays_its_fixed_time_and_a_cross_node_one_the_network_s_too()
    {
        // tp 2 inside a node: each of the two all-reduces per layer gains the 10 us per call. tp 16 on 8-GPU nodes:
        // hierarchical, plus the 100 us of a cross-node call.
        string twoGpus = Tiny.Replace("gpus: 1", "gpus: 2", StringComparison.Ordinal).Replace("tp: 1", "tp: 2", StringComparison.Ordinal);
        double plain = Op(Scenarios.Estimate(twoGpus, Scenarios.Ideal()).Decode, "all_reduce (tp, attention)").TimeMs;
        double called = Op(Scenarios.Estimate(twoGpus, Scenarios.Ideal() with { CollectiveOverheadUs = 10 }).Decode, "all_reduce (tp, attention)").TimeMs;
        Assert.Equal(plain + 0.010, called, 6);

        string sixteen = """
            model: {name: wide, num_hidden_layers: 1, hidden_size: 2048, num_attention_heads: 16, intermediate_size: 4096, vocab_size: 1024}
            precision: {weights: bf16}
            hardware:
              gpu: {name: round, memory_gb: 80, tflops: {bf16: 100}, memory_bandwidth_tbps: 1.0, intra_node_gbps: 100, inter_node_gbps: 10}
              gpus: 16
              gpus_per_node: 8
            parallel: {tp: 16}
            workload: {input_tokens: 16, output_tokens: 16, concurrency: 1}
            """;
        double local = Op(Scenarios.Estimate(sixteen, Scenarios.Ideal()).Decode, "all_reduce (tp, attention)").TimeMs;
        double remote = Op(Scenarios.Estimate(sixteen, Scenarios.Ideal() with { InterNodeCollectiveUs = 100 }).Decode, "all_reduce (tp, attention)").TimeMs;
        Assert.Equal(local + 0.100, remote, 6);
    }

    [Fact]
    public void Two_batch_overlap_hides_the_all_to_all_behind_the_layer_s_compute()
    {
        // Attention DP 4 with EP 4 on 4 GPUs: dispatch and combine are all-to-alls. With overlap, a layer's exchange
        // hides behind up to its own compute, so the exposed all-to-all is max(0, exchange - compute); without, all of it.
        const string Moe = """
            model: {name: small-moe, num_hidden_layers: 2, hidden_size: 1024, num_attention_heads: 8, num_experts: 8, num_experts_per_tok: 2, moe_intermediate_size: 512, vocab_size: 1024}
            precision: {weights: bf16}
            hardware:
              gpu: {name: round, memory_gb: 80, tflops: {bf16: 100}, memory_bandwidth_tbps: 1.0, intra_node_gbps: 10, inter_node_gbps: 10}
              gpus: 4
            parallel: {dp: 4, ep: 4}
            workload: {input_tokens: 128, output_tokens: 128, concurrency: 256}
            """;
        EstimateResult serial = Scenarios.Estimate(Moe, Scenarios.Ideal());
        EstimateResult overlapped = Scenarios.Estimate(Moe, Scenarios.Ideal() with { MoeCommunicationOverlap = true });
        double exchange = Op(serial.Decode, "all_to_all (ep dispatch)").TimeMs + Op(serial.Decode, "all_to_all (ep combine)").TimeMs;
        double hidden = exchange - (Op(overlapped.Decode, "all_to_all (ep dispatch)").TimeMs + Op(overlapped.Decode, "all_to_all (ep combine)").TimeMs);
        double compute = serial.Decode.Operators.Where(o => o.Kind == "compute").Sum(o => o.TimeMs);
        Assert.True(hidden > 0, "some of the exchange is hidden");
        Assert.Equal(Math.Min(exchange, compute), hidden, 4);
        Assert.True(overlapped.Decode.StepMs < serial.Decode.StepMs);

        // An overlap that hides only a share of the layers' own work (moe_overlap_efficiency; LMSYS's +27-35%
        // gives about half on H100): hidden = min(exchange, share x the layers' work before the exchange), the work
        // being every layer operator from the QKV projection to the experts (not the embedding or the LM head).
        string[] layerWork = ["qkv_projection", "attention (decode, KV read)", "output_projection", "norms, residual, rope, activation", "router", "expert (routed, busiest EP rank)"];
        double work = serial.Decode.Operators.Where(o => layerWork.Contains(o.Operator)).Sum(o => o.TimeMs);
        Assert.True(work < compute, "the LM head and embedding are outside the layers");
        foreach (double share in new[] { 0.25, 0.52 })
        {
            EstimateResult partial = Scenarios.Estimate(Moe, Scenarios.Ideal() with { MoeCommunicationOverlap = true, MoeOverlapEfficiency = share });
            double partlyHidden = exchange - (Op(partial.Decode, "all_to_all (ep dispatch)").TimeMs + Op(partial.Decode, "all_to_all (ep combine)").TimeMs);
            Assert.True(share * work < exchange, "the share, not the exchange, bounds what is hidden");
            Assert.Equal(share * work, partlyHidden, 4);
        }
    }
}
