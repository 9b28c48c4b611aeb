using ParaPlan.Catalog;
using ParaPlan.Domain;
using ParaPlan.Input;

namespace ParaPlan.Tests.Catalog;

public class HuggingFaceConfigReaderTests
{
    private static ModelArchitecture Read(string json, List<string>? notes = null)
    {
        InputNode node = DocumentLoader.Parse(json, "config.json");
        return HuggingFaceConfigReader.Read(node, "config.json", null, [], notes ?? []);
    }

    private static InputException ReadFails(string json) => Assert.Throws<InputException>(() => Read(json));

    [Fact]
    public void Mixtral_reads_intermediate_size_as_the_expert_width()
    {
        ModelArchitecture model = Read("""
            {"model_type": "mixtral", "num_hidden_layers": 2, "hidden_size": 256, "num_attention_heads": 8,
             "num_key_value_heads": 2, "intermediate_size": 512, "num_local_experts": 4, "num_experts_per_tok": 2,
             "vocab_size": 1000, "rope_theta": 1e6, "sliding_window": null}
            """);

        Assert.Equal(512, model.Moe!.ExpertIntermediateSize);
        Assert.Equal(4, model.Moe.ExpertCount);
        Assert.Equal(2, model.MoeLayerCount);
        Assert.Null(model.DenseIntermediateSize);
        Assert.Equal(2 * 2 * 2 * 32, model.KvCacheElementsPerToken); // layers x (K, V) x KV heads x head_dim 256/8
    }

    [Fact]
    public void Qwen3_moe_honours_mlp_only_layers_and_decoder_sparse_step()
    {
        // 6 layers, sparse step 2: layers 1, 3, 5 are MoE ((i+1) % 2 == 0); mlp_only_layers [3] makes 3 dense.
        ModelArchitecture model = Read("""
            {"model_type": "qwen3_moe", "num_hidden_layers": 6, "hidden_size": 256, "num_attention_heads": 4,
             "num_key_value_heads": 2, "head_dim": 64, "intermediate_size": 1024, "num_experts": 8,
             "num_experts_per_tok": 2, "moe_intermediate_size": 128, "decoder_sparse_step": 2,
             "mlp_only_layers": [3], "vocab_size": 1000, "tie_word_embeddings": false}
            """);

        Assert.Equal([false, true, false, false, false, true], Enumerable.Range(0, 6).Select(model.IsMoeLayer));
        Assert.Equal(2, model.MoeLayerCount);
        Assert.Equal(1024, model.DenseIntermediateSize);
        long expectedDense = 4 * 3L * 256 * 1024;
        Assert.Equal(expectedDense, model.Parameters.DenseFeedForward);
        Assert.True(((GroupedQueryAttention)model.Attention).HasQkNorm);
    }

    [Fact]
    public void DeepSeek_reads_leading_dense_layers_shared_experts_and_MLA_ranks()
    {
        ModelArchitecture model = Read("""
            {"model_type": "deepseek_v3", "num_hidden_layers": 4, "first_k_dense_replace": 1, "moe_layer_freq": 1,
             "hidden_size": 256, "intermediate_size": 1024, "num_attention_heads": 4, "num_key_value_heads": 4,
             "q_lora_rank": null, "kv_lora_rank": 64, "qk_nope_head_dim": 32, "qk_rope_head_dim": 16, "v_head_dim": 32,
             "n_routed_experts": 16, "n_shared_experts": 2, "num_experts_per_tok": 4, "moe_intermediate_size": 64,
             "topk_method": "noaux_tc", "num_nextn_predict_layers": 1, "vocab_size": 1000}
            """);

        Assert.Equal(1, model.DenseLayerCount);
        Assert.Equal(3, model.MoeLayerCount);
        Assert.False(model.IsMoeLayer(0));
        Assert.Equal(2 * 64, model.Moe!.SharedIntermediateSize);
        Assert.Equal(3 * (3L * 256 * 128), model.Parameters.SharedExperts);
        Assert.Equal(3 * ((256L * 16) + 16), model.Parameters.Routers);
        var mla = Assert.IsType<MultiHeadLatentAttention>(model.Attention);
        Assert.Null(mla.QueryLoraRank);
        Assert.Equal(4 * (64 + 16), model.KvCacheElementsPerToken);
    }

    [Fact]
    public void Multi_token_prediction_layers_are_left_out_and_said_so()
    {
        var notes = new List<string>();
        Read("""
            {"model_type": "deepseek_v3", "num_hidden_layers": 2, "hidden_size": 64, "intermediate_size": 128,
             "num_attention_heads": 2, "kv_lora_rank": 16, "qk_nope_head_dim": 8, "qk_rope_head_dim": 8, "v_head_dim": 8,
             "n_routed_experts": 4, "num_experts_per_tok": 2, "moe_intermediate_size": 32, "num_nextn_predict_layers": 1,
             "vocab_size": 100}
            """, notes);
        Assert.Contains(notes, n => n.Contains("num_nextn_predict_layers", StringComparison.Ordinal));
    }

    [Fact]
    public void Qwen2_has_qkv_biases()
    {
        ModelArchitecture model = Read("""
            {"model_type": "qwen2", "num_hidden_layers": 1, "hidden_size": 64, "num_attention_heads": 4,
             "num_key_value_heads": 2, "intermediate_size": 128, "vocab_size": 100, "tie_word_embeddings": true}
            """);
        long projections = (64 * 64) + (2 * 64 * 32) + (64 * 64);
        long biases = 64 + (2 * 32);
        Assert.Equal(projections + biases, model.Parameters.Attention);
        Assert.Equal(0, model.Parameters.LmHead);
    }

    [Fact]
    public void Unknown_extra_fields_are_ignored()
    {
        ModelArchitecture model = Read("""
            {"model_type": "llama", "num_hidden_layers": 1, "hidden_size": 64, "num_attention_heads": 4,
             "intermediate_size": 128, "vocab_size": 100, "rope_scaling": {"type": "llama3"}, "some_future_field": [1, 2]}
            """);
        Assert.Equal(4, model.Attention.KeyValueHeadCount);
    }

    [Fact]
    public void An_unknown_model_type_is_read_by_its_fields_with_a_note()
    {
        var notes = new List<string>();
        ModelArchitecture model = Read("""
            {"model_type": "granitemoe", "num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4,
             "num_local_experts": 4, "num_experts_per_tok": 2, "intermediate_size": 32, "vocab_size": 100}
            """, notes);
        Assert.Equal(4, model.Moe!.ExpertCount);
        Assert.Contains(notes, n => n.Contains("granitemoe", StringComparison.Ordinal) && n.Contains("Mixtral-style", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_required_field_is_named()
    {
        InputException error = ReadFails("""{"model_type": "llama", "hidden_size": 64, "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100}""");
        Assert.Equal("num_hidden_layers", error.Field);
        Assert.Contains("required field is missing", error.Message, StringComparison.Ordinal);
        Assert.Equal("config.json", error.File);
    }

    [Fact]
    public void KV_heads_that_do_not_divide_the_attention_heads_are_refused()
    {
        InputException error = ReadFails("""{"model_type": "llama", "num_hidden_layers": 1, "hidden_size": 64, "num_attention_heads": 8, "num_key_value_heads": 3, "intermediate_size": 128, "vocab_size": 100}""");
        Assert.Equal("num_key_value_heads", error.Field);
        Assert.Contains("does not divide num_attention_heads 8", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hidden_size_not_divisible_by_the_heads_needs_head_dim()
    {
        InputException error = ReadFails("""{"model_type": "llama", "num_hidden_layers": 1, "hidden_size": 100, "num_attention_heads": 8, "intermediate_size": 128, "vocab_size": 100}""");
        Assert.Equal("head_dim", error.Field);
        Assert.Contains("hidden_size 100 is not divisible by num_attention_heads 8", error.Problem, StringComparison.Ordinal);

        ModelArchitecture withHeadDim = Read("""{"model_type": "llama", "num_hidden_layers": 1, "hidden_size": 100, "num_attention_heads": 8, "head_dim": 16, "intermediate_size": 128, "vocab_size": 100}""");
        Assert.Equal(2 * 8 * 16, withHeadDim.KvCacheElementsPerToken);
    }

    [Fact]
    public void More_experts_per_token_than_experts_is_refused()
    {
        InputException error = ReadFails("""{"model_type": "mixtral", "num_hidden_layers": 1, "hidden_size": 64, "num_attention_heads": 4, "intermediate_size": 128, "num_local_experts": 4, "num_experts_per_tok": 8, "vocab_size": 100}""");
        Assert.Equal("num_experts_per_tok", error.Field);
    }

    [Fact]
    public void Zero_sizes_are_refused()
    {
        InputException error = ReadFails("""{"model_type": "llama", "num_hidden_layers": 0, "hidden_size": 64, "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100}""");
        Assert.Equal("num_hidden_layers", error.Field);
        Assert.Contains("at least 1", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Gpt_oss_reads_its_experts_biases_sinks_sliding_layers_and_MXFP4_experts()
    {
        var notes = new List<string>();
        InputNode node = DocumentLoader.LoadFile(TestFiles.InRepository("data", "models", "gpt-oss-20b.json"));
        ModelArchitecture model = HuggingFaceConfigReader.Read(node, "gpt-oss-20b.json", null, [], notes);

        Assert.Equal("gpt_oss", model.Family);
        Assert.DoesNotContain(notes, n => n.Contains("not one ParaPlan knows", StringComparison.Ordinal));

        // num_local_experts 32, top-4, intermediate_size 2880 as each expert's width; every layer MoE, no dense FFN.
        MixtureOfExperts moe = model.Moe!;
        Assert.Equal((32, 4, 2880, 0), (moe.ExpertCount, moe.ExpertsPerToken, moe.ExpertIntermediateSize, moe.SharedIntermediateSize));
        Assert.Equal(24, model.MoeLayerCount);
        Assert.Null(model.DenseIntermediateSize);
        Assert.True(moe.HasRouterBias);
        Assert.True(moe.HasExpertBias);
        Assert.Equal((2 * 2880) + 2880, moe.ExpertBiasParameters(2880));

        // head_dim 64 x 64 heads = 4096 != hidden 2880; q, k, v and o biases; one sink per query head.
        var attention = (GroupedQueryAttention)model.Attention;
        Assert.Equal((64, 8, 64), (attention.HeadCount, attention.KeyValueHeadCount, attention.HeadDim));
        Assert.True(attention.HasQkvBias && attention.HasOutputBias && attention.HasAttentionSinks);
        Assert.Equal(4096 + (2 * 512) + 2880 + 64, attention.NonMatmulParameters(2880));

        // layer_types: sliding_attention on even layers (window 128), full_attention on odd ones.
        Assert.Equal(Enumerable.Range(0, 24).Select(i => i % 2 == 0 ? 128 : (int?)null), Enumerable.Range(0, 24).Select(model.AttentionWindow));
        Assert.Contains(notes, n => n.Contains("12 of 24 layers attend to at most 128 tokens", StringComparison.Ordinal));

        // quantization_config mxfp4, modules_to_not_convert [self_attn, router, embed_tokens, lm_head]: experts MXFP4,
        // everything else BF16.
        Precision checkpoint = model.CheckpointPrecision!;
        Assert.Equal(NumericFormat.Bf16, checkpoint.Weights);
        Assert.Equal(NumericFormat.Mxfp4, checkpoint.ExpertWeights);
        Assert.Equal(NumericFormat.Bf16, checkpoint.AttentionWeights);
        Assert.Equal(NumericFormat.Bf16, checkpoint.EmbeddingWeights);
        Assert.Equal(NumericFormat.Bf16, checkpoint.KvCache);
    }

    [Fact]
    public void An_fp8_quantization_config_makes_every_layer_GEMM_fp8_but_the_modules_it_keeps()
    {
        ModelArchitecture model = Read("""
            {"model_type": "qwen3", "num_hidden_layers": 2, "hidden_size": 256, "num_attention_heads": 4, "head_dim": 64,
             "intermediate_size": 512, "vocab_size": 1000,
             "quantization_config": {"quant_method": "fp8", "modules_to_not_convert": ["model.layers.*.self_attn", "lm_head"]}}
            """);

        Precision checkpoint = model.CheckpointPrecision!;
        Assert.Equal(NumericFormat.Fp8, checkpoint.Weights);
        Assert.Equal(NumericFormat.Bf16, checkpoint.AttentionWeights);
        Assert.Equal(NumericFormat.Fp8, checkpoint.DenseWeights);
        Assert.Equal(NumericFormat.Bf16, checkpoint.EmbeddingWeights);
        Assert.Null(Read("""{"model_type": "llama", "num_hidden_layers": 1, "hidden_size": 64, "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100}""").CheckpointPrecision);
    }

    [Fact]
    public void Layer_types_must_name_every_layer_and_sliding_layers_need_a_window()
    {
        InputException count = ReadFails("""{"model_type": "llama", "num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100, "sliding_window": 16, "layer_types": ["sliding_attention"]}""");
        Assert.Equal("layer_types", count.Field);
        Assert.Contains("has 1 entries but num_hidden_layers is 2", count.Problem, StringComparison.Ordinal);

        InputException window = ReadFails("""{"model_type": "llama", "num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100, "layer_types": ["sliding_attention", "full_attention"]}""");
        Assert.Equal("sliding_window", window.Field);
    }

    [Fact]
    public void A_sliding_window_key_alone_leaves_Qwen_layers_full_but_slides_every_Mistral_layer()
    {
        // Qwen2.5's config carries sliding_window 131072 with use_sliding_window false: full attention everywhere.
        ModelArchitecture qwen = Read("""{"model_type": "qwen2", "num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100, "sliding_window": 131072, "use_sliding_window": false, "max_window_layers": 1}""");
        Assert.False(qwen.HasSlidingWindow);

        // Mistral-7B v0.1 applies its sliding_window (4096) to every layer.
        ModelArchitecture mistral = Read("""{"model_type": "mistral", "num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100, "sliding_window": 4096}""");
        Assert.Equal(2, mistral.SlidingWindowLayerCount);
        Assert.Equal(0, mistral.KvCacheElementsPerToken);
        Assert.Equal(2L * 4096 * 2 * 4 * 16, mistral.SlidingWindowKvCacheElements);
    }
}
