using ParaPlan.Catalog;
using ParaPlan.Domain;

namespace ParaPlan.Tests.Domain;

/// <summary>
/// Derived figures of the catalog models against counts written out by hand from each published architecture
/// (SwiGLU FFN = 3 matrices; two RMSNorms per layer plus a final one; embeddings and LM head included).
/// </summary>
public class ModelArchitectureTests
{
    private static ModelArchitecture Catalog(string id)
    {
        Assert.True(ModelCatalog.BuiltIn.TryGet(id, out CatalogModel model), $"catalog has {id}");
        return model.Architecture;
    }

    [Fact]
    public void Qwen3_235B_has_235_1_B_parameters_21_6_B_active_and_96256_KV_elements_per_token()
    {
        const long h = 4096, layers = 94, vocab = 151936;
        const long attention = (h * 64 * 128) + (2 * h * 4 * 128) + (64 * 128 * h) + (2 * 128); // q, k, v, o, q/k norms
        const long expert = 3 * h * 1536;
        const long router = h * 128;
        const long norms = 2 * h;
        const long expectedTotal = (layers * (attention + (128 * expert) + router + norms)) + (2 * vocab * h) + h;
        const long expectedActive = (layers * (attention + (8 * expert) + router + norms)) + (vocab * h) + h;

        ModelArchitecture model = Catalog("qwen3-235b-a22b");

        Assert.Equal(235_093_634_560, expectedTotal);
        Assert.Equal(expectedTotal, model.TotalParameters);
        Assert.Equal(expectedActive, model.ActiveParameters);
        Assert.Equal(21.6, model.ActiveParameters / 1e9, 1);
        Assert.Equal(94 * 2 * 4 * 128, model.KvCacheElementsPerToken);
        Assert.Equal(96_256, model.KvCacheElementsPerToken);
    }

    [Fact]
    public void Gpt_oss_20b_counts_20_91_B_parameters_and_its_checkpoint_bytes_match_the_published_total_size()
    {
        // gpt-oss-20b (config.json): 24 layers, hidden 2880, 64 query heads and 8 KV heads of 64 (q_proj 2880 -> 4096),
        // biases on q, k, v and o, one sink logit per query head; 32 experts of width 2880 with gate-up (2 x 2880) and
        // down (2880) biases; a router with bias; untied vocabulary 201088.
        const long h = 2880, layers = 24, experts = 32, vocab = 201088;
        const long attentionWeights = (h * 4096) + (2 * h * 512) + (4096 * h);
        const long attentionBiasesAndSinks = 4096 + (2 * 512) + h + 64;
        const long expertWeights = 3 * h * 2880;          // gate, up, down: the MXFP4 tensors
        const long expertBiases = (2 * 2880) + h;          // gate_up_proj_bias, down_proj_bias: BF16
        const long router = (h * experts) + experts;
        const long norms = 2 * h;
        const long mxfp4 = layers * experts * expertWeights;
        const long total = (layers * (attentionWeights + attentionBiasesAndSinks + (experts * (expertWeights + expertBiases)) + router + norms)) + (2 * vocab * h) + h;

        ModelArchitecture model = Catalog("gpt-oss-20b");

        Assert.Equal(20_914_757_184, total);
        Assert.Equal(total, model.TotalParameters);
        Assert.Equal(layers * experts * (expertWeights + expertBiases), model.Parameters.RoutedExperts);
        Assert.Equal(layers * (attentionWeights + attentionBiasesAndSinks), model.Parameters.Attention);

        // MXFP4 expert weights at 4.25 bits (E2M1 + one E8M0 scale per 32) and every other tensor, biases and sinks
        // included, at 2 bytes: exactly model.safetensors.index.json's total_size, 13,761,264,768 bytes.
        double bytes = (mxfp4 * NumericFormat.Mxfp4.BytesPerElement()) + ((total - mxfp4) * 2.0);
        Assert.Equal(13_761_264_768, bytes);

        // Active: 4 of 32 experts, attention, router, norms and the LM head (OpenAI: 3.6 B).
        long active = (layers * (attentionWeights + attentionBiasesAndSinks + (4 * (expertWeights + expertBiases)) + router + norms)) + (vocab * h) + h;
        Assert.Equal(3_608_307_264, active);
        Assert.Equal(active, model.ActiveParameters);
        Assert.Equal(active - (layers * ((4096 + (2 * 512) + h + 64) + (4 * expertBiases) + experts + norms)) - h, model.ActiveMatmulParameters);
    }

    [Fact]
    public void Gpt_oss_120b_counts_116_83_B_parameters_and_60_77_GiB_of_checkpoint()
    {
        const long h = 2880, layers = 36, experts = 128, vocab = 201088;
        const long perLayer = (h * 4096) + (2 * h * 512) + (4096 * h) + (4096 + (2 * 512) + h + 64)
            + (experts * ((3 * h * 2880) + (2 * 2880) + h)) + (h * experts) + experts + (2 * h);
        const long mxfp4 = layers * experts * 3 * h * 2880;

        ModelArchitecture model = Catalog("gpt-oss-120b");

        Assert.Equal((layers * perLayer) + (2 * vocab * h) + h, model.TotalParameters);
        Assert.Equal(116_829_156_672, model.TotalParameters);
        double bytes = (mxfp4 * 0.53125) + ((model.TotalParameters - mxfp4) * 2.0);
        Assert.Equal(65_248_815_744, bytes);
        Assert.Equal(60.77, bytes / (1L << 30), 2);   // the model card's 60.8 GiB
        Assert.Equal(5.13, model.ActiveParameters / 1e9, 2); // OpenAI: 5.1 B
    }

    [Fact]
    public void Gpt_oss_keeps_KV_per_token_for_its_full_layers_and_at_most_the_window_for_its_sliding_ones()
    {
        // 12 full + 12 sliding layers of 2 x 8 KV heads x 64 = 1,024 elements per token; window 128.
        ModelArchitecture model = Catalog("gpt-oss-20b");

        Assert.Equal(12, model.SlidingWindowLayerCount);
        Assert.Equal(128, model.AttentionWindow(0));
        Assert.Null(model.AttentionWindow(1));
        Assert.Equal(12 * 1024, model.KvCacheElementsPerToken);
        Assert.Equal(12 * 128 * 1024, model.SlidingWindowKvCacheElements);
        Assert.Equal(24L * 100 * 1024, model.KvCacheElementsPerSequence(100));                  // below the window: every layer holds 100
        Assert.Equal(((12L * 4096) + (12 * 128)) * 1024, model.KvCacheElementsPerSequence(4096)); // above: sliding layers hold 128

        // Attention core FLOPs at 4,096 context: full layers over 4,096 keys, sliding ones over 128.
        Assert.Equal(((12.0 * 4096) + (12 * 128)) * 2 * 64 * (64 + 64), model.FlopsPerToken(4096).Attention);
    }

    [Fact]
    public void A_full_attention_model_keeps_its_KV_per_token_over_every_layer()
    {
        ModelArchitecture model = Catalog("llama-3.1-70b");
        Assert.False(model.HasSlidingWindow);
        Assert.Equal(0, model.SlidingWindowKvCacheElements);
        Assert.Equal(163_840 * 1000L, model.KvCacheElementsPerSequence(1000));
    }

    [Fact]
    public void DeepSeek_V3_has_671_0_B_parameters_36_6_B_active_and_35136_KV_elements_per_token()
    {
        const long h = 7168, heads = 128;
        const long attention =
            (h * 1536) + 1536                 // q_a_proj + q_a_layernorm
            + (1536 * heads * (128 + 64))     // q_b_proj
            + (h * (512 + 64)) + 512          // kv_a_proj_with_mqa + kv_a_layernorm
            + (512 * heads * (128 + 128))     // kv_b_proj
            + (heads * 128 * h);              // o_proj
        const long dense = 3 * h * 18432;
        const long expert = 3 * h * 2048;
        const long router = (h * 256) + 256;  // gate + e_score_correction_bias
        const long norms = 2 * h;
        const long embedding = 129280 * h;
        const long expectedTotal = (61 * (attention + norms)) + (3 * dense) + (58 * ((256 * expert) + expert + router)) + (2 * embedding) + h;
        const long expectedActive = (61 * (attention + norms)) + (3 * dense) + (58 * ((8 * expert) + expert + router)) + embedding + h;

        ModelArchitecture model = Catalog("deepseek-v3");

        Assert.Equal(expectedTotal, model.TotalParameters);
        Assert.Equal(671.0, model.TotalParameters / 1e9, 1);
        Assert.Equal(expectedActive, model.ActiveParameters);
        Assert.Equal(36.6, model.ActiveParameters / 1e9, 1);
        Assert.Equal(61 * (512 + 64), model.KvCacheElementsPerToken);
        Assert.Equal(35_136, model.KvCacheElementsPerToken);
        Assert.Equal(3, model.DenseLayerCount);
        Assert.Equal(58, model.MoeLayerCount);
    }

    [Fact]
    public void DeepSeek_R1_has_the_same_architecture_as_V3()
    {
        Assert.Equal(Catalog("deepseek-v3").TotalParameters, Catalog("deepseek-r1").TotalParameters);
    }

    [Fact]
    public void Mixtral_8x7B_has_46_7_B_parameters_and_12_7_B_active()
    {
        const long h = 4096;
        const long attention = (2 * h * h) + (2 * h * 1024);
        const long expert = 3 * h * 14336; // Mixtral's intermediate_size is the expert width
        const long perLayerFixed = attention + (h * 8) + (2 * h);
        const long expectedTotal = (32 * (perLayerFixed + (8 * expert))) + (2 * 32000 * h) + h;
        const long expectedActive = (32 * (perLayerFixed + (2 * expert))) + (32000 * h) + h;

        ModelArchitecture model = Catalog("mixtral-8x7b");

        Assert.Equal(expectedTotal, model.TotalParameters);
        Assert.Equal(46.7, model.TotalParameters / 1e9, 1);
        Assert.Equal(expectedActive, model.ActiveParameters);
        Assert.Equal(12.7, Math.Round(model.ActiveParameters / 1e9, 1));
    }

    [Fact]
    public void Llama_3_1_405B_has_405_8_B_parameters()
    {
        const long h = 16384;
        const long attention = (2 * h * h) + (2 * h * 8 * 128);
        const long ffn = 3 * h * 53248;
        const long expected = (126 * (attention + ffn + (2 * h))) + (2 * 128256 * h) + h;

        ModelArchitecture model = Catalog("llama-3.1-405b");

        Assert.Equal(expected, model.TotalParameters);
        Assert.Equal(405.85, Math.Round(model.TotalParameters / 1e9, 2)); // "405.8 B" to one decimal, truncated
        Assert.False(model.IsMoe);
    }

    [Fact]
    public void Llama_3_1_70B_stores_163840_KV_elements_per_token()
    {
        // The contract's own example: 80 layers x 2 x 8 KV heads x 128.
        Assert.Equal(163_840, Catalog("llama-3.1-70b").KvCacheElementsPerToken);
    }

    [Fact]
    public void Tied_embeddings_are_counted_once_but_the_head_stays_active()
    {
        var attention = new GroupedQueryAttention(8, 8, 64);
        var untied = new ModelArchitecture("m", 2, 512, attention, 1024, null, null, 1000, tiedEmbeddings: false);
        var tied = new ModelArchitecture("m", 2, 512, attention, 1024, null, null, 1000, tiedEmbeddings: true);

        Assert.Equal(1000L * 512, untied.TotalParameters - tied.TotalParameters);
        Assert.Equal(untied.ActiveParameters, tied.ActiveParameters);
    }

    [Fact]
    public void Flops_per_token_are_two_per_active_weight_plus_attention_over_the_context()
    {
        // 1 layer, hidden 64, 4 heads of 16, FFN 128, vocab 100, dense.
        var model = new ModelArchitecture("tiny", 1, 64, new GroupedQueryAttention(4, 4, 16), 128, null, null, 100);
        const long matmulWeights = (4 * 64 * 64) + (3 * 64 * 128) + (100 * 64);

        FlopsPerToken flops = model.FlopsPerToken(1000);

        Assert.Equal(2.0 * matmulWeights, flops.Matmul);
        Assert.Equal(2.0 * 4 * (16 + 16) * 1000, flops.Attention); // QK^T and AV: 2 x heads x head_dim x context each
    }

    [Fact]
    public void A_dense_layer_without_an_FFN_width_is_refused()
    {
        var attention = new GroupedQueryAttention(8, 8, 64);
        ArgumentException error = Assert.Throws<ArgumentException>(() => new ModelArchitecture("m", 2, 512, attention, null, null, null, 1000));
        Assert.Contains("denseIntermediateSize", error.Message, StringComparison.Ordinal);
    }
}
