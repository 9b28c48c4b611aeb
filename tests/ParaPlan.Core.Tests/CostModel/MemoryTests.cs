using ParaPlan.CostModel;

namespace ParaPlan.Tests.CostModel;

/// <summary>Weights and KV cache per GPU against counts written out by hand.</summary>
public class MemoryTests
{
    [Fact]
    public void Llama_3_1_70B_TP4_bf16_weights_and_KV_per_GPU()
    {
        EstimateResult e = Scenarios.Estimate("""
            model: llama-3.1-70b
            precision: {weights: bf16}
            hardware: {gpu: h100-sxm, gpus: 4}
            parallel: {tp: 4}
            workload: {input_tokens: 1000, output_tokens: 1000, concurrency: 10}
            """);

        // Per layer per GPU: q 8192 x 2048, k and v 8192 x (2 KV heads x 128) each, o 2048 x 8192, FFN 3 x 8192 x 28672 / 4.
        const long attention = (8192L * 2048) + (2L * 8192 * 256) + (2048L * 8192);
        const long ffn = 3L * 8192 * 28672 / 4;
        const long norms = 2L * 8192;
        const long vocabulary = 128256L * 8192 / 4; // embedding and LM head, vocabulary-parallel
        double expectedWeights = ((80 * (attention + ffn + norms)) + (2 * vocabulary)) * 2.0 / 1e9;
        Assert.Equal(expectedWeights, e.MemoryPerGpuGb.Weights, 3);
        Assert.Equal(35.28, Math.Round(e.MemoryPerGpuGb.Weights, 2));

        // KV per token per GPU: 80 layers x (K, V) x 2 KV heads x 128 x 2 bytes = 81,920 bytes; 10 sequences x 2000 tokens.
        Assert.Equal(10.0 * 2000 * 81_920 / 1e9, e.MemoryPerGpuGb.KvCache, 4);
    }

    [Fact]
    public void Qwen3_235B_fp8_TP8_replicates_the_four_KV_heads_and_splits_the_experts()
    {
        EstimateResult e = Scenarios.Estimate("""
            model: qwen3-235b-a22b
            precision: {weights: fp8, kv_cache: fp8}
            hardware: {gpu: h100-sxm, gpus: 8}
            parallel: {tp: 8, ep: 8}
            workload: {input_tokens: 1024, output_tokens: 1024, concurrency: 64}
            """);

        // tp 8 > 4 KV heads: each GPU holds 8 query heads and one (replicated) KV head.
        const long attention = (4096L * 1024) + (2L * 4096 * 128) + (1024L * 4096);
        const long experts = 128L * 3 * 4096 * 1536 / 8;      // 16 whole experts per GPU
        const long router = 4096L * 128;                      // kept in 16-bit
        const long norms = 2L * 4096;                         // 16-bit
        const long vocabulary = 151936L * 4096 / 8;           // 16-bit, embedding and LM head
        double expected = ((94 * (attention + experts)) + (94 * (router + norms) * 2.0) + (2 * vocabulary * 2.0)) / 1e9;
        Assert.Equal(expected, e.MemoryPerGpuGb.Weights, 3);
        Assert.Equal(28.49, Math.Round(e.MemoryPerGpuGb.ExpertWeights, 2), 1);

        // KV per token per GPU: 94 layers x 2 x 1 KV head x 128 x 1 byte = 24,064 bytes; 64 sequences x 2048 tokens.
        Assert.Equal(64.0 * 2048 * 24_064 / 1e9, e.MemoryPerGpuGb.KvCache, 4);
    }

    [Fact]
    public void Qwen3_235B_EP8_with_attention_DP_holds_whole_attention_and_an_eighth_of_the_sequences()
    {
        EstimateResult e = Scenarios.Estimate("""
            model: qwen3-235b-a22b
            precision: {weights: fp8, kv_cache: fp8}
            hardware: {gpu: h100-sxm, gpus: 8}
            parallel: {dp: 8, ep: 8}
            workload: {input_tokens: 1024, output_tokens: 1024, concurrency: 64}
            """);

        // Attention-DP: every GPU holds the whole attention block (replicated), experts still split 8 ways.
        const long attention = (4096L * 8192) + (2L * 4096 * 512) + (8192L * 4096);
        const long experts = 128L * 3 * 4096 * 1536 / 8;
        double expectedAttention = ((94 * attention) + (94 * 2L * 4096 * 2.0)) / 1e9;
        Assert.Equal(expectedAttention, e.MemoryPerGpuGb.AttentionWeights, 3);
        Assert.Equal(((94 * experts) + (94 * 4096L * 128 * 2.0)) / 1e9, e.MemoryPerGpuGb.ExpertWeights, 3); // router kept in 16-bit

        // KV: 64 / 8 = 8 sequences per GPU, all 4 KV heads: 94 x 2 x 4 x 128 x 1 byte = 96,256 bytes per token.
        Assert.Equal(8.0 * 2048 * 96_256 / 1e9, e.MemoryPerGpuGb.KvCache, 4);
    }

    [Fact]
    public void DeepSeek_V3_MLA_caches_the_latent_once_per_GPU_under_tensor_parallelism()
    {
        EstimateResult e = Scenarios.Estimate("""
            model: deepseek-v3
            precision: {weights: fp8}
            hardware: {gpu: h200-sxm, gpus: 8}
            parallel: {tp: 8, ep: 8}
            workload: {input_tokens: 1000, output_tokens: 1000, concurrency: 16}
            """);

        // 61 layers x (kv_lora_rank 512 + rope 64) x 2 bytes (bf16 KV: weights are 8-bit), not divided by tp.
        Assert.Equal(16.0 * 2000 * (61 * 576 * 2) / 1e9, e.MemoryPerGpuGb.KvCache, 4);

        // MLA per GPU per layer: q_a and kv_a projections replicated, q_b, kv_b and o split 8 ways.
        const long replicated = (7168L * 1536) + (7168L * 576);
        const long split = (1536L * 128 * 192) + (512L * 128 * 256) + (128L * 128 * 7168);
        double expectedAttention = ((61 * (replicated + (split / 8))) + (61 * 2L * 7168 * 2.0)) / 1e9;
        Assert.Equal(expectedAttention, e.MemoryPerGpuGb.AttentionWeights, 3);
    }

    [Fact]
    public void Gpt_oss_20b_without_a_precision_holds_its_checkpoint_MXFP4_experts_and_BF16_rest()
    {
        EstimateResult e = Scenarios.Estimate("""
            model: gpt-oss-20b
            hardware: {gpu: h100-sxm, gpus: 1}
            parallel: {tp: 1}
            workload: {input_tokens: 1000, output_tokens: 1000, concurrency: 1}
            """);

        // Per layer: q 2880 x 4096, k and v 2880 x 512 each, o 4096 x 2880 and two norms, bf16; 32 experts of
        // 3 x 2880 x 2880 at 0.53125 byte (MXFP4) and a 2880 x 32 router in bf16; embedding and LM head 201088 x 2880 bf16.
        const long attention = (2880L * 4096) + (2L * 2880 * 512) + (4096L * 2880);
        const long experts = 32L * 3 * 2880 * 2880;
        Assert.Equal(Math.Round(24 * (attention + (2 * 2880)) * 2.0 / 1e9, 4), e.MemoryPerGpuGb.AttentionWeights);
        Assert.Equal(Math.Round(24 * ((experts * 0.53125) + (2880 * 32 * 2.0)) / 1e9, 4), e.MemoryPerGpuGb.ExpertWeights);
        Assert.Equal(Math.Round(2 * 201088L * 2880 * 2.0 / 1e9, 4), e.MemoryPerGpuGb.EmbeddingWeights);
        Assert.Equal(0, e.MemoryPerGpuGb.DenseWeights);
        // 13,747,599,360 bytes: the checkpoint's 13,761,264,768 less what the shard leaves out in bf16, the attention
        // biases and sinks (24 x 8,064), expert biases (24 x 32 x 8,640), router biases (24 x 32) and the final norm
        // (2,880): 6,832,704 parameters x 2 bytes.
        Assert.Equal(13_761_264_768 - (6_832_704 * 2), (24 * ((attention + (2 * 2880)) * 2.0)) + (24 * ((experts * 0.53125) + (2880 * 32 * 2.0))) + (2 * 201088L * 2880 * 2.0));
        Assert.Equal(13.7476, e.MemoryPerGpuGb.Weights);
    }

    [Fact]
    public void Each_module_is_held_in_the_format_the_precision_gives_it()
    {
        EstimateResult e = Scenarios.Estimate("""
            model: qwen3-30b-a3b
            precision: {weights: bf16, attention: fp8, experts: nvfp4}
            hardware: {gpu: b200, gpus: 1}
            parallel: {tp: 1}
            workload: {input_tokens: 1000, output_tokens: 1000, concurrency: 1}
            """);

        // 48 layers, hidden 2048: attention (32 heads and 4 KV heads of 128) fp8, 128 experts of 3 x 2048 x 768 nvfp4
        // (0.5625 byte), routers (2048 x 128), norms, embedding and LM head (151936 x 2048) 16-bit.
        const long attention = (2048L * 4096) + (2L * 2048 * 512) + (4096L * 2048);
        const long experts = 128L * 3 * 2048 * 768;
        Assert.Equal(Math.Round(48 * ((attention * 1.0) + (2 * 2048 * 2.0)) / 1e9, 4), e.MemoryPerGpuGb.AttentionWeights);
        Assert.Equal(Math.Round(48 * ((experts * 0.5625) + (2048 * 128 * 2.0)) / 1e9, 4), e.MemoryPerGpuGb.ExpertWeights);
        Assert.Equal(Math.Round(2 * 151936L * 2048 * 2.0 / 1e9, 4), e.MemoryPerGpuGb.EmbeddingWeights);
        Assert.Contains(e.Assumptions, a => a.StartsWith("precision per module: attention fp8, routed experts nvfp4, embeddings and LM head bf16", StringComparison.Ordinal));
    }

    [Fact]
    public void Concurrency_max_is_the_largest_that_fits_the_memory_allowed()
    {
        const string yaml = """
            model: llama-3.1-70b
            precision: {weights: bf16}
            hardware: {gpu: h100-sxm, gpus: 4}
            parallel: {tp: 4}
            workload: {input_tokens: 2000, output_tokens: 1000, concurrency: max}
            """;
        EstimateResult max = Scenarios.Estimate(yaml);
        Assert.True(max.MemoryPerGpuGb.Total <= max.MemoryPerGpuGb.Limit);
        EstimateResult oneMore = Scenarios.Estimate(yaml.Replace("concurrency: max", $"concurrency: {max.Concurrency + 1}", StringComparison.Ordinal));
        Assert.True(oneMore.MemoryPerGpuGb.Total > oneMore.MemoryPerGpuGb.Limit);
        Assert.Contains(oneMore.Checks, c => c.Name == "memory" && !c.Passed);
    }

    [Fact]
    public void Pipeline_stages_split_the_layers_and_the_first_stages_take_the_remainder()
    {
        EstimateResult e = Scenarios.Estimate("""
            model: qwen3-235b-a22b
            precision: {weights: fp8}
            hardware: {gpu: h100-sxm, gpus: 32}
            parallel: {tp: 8, pp: 4, ep: 8}
            workload: {input_tokens: 1024, output_tokens: 256, concurrency: 32}
            """);
        Assert.Equal([24, 24, 23, 23], e.Pipeline.LayersPerStage);
    }
}
