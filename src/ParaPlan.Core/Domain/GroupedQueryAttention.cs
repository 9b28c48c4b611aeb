namespace ParaPlan.Domain;

/// <summary>
/// Multi-head attention with <c>KeyValueHeadCount</c> shared key/value heads (MHA when equal to the query heads,
/// MQA when 1): projections Q (h x H*d), K and V (h x KV*d each), O (H*d x h).
/// </summary>
public sealed record GroupedQueryAttention : AttentionSpec
{
    public GroupedQueryAttention(int headCount, int keyValueHeadCount, int headDim, bool hasQkvBias = false, bool hasQkNorm = false, bool hasOutputBias = false, bool hasAttentionSinks = false)
    {
        HeadCount = Guard.Positive(headCount, nameof(headCount));
        KeyValueHeadCount = Guard.Positive(keyValueHeadCount, nameof(keyValueHeadCount));
        HeadDim = Guard.Positive(headDim, nameof(headDim));
        if (headCount % keyValueHeadCount != 0)
        {
            throw new ArgumentException(
                $"keyValueHeadCount {keyValueHeadCount} must divide headCount {headCount}.", nameof(keyValueHeadCount));
        }

        HasQkvBias = hasQkvBias;
        HasQkNorm = hasQkNorm;
        HasOutputBias = hasOutputBias;
        HasAttentionSinks = hasAttentionSinks;
    }

    public override int HeadCount { get; }

    public override int KeyValueHeadCount { get; }

    public int HeadDim { get; }

    /// <summary>Biases on the Q, K and V projections (Qwen2).</summary>
    public bool HasQkvBias { get; }

    /// <summary>RMSNorm over each query and key head (Qwen3).</summary>
    public bool HasQkNorm { get; }

    /// <summary>A bias on the output projection (gpt-oss: <c>attention_bias</c> puts biases on q, k, v and o).</summary>
    public bool HasOutputBias { get; }

    /// <summary>
    /// One learned logit per query head that only enlarges the softmax denominator (gpt-oss's attention sinks,
    /// <c>self_attn.sinks</c>): H parameters, no value vector, negligible compute and memory.
    /// </summary>
    public bool HasAttentionSinks { get; }

    public override int QueryKeyHeadDim => HeadDim;

    public override int ValueHeadDim => HeadDim;

    public override string Kind =>
        KeyValueHeadCount == HeadCount ? "MHA" : KeyValueHeadCount == 1 ? "MQA" : "GQA";

    public override long Parameters(int hiddenSize)
    {
        long h = hiddenSize;
        long q = (long)HeadCount * HeadDim;
        long kv = (long)KeyValueHeadCount * HeadDim;
        return checked((h * q) + (2 * h * kv) + (q * h) + NonMatmulParameters(hiddenSize));
    }

    public override long NonMatmulParameters(int hiddenSize)
    {
        long bias = HasQkvBias ? ((long)HeadCount * HeadDim) + (2L * KeyValueHeadCount * HeadDim) : 0;
        long norms = HasQkNorm ? 2L * HeadDim : 0;
        long outputBias = HasOutputBias ? hiddenSize : 0;
        long sinks = HasAttentionSinks ? HeadCount : 0;
        return bias + norms + outputBias + sinks;
    }

    public override long KvCacheElementsPerTokenPerLayer => 2L * KeyValueHeadCount * HeadDim;
}
