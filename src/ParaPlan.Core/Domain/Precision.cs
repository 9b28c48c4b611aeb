namespace ParaPlan.Domain;

/// <summary>
/// The number formats of one deployment: stored weights, activations (and the GEMM inputs), and the KV cache.
/// <see cref="Weights"/> is the format of every module the precision does not name on its own; a module's own format
/// (<see cref="Attention"/>, <see cref="Experts"/>, <see cref="Dense"/>, <see cref="Embeddings"/>) replaces it for
/// that module (gpt-oss: bf16 weights, mxfp4 experts).
/// </summary>
public sealed record Precision(NumericFormat Weights, NumericFormat Activations, NumericFormat KvCache)
{
    /// <summary>The attention projections' format when stated on its own (null: <see cref="Weights"/>).</summary>
    public NumericFormat? Attention { get; init; }

    /// <summary>The routed experts' format when stated on its own (null: <see cref="Weights"/>).</summary>
    public NumericFormat? Experts { get; init; }

    /// <summary>The dense FFN and shared experts' format when stated on its own (null: <see cref="Weights"/>).</summary>
    public NumericFormat? Dense { get; init; }

    /// <summary>
    /// The input embedding and LM head's format when stated on its own (null: the weights' format when it is 16-bit,
    /// else bf16: quantised checkpoints keep them in 16-bit).
    /// </summary>
    public NumericFormat? Embeddings { get; init; }

    /// <summary>The format the attention projections are stored in.</summary>
    public NumericFormat AttentionWeights => Attention ?? Weights;

    /// <summary>The format the routed experts are stored in.</summary>
    public NumericFormat ExpertWeights => Experts ?? Weights;

    /// <summary>The format the dense FFN and shared experts are stored in.</summary>
    public NumericFormat DenseWeights => Dense ?? Weights;

    /// <summary>
    /// The format the input embedding and LM head are stored in: 16-bit unless stated (FP8 checkpoints from ModelOpt,
    /// DeepSeek and Qwen quantise only the layer GEMMs).
    /// </summary>
    public NumericFormat EmbeddingWeights => Embeddings ?? (Weights.BytesPerElement() >= 2.0 ? Weights : NumericFormat.Bf16);

    /// <summary>True when some module's format differs from <see cref="Weights"/> (or the embeddings' is stated).</summary>
    public bool IsPerModule =>
        AttentionWeights != Weights || ExpertWeights != Weights || DenseWeights != Weights || Embeddings is not null;

    /// <summary>The formats the layer GEMMs' weights are stored in (<see cref="Weights"/> first), each once.</summary>
    public IReadOnlyList<NumericFormat> LayerWeightFormats =>
        [.. new[] { Weights, AttentionWeights, ExpertWeights, DenseWeights }.Distinct()];

    /// <summary>The weights' formats in words: "fp8", or "bf16 (experts mxfp4)" when a module has its own.</summary>
    public string DescribeWeights()
    {
        if (!IsPerModule)
        {
            return Weights.FileName();
        }

        var parts = new List<string>();
        if (AttentionWeights != Weights)
        {
            parts.Add($"attention {AttentionWeights.FileName()}");
        }

        if (ExpertWeights != Weights)
        {
            parts.Add($"experts {ExpertWeights.FileName()}");
        }

        if (DenseWeights != Weights)
        {
            parts.Add($"dense FFN and shared experts {DenseWeights.FileName()}");
        }

        if (Embeddings is { } embeddings)
        {
            parts.Add($"embeddings and LM head {embeddings.FileName()}");
        }

        return $"{Weights.FileName()} ({string.Join(", ", parts)})";
    }

    /// <summary>
    /// The contract's KV-cache default: bf16 when the weights are 8-bit or less, else the weights' own type.
    /// </summary>
    public static NumericFormat DefaultKvCache(NumericFormat weights) =>
        weights.BytesPerElement() <= 1.0 ? NumericFormat.Bf16 : weights;

    /// <summary>Activations run in 16-bit unless the weights are fp16 (then fp16).</summary>
    public static NumericFormat DefaultActivations(NumericFormat weights) =>
        weights == NumericFormat.Fp16 ? NumericFormat.Fp16 : NumericFormat.Bf16;
}
