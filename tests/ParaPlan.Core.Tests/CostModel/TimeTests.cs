using ParaPlan.CostModel;

namespace ParaPlan.Tests.CostModel;

/// <summary>
/// Step times on a made-up GPU whose numbers make the arithmetic obvious (100 TFLOPS, 1 TB/s), with an ideal
/// profile (every efficiency 1, no overheads): a tiny dense model with hidden 1024, 8 heads of 128, FFN 4096.
/// </summary>
public class TimeTests
{
    private const string Tiny = """
        model: {name: tiny, num_hidden_layers: 1, hidden_size: 1024, num_attention_heads: 8, intermediate_size: 4096, vocab_size: 1024}
        precision: {weights: bf16}
        hardware:
          gpu: {name: round, memory_gb: 80, tflops: {bf16: 100}, memory_bandwidth_tbps: 1.0, intra_node_gbps: 100, inter_node_gbps: 10}
          gpus: 1
        parallel: {tp: 1}
        """;

    private static OperatorCost Op(PhaseCost phase, string name) => Assert.Single(phase.Operators, o => o.Operator == name);

    [Fact]
    public void A_decode_GEMM_with_one_token_is_bound_by_reading_its_weights()
    {
        EstimateResult e = Scenarios.Estimate(Tiny + "\nworkload: {input_tokens: 16, output_tokens: 16, concurrency: 1}\n", Scenarios.Ideal());

        // QKV: 1024 x 3072 bf16 weights = 6,291,456 bytes, plus 1 x (1024 in + 3072 out) x 2 bytes of activations.
        OperatorCost qkv = Op(e.Decode, "qkv_projection");
        Assert.Equal("memory", qkv.Bound);
        Assert.Equal(6_299_648, qkv.Bytes);
        Assert.Equal(6_299_648 / 1e12 * 1000, qkv.TimeMs, 6);   // bytes / (1 TB/s) in ms
        Assert.Equal(2.0 * 1024 * 3072, qkv.Flops);
    }

    [Fact]
    public void A_prefill_GEMM_with_thousands_of_tokens_is_bound_by_compute()
    {
        EstimateResult e = Scenarios.Estimate(Tiny + "\nworkload: {input_tokens: 8192, output_tokens: 1, concurrency: 1}\n", Scenarios.Ideal());

        // FFN over 8192 tokens: 2 x 8192 x (3 x 1024 x 4096) = 2.06e11 FLOPs at 100 TFLOPS = 2.0616 ms.
        OperatorCost ffn = Op(e.Prefill, "ffn (dense)");
        Assert.Equal("compute", ffn.Bound);
        Assert.Equal(2.0 * 8192 * 3 * 1024 * 4096, ffn.Flops);
        Assert.Equal(2.0 * 8192 * 3 * 1024 * 4096 / 100e12 * 1000, ffn.TimeMs, 4);
    }

    [Fact]
    public void An_8_bit_GEMM_runs_at_the_8_bit_peak_times_its_own_efficiency()
    {
        // The same FFN in FP8 on a GPU with 200 FP8 TFLOPS: 2.06e11 FLOPs / 200 TFLOPS = 1.0308 ms at an 8-bit
        // efficiency of 1; at 0.5 the FP8 GEMM reaches half of its doubled peak, 100 TFLOPS: 2.0616 ms.
        string fp8 = Tiny.Replace("weights: bf16", "weights: fp8", StringComparison.Ordinal).Replace("tflops: {bf16: 100}", "tflops: {bf16: 100, fp8: 200}", StringComparison.Ordinal)
            + "\nworkload: {input_tokens: 8192, output_tokens: 1, concurrency: 1}\n";
        double flops = 2.0 * 8192 * 3 * 1024 * 4096;
        OperatorCost full = Op(Scenarios.Estimate(fp8, Scenarios.Ideal()).Prefill, "ffn (dense)");
        OperatorCost half = Op(Scenarios.Estimate(fp8, Scenarios.Ideal() with { Gemm8BitComputeEfficiency = 0.5 }).Prefill, "ffn (dense)");
        Assert.Equal(flops / 200e12 * 1000, full.TimeMs, 4);
        Assert.Equal(flops / 100e12 * 1000, half.TimeMs, 4);

        // A 16-bit GEMM, and an FP8 checkpoint on a GPU without FP8 tensor cores (its GEMMs run in 16-bit), keep the
        // 16-bit efficiency whatever the 8-bit one is.
        string weightOnly = Tiny.Replace("weights: bf16", "weights: fp8", StringComparison.Ordinal) + "\nworkload: {input_tokens: 8192, output_tokens: 1, concurrency: 1}\n";
        Assert.Equal(flops / 100e12 * 1000, Op(Scenarios.Estimate(weightOnly, Scenarios.Ideal() with { Gemm8BitComputeEfficiency = 0.5 }).Prefill, "ffn (dense)").TimeMs, 4);
        string bf16 = Tiny + "\nworkload: {input_tokens: 8192, output_tokens: 1, concurrency: 1}\n";
        Assert.Equal(flops / 100e12 * 1000, Op(Scenarios.Estimate(bf16, Scenarios.Ideal() with { Gemm8BitComputeEfficiency = 0.5 }).Prefill, "ffn (dense)").TimeMs, 4);
    }

    [Theory]
    [InlineData("h100-sxm", 989.4e12, 3.35e12)]   // no FP4 tensor cores: weight-only MXFP4, BF16 compute
    [InlineData("b200", 9000e12, 7.7e12)]         // FP4 tensor cores
    public void An_mxfp4_expert_GEMM_streams_4_25_bit_weights_and_runs_at_the_peak_its_GPU_has_for_them(string gpu, double peak, double hbm)
    {
        // gpt-oss-20b as its checkpoint stores it (MXFP4 experts), one 8,192-token prompt: each layer's 32 experts get
        // 8192 x 4 = 32,768 token-expert rows, 2 x 32,768 x 3 x 2880 x 2880 FLOPs; their weights are read at 0.53125 byte.
        EstimateResult e = Scenarios.Estimate(
            $"model: gpt-oss-20b\nhardware: {{gpu: {gpu}, gpus: 1}}\nparallel: {{tp: 1}}\nworkload: {{input_tokens: 8192, output_tokens: 1, concurrency: 1}}\n",
            Scenarios.Ideal());
        OperatorCost experts = Op(e.Prefill, "expert (routed, busiest EP rank)");
        double flops = 2.0 * 32_768 * 3 * 2880 * 2880;
        double bytes = (32 * 3.0 * 2880 * 2880 * 0.53125) + (32_768 * (2880 + (3 * 2880)) * 2.0);
        Assert.Equal(24 * flops, experts.Flops, 0);
        Assert.Equal(24 * bytes, experts.Bytes, 0);
        Assert.Equal("compute", experts.Bound);
        Assert.True(flops / peak > bytes / hbm);
        Assert.Equal(24 * flops / peak * 1000, experts.TimeMs, 4);
    }

    [Fact]
    public void Prefill_attention_is_causal()
    {
        EstimateResult e = Scenarios.Estimate(Tiny + "\nworkload: {input_tokens: 8192, output_tokens: 1, concurrency: 1}\n", Scenarios.Ideal());

        // s(s+1)/2 query-key pairs x 2 FLOPs x 8 heads x (128 + 128) (scores and values).
        OperatorCost attention = Op(e.Prefill, "attention (prefill)");
        Assert.Equal(8192.0 * 8193 / 2 * 2 * 8 * 256, attention.Flops);
    }

    [Fact]
    public void Decode_reads_the_KV_cache_of_every_sequence()
    {
        // 4 sequences at mean context 1000 + 200/2 = 1100 tokens: 1100 x 2 x 8 x 128 x 2 bytes each.
        EstimateResult e = Scenarios.Estimate(Tiny + "\nworkload: {input_tokens: 1000, output_tokens: 200, concurrency: 4}\n", Scenarios.Ideal());
        OperatorCost attention = Op(e.Decode, "attention (decode, KV read)");
        Assert.Equal(4 * 1100 * (2 * 8 * 128) * 2.0, attention.Bytes);
    }

    [Fact]
    public void The_front_end_is_sized_to_the_instance_and_never_paces_its_tokens()
    {
        // 8 sequences of 100 output tokens. At 100 us of API-server CPU per streamed token and 0.1 ms per request,
        // an instance streaming T tokens/s (T/100 requests/s) keeps T x 100e-6 + T/100 x 0.1e-3 = T x 101e-6 cores
        // busy; processes = ceil(busy / 0.8). The tokens keep the engine's pace (TPOT unchanged); a burst of 8
        // requests waits for their admissions, ceil(8 / processes) x 0.1 ms, on the last first token.
        const string Workload = "\nworkload: {input_tokens: 512, output_tokens: 100, concurrency: 8}\n";
        EstimateResult plain = Scenarios.Estimate(Tiny + Workload, Scenarios.Ideal());
        EstimateResult served = Scenarios.Estimate(Tiny + Workload, Scenarios.Ideal() with { ApiServerTokenUs = 100, ApiServerRequestMs = 0.1 });
        double tokensPerS = plain.OutputTokensPerSPerGpu; // one GPU
        double busy = tokensPerS * 101e-6;
        int processes = (int)Math.Ceiling(busy / 0.8);
        Assert.True(processes > 1, $"{tokensPerS:0} tokens/s need more than one process at 100 us a token");
        Assert.Equal(processes, served.FrontEnd.ApiServers);
        Assert.Equal(busy, served.FrontEnd.CoresBusy, 3);
        Assert.Equal(plain.TpotMs, served.TpotMs, 9);
        Assert.Equal(plain.TtftMs + (Math.Ceiling(8.0 / processes) * 0.1), served.TtftMs, 9);
        Assert.Equal(1, plain.FrontEnd.ApiServers);
    }

    [Fact]
    public void Throughput_is_the_cycle_of_prefill_and_decode()
    {
        EstimateResult e = Scenarios.Estimate(Tiny + "\nworkload: {input_tokens: 512, output_tokens: 100, concurrency: 8}\n", Scenarios.Ideal());
        // The cycle counts the decode step (TPOT also carries the other clients' prompts: docs/serving-at-a-rate.md).
        Assert.InRange((e.CyclePrefillMs + (100 * e.Decode.StepMs)) / e.CycleMs, 0.999, 1.001); // the step is reported rounded
        double cycleSeconds = e.CycleMs / 1000;
        Assert.True(e.TpotMs > e.Decode.StepMs);
        Assert.Equal(8 * 100 / cycleSeconds, e.OutputTokensPerSPerGpu, 6);
        Assert.Equal(8 * (512 + 100) / cycleSeconds, e.TotalTokensPerSPerGpu, 6);
    }

    [Fact]
    public void The_last_prefill_chunk_holds_only_the_tokens_left()
    {
        // 12 prompts of 1024 tokens = 12,288 tokens in chunks of 8,192: a whole chunk (8 prompts) and one of the
        // 4,096 tokens left (4 prompts), not two whole chunks. With an ideal profile (no step overhead) the pass costs
        // exactly what a pass of 8 prompts and one of 4 cost, and its FFN does 2 x 12,288 x (3 x 1024 x 4096) FLOPs.
        static EstimateResult At(int prompts) => Scenarios.Estimate(Tiny + $"\nworkload: {{input_tokens: 1024, output_tokens: 1, concurrency: {prompts}}}\n", Scenarios.Ideal());
        EstimateResult twelve = At(12);
        Assert.Equal(2, twelve.CyclePrefillSteps);
        Assert.Equal(1, At(8).CyclePrefillSteps);
        Assert.Equal(At(8).CyclePrefillMs + At(4).CyclePrefillMs, twelve.CyclePrefillMs, 9);
        Assert.Equal(2.0 * 12288 * 3 * 1024 * 4096, Op(twelve.Prefill, "ffn (dense)").Flops, 0);
        Assert.Equal(2 * At(8).CyclePrefillMs, At(16).CyclePrefillMs, 9); // two whole chunks, as before
    }

    [Fact]
    public void With_one_request_the_first_token_comes_after_one_prefill()
    {
        EstimateResult e = Scenarios.Estimate(Tiny + "\nworkload: {input_tokens: 512, output_tokens: 100, concurrency: 1}\n", Scenarios.Ideal());
        Assert.Equal(e.Prefill.Operators.Sum(o => o.TimeMs), e.TtftMs, 3);
        Assert.Equal(1, e.Prefill.Steps);
    }

    [Fact]
    public void Tensor_parallel_adds_two_all_reduces_per_layer()
    {
        EstimateResult e = Scenarios.Estimate(Tiny.Replace("gpus: 1", "gpus: 2", StringComparison.Ordinal).Replace("tp: 1", "tp: 2", StringComparison.Ordinal)
            + "\nworkload: {input_tokens: 16, output_tokens: 16, concurrency: 1}\n", Scenarios.Ideal());

        // One token: 1024 x 2 bytes over 2 ranks at 100 GB/s with 3 us per step: 2(n-1)/n x bytes / bw + 2 ceil(log2 n) x latency.
        double expected = ((2.0 * 1 / 2 * 2048 / 100e9) + (2 * 1 * 3e-6)) * 1000;
        Assert.Equal(expected, Op(e.Decode, "all_reduce (tp, attention)").TimeMs, 6);
        Assert.Equal(expected, Op(e.Decode, "all_reduce (tp, ffn)").TimeMs, 6);
    }
}
