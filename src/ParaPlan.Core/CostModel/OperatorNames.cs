namespace ParaPlan.CostModel;

/// <summary>
/// The names of the cost model's operators. The estimator reports them in its breakdown and the DAG builder reads
/// them back from the same per-operator description, so both always name (and time) the same operators.
/// </summary>
public static class OperatorNames
{
    public const string QkvProjection = "qkv_projection";
    public const string AttentionPrefill = "attention (prefill)";
    public const string AttentionDecode = "attention (decode, KV read)";
    public const string AttentionPrefillWindowed = "attention (prefill, sliding window)";
    public const string AttentionDecodeWindowed = "attention (decode, sliding-window KV read)";
    public const string OutputProjection = "output_projection";
    public const string Norms = "norms, residual, rope, activation";
    public const string TpAllReduceAttention = "all_reduce (tp, attention)";
    public const string SpRing = "send/recv (sp, K/V ring)";
    public const string SpGather = "all_gather (sp, partial attention)";
    public const string DenseFfn = "ffn (dense)";
    public const string TpAllReduceFfn = "all_reduce (tp, ffn)";
    public const string Router = "router";
    public const string RoutedExperts = "expert (routed, busiest EP rank)";
    public const string SharedExperts = "expert (shared)";
    public const string MoeAllReduce = "all_reduce (moe)";
    public const string Dispatch = "all_to_all (ep dispatch)";
    public const string Combine = "all_to_all (ep combine)";
    public const string TpAllReduceShared = "all_reduce (tp, shared expert)";
    public const string MoeAllGather = "all_gather (moe input)";
    public const string MoeReduceScatter = "reduce_scatter (moe output)";
    public const string Embedding = "embedding";
    public const string LmHead = "lm_head";
    public const string PpSend = "send/recv (pp)";
    public const string LayerOverhead = "per-layer engine overhead";
    public const string MoeLayerOverhead = "per-MoE-layer engine overhead (routing, permutation)";
}
