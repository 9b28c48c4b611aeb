using ParaPlan.Domain;

namespace ParaPlan.Tests.Catalog;

/// <summary>
/// One numeric field as a file states it: a file that holds it (VALUE stands for the figure), the field's dotted path
/// in messages, its limit, whether it is a whole number, and the name the format page's "Limits" table gives it.
/// </summary>
public sealed record FieldLimitCase(string DocKey, string Path, FieldLimit Limit, bool Whole, string Extension, string Template)
{
    /// <summary>The file for a figure; every other figure in it is small and valid, so that only this one can fail.</summary>
    public string Text(string value) => Template.Replace("VALUE", value, StringComparison.Ordinal);

    /// <summary>True for the fractions, whose messages say "must be a fraction from ... to ...".</summary>
    public bool Fraction => Limit == FieldLimits.Efficiency || Limit == FieldLimits.MemoryUtilization;
}

/// <summary>Every numeric field ParaPlan reads from a scenario or a config.json, each in a file of its own.</summary>
internal static class FieldLimitCases
{
    private const string Dense = "num_hidden_layers: 1, hidden_size: 64, num_attention_heads: 1, intermediate_size: 64, vocab_size: 2";
    private const string Moe = "num_hidden_layers: 1, hidden_size: 64, num_attention_heads: 1, vocab_size: 2, num_experts: 2, num_experts_per_tok: 1, moe_intermediate_size: 8";
    private const string Mla = "num_hidden_layers: 1, hidden_size: 64, num_attention_heads: 1, intermediate_size: 64, vocab_size: 2";
    private const string Gpu = "name: g, memory_gb: 80, tflops: 989, memory_bandwidth_tbps: 3.35";
    private const string Tokens = "workload: {input_tokens: 16777216}\n";

    private const string DeepSeek = """
        {"model_type": "deepseek_v3", "num_hidden_layers": 1024, "hidden_size": 64, "num_attention_heads": 1, "vocab_size": 2,
         "intermediate_size": 64, "n_routed_experts": 4, "num_experts_per_tok": 1, "moe_intermediate_size": 8, "n_shared_experts": 1,
         "first_k_dense_replace": 1, "moe_layer_freq": 1, "kv_lora_rank": 8, "qk_nope_head_dim": 8, "qk_rope_head_dim": 8,
         "v_head_dim": 8, "num_nextn_predict_layers": 1}
        """;

    private const string QwenMoe = """
        {"model_type": "qwen2_moe", "num_hidden_layers": 1024, "hidden_size": 64, "num_attention_heads": 1, "vocab_size": 2,
         "intermediate_size": 64, "num_experts": 4, "num_experts_per_tok": 1, "moe_intermediate_size": 8, "decoder_sparse_step": 1,
         "mlp_only_layers": [0]}
        """;

    private const string Qwen2 = """
        {"model_type": "qwen2", "num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 1, "vocab_size": 2,
         "intermediate_size": 64, "use_sliding_window": true, "sliding_window": 4096, "max_window_layers": 1}
        """;

    public static IReadOnlyDictionary<string, FieldLimitCase> All { get; } = Build();

    private static string Inline(string model) => $"model: {{{model}}}\nhardware: {{gpu: h100-sxm}}\n";

    private static string InlineGpu(string fields) => $"model: qwen3-8b\nhardware:\n  gpu: {{{fields}}}\n";

    private static string Scenario(string rest) => $"model: qwen3-8b\nhardware: {{gpu: h100-sxm}}\n{rest}";

    /// <summary>The JSON config with one key's figure replaced by VALUE.</summary>
    private static string Config(string config, string key) =>
        System.Text.RegularExpressions.Regex.Replace(config, $"\"{key}\": (\\[)?[0-9a-z]+", m => $"\"{key}\": {m.Groups[1].Value}VALUE");

    private static Dictionary<string, FieldLimitCase> Build()
    {
        FieldLimitCase[] cases =
        [
            // ---- inline models ----
            new("num_hidden_layers", "model.num_hidden_layers", FieldLimits.Layers, true, ".yaml", Inline(Dense.Replace("num_hidden_layers: 1", "num_hidden_layers: VALUE", StringComparison.Ordinal))),
            new("hidden_size", "model.hidden_size", FieldLimits.HiddenSize, true, ".yaml", Inline(Dense.Replace("hidden_size: 64", "hidden_size: VALUE, head_dim: 64", StringComparison.Ordinal))),
            new("num_attention_heads", "model.num_attention_heads", FieldLimits.AttentionHeads, true, ".yaml", Inline(Dense.Replace("num_attention_heads: 1", "num_attention_heads: VALUE, head_dim: 64", StringComparison.Ordinal))),
            new("num_key_value_heads", "model.num_key_value_heads", FieldLimits.AttentionHeads, true, ".yaml", Inline(Dense.Replace("num_attention_heads: 1", "num_attention_heads: 1024, num_key_value_heads: VALUE, head_dim: 64", StringComparison.Ordinal))),
            new("head_dim", "model.head_dim", FieldLimits.HeadDim, true, ".yaml", Inline(Dense + ", head_dim: VALUE")),
            new("qk_nope_head_dim", "model.qk_nope_head_dim", FieldLimits.HeadDim, true, ".yaml", Inline(Mla + ", kv_lora_rank: 8, qk_nope_head_dim: VALUE, qk_rope_head_dim: 8, v_head_dim: 8")),
            new("qk_rope_head_dim", "model.qk_rope_head_dim", FieldLimits.HeadDim, true, ".yaml", Inline(Mla + ", kv_lora_rank: 8, qk_nope_head_dim: 8, qk_rope_head_dim: VALUE, v_head_dim: 8")),
            new("v_head_dim", "model.v_head_dim", FieldLimits.HeadDim, true, ".yaml", Inline(Mla + ", kv_lora_rank: 8, qk_nope_head_dim: 8, qk_rope_head_dim: 8, v_head_dim: VALUE")),
            new("q_lora_rank", "model.q_lora_rank", FieldLimits.LoraRank, true, ".yaml", Inline(Mla + ", q_lora_rank: VALUE, kv_lora_rank: 8, qk_nope_head_dim: 8, qk_rope_head_dim: 8, v_head_dim: 8")),
            new("kv_lora_rank", "model.kv_lora_rank", FieldLimits.LoraRank, true, ".yaml", Inline(Mla + ", kv_lora_rank: VALUE, qk_nope_head_dim: 8, qk_rope_head_dim: 8, v_head_dim: 8")),
            new("intermediate_size", "model.intermediate_size", FieldLimits.FeedForwardWidth, true, ".yaml", Inline(Dense.Replace("intermediate_size: 64", "intermediate_size: VALUE", StringComparison.Ordinal))),
            new("moe_intermediate_size", "model.moe_intermediate_size", FieldLimits.FeedForwardWidth, true, ".yaml", Inline(Moe.Replace("moe_intermediate_size: 8", "moe_intermediate_size: VALUE", StringComparison.Ordinal))),
            new("shared_expert_intermediate_size", "model.shared_expert_intermediate_size", FieldLimits.FeedForwardWidthOrZero, true, ".yaml", Inline(Moe + ", shared_expert_intermediate_size: VALUE")),
            new("num_experts", "model.num_experts", FieldLimits.Experts, true, ".yaml", Inline(Dense + ", num_experts: VALUE, num_experts_per_tok: 1, moe_intermediate_size: 8, first_dense_layers: 1")),
            new("num_experts_per_tok", "model.num_experts_per_tok", FieldLimits.ExpertsPerToken, true, ".yaml", Inline(Moe.Replace("num_experts: 2, num_experts_per_tok: 1", "num_experts: 65536, num_experts_per_tok: VALUE", StringComparison.Ordinal))),
            new("num_shared_experts", "model.num_shared_experts", FieldLimits.SharedExperts, true, ".yaml", Inline(Moe + ", num_shared_experts: VALUE")),
            new("first_dense_layers", "model.first_dense_layers", FieldLimits.LayerCountOrZero, true, ".yaml", Inline(Moe.Replace("num_hidden_layers: 1", "num_hidden_layers: 1024", StringComparison.Ordinal) + ", intermediate_size: 8, first_dense_layers: VALUE")),
            new("vocab_size", "model.vocab_size", FieldLimits.Vocabulary, true, ".yaml", Inline(Dense.Replace("vocab_size: 2", "vocab_size: VALUE", StringComparison.Ordinal))),
            new("declared_parameters", "model.declared_parameters", FieldLimits.DeclaredParameters, false, ".yaml", Inline(Dense + ", declared_parameters: VALUE")),

            // ---- Hugging Face configs: the keys of their own ----
            new("num_local_experts", "num_local_experts", FieldLimits.Experts, true, ".json", """{"model_type": "mixtral", "num_hidden_layers": 1, "hidden_size": 64, "num_attention_heads": 1, "vocab_size": 2, "num_local_experts": VALUE, "num_experts_per_tok": 1, "intermediate_size": 8}"""),
            new("n_routed_experts", "n_routed_experts", FieldLimits.Experts, true, ".json", Config(DeepSeek, "n_routed_experts")),
            new("n_shared_experts", "n_shared_experts", FieldLimits.SharedExperts, true, ".json", Config(DeepSeek, "n_shared_experts")),
            new("first_k_dense_replace", "first_k_dense_replace", FieldLimits.LayerCountOrZero, true, ".json", Config(DeepSeek, "first_k_dense_replace")),
            new("moe_layer_freq", "moe_layer_freq", FieldLimits.LayerStep, true, ".json", Config(DeepSeek, "moe_layer_freq")),
            new("num_nextn_predict_layers", "num_nextn_predict_layers", FieldLimits.LayerCountOrZero, true, ".json", Config(DeepSeek, "num_nextn_predict_layers")),
            new("decoder_sparse_step", "decoder_sparse_step", FieldLimits.LayerStep, true, ".json", Config(QwenMoe, "decoder_sparse_step")),
            new("mlp_only_layers", "mlp_only_layers", FieldLimits.LayerIndex, true, ".json", Config(QwenMoe, "mlp_only_layers")),
            new("sliding_window", "sliding_window", FieldLimits.SlidingWindow, true, ".json", Config(Qwen2, "sliding_window")),
            new("max_window_layers", "max_window_layers", FieldLimits.LayerCountOrZero, true, ".json", Config(Qwen2, "max_window_layers")),

            // ---- inline GPUs ----
            new("memory_gb", "hardware.gpu.memory_gb", FieldLimits.MemoryGb, false, ".yaml", InlineGpu(Gpu.Replace("memory_gb: 80", "memory_gb: VALUE", StringComparison.Ordinal))),
            new("memory_bandwidth_tbps", "hardware.gpu.memory_bandwidth_tbps", FieldLimits.MemoryBandwidthTbps, false, ".yaml", InlineGpu(Gpu.Replace("memory_bandwidth_tbps: 3.35", "memory_bandwidth_tbps: VALUE", StringComparison.Ordinal))),
            new("tflops", "hardware.gpu.tflops", FieldLimits.Tflops, false, ".yaml", InlineGpu(Gpu.Replace("tflops: 989", "tflops: VALUE", StringComparison.Ordinal))),
            new("tflops (map)", "hardware.gpu.tflops.bf16", FieldLimits.Tflops, false, ".yaml", InlineGpu(Gpu.Replace("tflops: 989", "tflops: {bf16: VALUE}", StringComparison.Ordinal))),
            new("gpus_per_node", "hardware.gpu.gpus_per_node", FieldLimits.GpusPerNode, true, ".yaml", InlineGpu(Gpu + ", gpus_per_node: VALUE")),
            new("intra_node_gbps", "hardware.gpu.intra_node_gbps", FieldLimits.LinkGbps, false, ".yaml", InlineGpu(Gpu + ", intra_node_gbps: VALUE")),
            new("inter_node_gbps", "hardware.gpu.inter_node_gbps", FieldLimits.LinkGbps, false, ".yaml", InlineGpu(Gpu + ", inter_node_gbps: VALUE")),
            new("bandwidth_gbps", "hardware.gpu.intra_node.bandwidth_gbps", FieldLimits.LinkGbps, false, ".yaml", InlineGpu(Gpu + ", intra_node: {bandwidth_gbps: VALUE, latency_us: 3}")),
            new("intra_node_latency_us", "hardware.gpu.intra_node_latency_us", FieldLimits.LatencyUs, false, ".yaml", InlineGpu(Gpu + ", intra_node_latency_us: VALUE")),
            new("inter_node_latency_us", "hardware.gpu.inter_node_latency_us", FieldLimits.LatencyUs, false, ".yaml", InlineGpu(Gpu + ", inter_node_latency_us: VALUE")),
            new("latency_us", "hardware.gpu.inter_node.latency_us", FieldLimits.LatencyUs, false, ".yaml", InlineGpu(Gpu + ", inter_node: {bandwidth_gbps: 50, latency_us: VALUE}")),
            new("mfu", "hardware.gpu.mfu", FieldLimits.Efficiency, false, ".yaml", InlineGpu(Gpu + ", mfu: VALUE")),
            new("bandwidth_utilization", "hardware.gpu.bandwidth_utilization", FieldLimits.Efficiency, false, ".yaml", InlineGpu(Gpu + ", bandwidth_utilization: VALUE")),

            // ---- hardware, strategy, workload, requirements, claims ----
            new("hardware.gpus", "hardware.gpus", FieldLimits.Gpus, true, ".yaml", "model: qwen3-8b\nhardware: {gpu: h100-sxm, gpus: VALUE}\n"),
            new("hardware.gpus_per_node", "hardware.gpus_per_node", FieldLimits.GpusPerNode, true, ".yaml", "model: qwen3-8b\nhardware: {gpu: h100-sxm, gpus_per_node: VALUE}\n"),
            new("parallel.tp", "parallel.tp", FieldLimits.Degree, true, ".yaml", Scenario("parallel: {tp: VALUE}\n" + Tokens)),
            new("parallel.sp", "parallel.sp", FieldLimits.Degree, true, ".yaml", Scenario("parallel: {sp: VALUE}\n" + Tokens)),
            new("parallel.dp", "parallel.dp", FieldLimits.Degree, true, ".yaml", Scenario("parallel: {dp: VALUE}\n" + Tokens)),
            new("parallel.pp", "parallel.pp", FieldLimits.Degree, true, ".yaml", Scenario("parallel: {pp: VALUE}\n" + Tokens)),
            new("parallel.ep", "parallel.ep", FieldLimits.Degree, true, ".yaml", Scenario("parallel: {ep: VALUE}\n" + Tokens)),
            new("parallel.replicas", "parallel.replicas", FieldLimits.Degree, true, ".yaml", Scenario("parallel: {replicas: VALUE}\n" + Tokens)),
            new("parallel.redundant_experts", "parallel.redundant_experts", FieldLimits.RedundantExperts, true, ".yaml", Scenario("parallel: {redundant_experts: VALUE}\n" + Tokens)),
            new("workload.input_tokens", "workload.input_tokens", FieldLimits.Tokens, true, ".yaml", Scenario("workload: {input_tokens: VALUE}\n")),
            new("workload.input_tokens (min)", "workload.input_tokens.min", FieldLimits.Tokens, true, ".yaml", Scenario("workload: {input_tokens: {min: VALUE, max: 16777216}}\n")),
            new("workload.input_tokens (max)", "workload.input_tokens.max", FieldLimits.Tokens, true, ".yaml", Scenario("workload: {input_tokens: {min: 1, max: VALUE}}\n")),
            new("workload.output_tokens", "workload.output_tokens", FieldLimits.Tokens, true, ".yaml", Scenario("workload: {output_tokens: VALUE}\n")),
            new("workload.concurrency", "workload.concurrency", FieldLimits.Concurrency, true, ".yaml", Scenario("workload: {concurrency: VALUE}\n")),
            new("workload.burst", "workload.burst", FieldLimits.Concurrency, true, ".yaml", Scenario("workload: {burst: VALUE}\n")),
            new("workload.request_rate", "workload.request_rate", FieldLimits.RequestRate, false, ".yaml", Scenario("workload: {request_rate: VALUE}\n")),
            new("workload.burstiness", "workload.burstiness", FieldLimits.Burstiness, false, ".yaml", Scenario("workload: {request_rate: 1, burstiness: VALUE}\n")),
            new("workload.requests", "workload.requests", FieldLimits.SimulatedRequests, true, ".yaml", Scenario("workload: {request_rate: 1, requests: VALUE}\n")),
            new("workload.seed", "workload.seed", FieldLimits.Seed, true, ".yaml", Scenario("workload: {request_rate: 1, seed: VALUE}\n")),
            new("workload.input_tokens.mean", "workload.input_tokens.mean", FieldLimits.Tokens, false, ".yaml", Scenario("workload: {input_tokens: {distribution: lognormal, mean: VALUE, sigma: 0, max: 16777216}}\n")),
            new("workload.input_tokens.sigma", "workload.input_tokens.sigma", FieldLimits.LogSigma, false, ".yaml", Scenario("workload: {input_tokens: {distribution: lognormal, mean: 100, sigma: VALUE, max: 16777216}}\n")),
            new("requirements.ttft_ms", "requirements.ttft_ms", FieldLimits.Milliseconds, false, ".yaml", Scenario("requirements: {ttft_ms: VALUE}\n")),
            new("requirements.ttft_ms.p90", "requirements.ttft_ms.p90", FieldLimits.Milliseconds, false, ".yaml", Scenario("requirements: {ttft_ms: {p90: VALUE}}\n")),
            new("requirements.e2e_ms", "requirements.e2e_ms", FieldLimits.Milliseconds, false, ".yaml", Scenario("requirements: {e2e_ms: VALUE}\n")),
            new("requirements.tpot_ms", "requirements.tpot_ms", FieldLimits.Milliseconds, false, ".yaml", Scenario("requirements: {tpot_ms: VALUE}\n")),
            new("requirements.min_output_tokens_per_s_per_gpu", "requirements.min_output_tokens_per_s_per_gpu", FieldLimits.TokensPerSecondPerGpu, false, ".yaml", Scenario("requirements: {min_output_tokens_per_s_per_gpu: VALUE}\n")),
            new("requirements.max_memory_utilization", "requirements.max_memory_utilization", FieldLimits.MemoryUtilization, false, ".yaml", Scenario("requirements: {max_memory_utilization: VALUE}\n")),
            new("claims", "claims.ttft_ms", FieldLimits.Claim, false, ".yaml", Scenario("claims: {ttft_ms: VALUE}\n")),
        ];
        return cases.ToDictionary(c => c.DocKey, StringComparer.Ordinal);
    }
}
