using ParaPlan.Domain;

namespace ParaPlan.CostModel.Physics;

/// <summary>
/// How many GPU kernels each operator of a layer launches, each paying the profile's fixed
/// <c>kernel_launch_us</c> however little it computes. Counted from vLLM's model code (the engines' layers are
/// built alike): a Llama decoder layer runs a fused add-RMSNorm, the QKV GEMM, rotary embedding, the KV-cache write,
/// the attention kernel, the output GEMM, a second fused add-RMSNorm, the gate-up GEMM, SiluAndMul and the down GEMM
/// (vllm/model_executor/models/llama.py); DeepSeek's MLA adds the q_a/kv_a down-projections, their RMSNorms and the
/// absorbed W_UK/W_UV batched GEMMs (deepseek_v2.py, MLA decode path); the router is a GEMM and a top-k softmax
/// (fused_moe/layer.py). The fused-MoE expert kernels' fixed time is the profile's <c>moe_kernel_us</c> instead,
/// taken from grouped-GEMM microbenchmarks that time them together.
/// </summary>
internal static class KernelCounts
{
    /// <summary>The Q, K, V projections: one fused GEMM (GQA); MLA's q_a, q_b, kv_a GEMMs and the W_UK absorb.</summary>
    public static int QkvProjection(AttentionSpec attention) => attention is MultiHeadLatentAttention ? 4 : 1;

    /// <summary>Rotary embedding, KV-cache write, the attention kernel (MLA also its two latent RMSNorms).</summary>
    public static int Attention(AttentionSpec attention) => attention is MultiHeadLatentAttention ? 5 : 3;

    /// <summary>The output GEMM (MLA: the W_UV batched GEMM first).</summary>
    public static int OutputProjection(AttentionSpec attention) => attention is MultiHeadLatentAttention ? 2 : 1;

    /// <summary>The two fused add-RMSNorms of a layer.</summary>
    public const int Norms = 2;

    /// <summary>Gate-up GEMM, SiluAndMul, down GEMM (a dense FFN or a shared expert).</summary>
    public const int GatedFfn = 3;

    /// <summary>The router GEMM and its top-k softmax.</summary>
    public const int Router = 2;

    /// <summary>
    /// The activation quantisation before each GEMM that runs in 8 or 4 bits (vLLM's scaled_fp8_quant or
    /// per_token_group_quant_fp8 ahead of an FP8 linear layer, fp8_utils.py / w8a8_utils.py).
    /// </summary>
    public const int ActivationQuantisation = 1;

    /// <summary>One GEMM (the LM head) or one lookup (the embedding).</summary>
    public const int Single = 1;
}
