namespace ParaPlan.Kernels;

/// <summary>
/// One published kernel or collective measurement (data/kernels/*.json, docs/kernels.md): the operation, the GPU, the
/// kernel and its family, the number format, the shape and the measured time.
/// </summary>
public sealed record KernelMeasurement
{
    public required string Id { get; init; }

    /// <summary>gemm, grouped_gemm, attention_prefill, attention_decode, all_reduce, all_gather, reduce_scatter, all_to_all_*.</summary>
    public required string Op { get; init; }

    /// <summary>The GPU's catalog id; null for a chip the catalog does not have (the row documents it only).</summary>
    public string? Gpu { get; init; }

    public string Kernel { get; init; } = string.Empty;

    public string Family { get; init; } = string.Empty;

    /// <summary>vllm, sglang, trtllm, or any: which engine ships the kernel by default for this operation.</summary>
    public string EngineFamily { get; init; } = "any";

    public string Dtype { get; init; } = string.Empty;

    /// <summary>Shape fields (m, n, k; tokens, experts_total, top_k, ...), as numbers.</summary>
    public required IReadOnlyDictionary<string, double> Shape { get; init; }

    /// <summary>Attention: causal mask.</summary>
    public bool Causal { get; init; }

    /// <summary>Grouped GEMM: what the timed region covers (e.g. gemm1+act+gemm2).</summary>
    public string Includes { get; init; } = string.Empty;

    /// <summary>The measured (or, when the row says so, derived) time, microseconds.</summary>
    public required double TimeUs { get; init; }

    public string Source { get; init; } = string.Empty;

    /// <summary>The shape value <paramref name="key"/>, or <paramref name="fallback"/>.</summary>
    public double Get(string key, double fallback = double.NaN) => Shape.TryGetValue(key, out double v) ? v : fallback;
}
