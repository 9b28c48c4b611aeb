namespace ParaPlan.CostModel.Profiles;

/// <summary>
/// How close one engine on one GPU gets to the hardware's peaks, and the engine settings that shape a run. Every
/// value comes from data/efficiency/profiles.json, where each one carries its source (measured, fitted, assumed).
/// </summary>
public sealed record EfficiencyProfile
{
    /// <summary>Fraction of peak tensor throughput a large GEMM reaches (M in the thousands).</summary>
    public required double GemmComputeEfficiency { get; init; }

    /// <summary>
    /// Rows (tokens) at which a GEMM reaches half of <see cref="GemmComputeEfficiency"/>: efficiency(M) =
    /// max x M / (M + this). Small-M GEMMs are usually bandwidth-bound anyway; this shapes the ridge.
    /// </summary>
    public required double GemmHalfEfficiencyTokens { get; init; }

    /// <summary>
    /// Fraction of <see cref="GemmComputeEfficiency"/> a dense GEMM keeps when it runs in 8- or 4-bit (FP8, INT8, FP4)
    /// rather than 16-bit: block-scaled kernels and the activation quantisation before each GEMM reach less of the
    /// doubled peak than 16-bit GEMMs reach of theirs. 1 = the same fraction.
    /// </summary>
    public required double LowPrecisionGemmRatio { get; init; }

    /// <summary>Fraction of peak tensor throughput the grouped expert GEMMs of an MoE layer reach at large M.</summary>
    public required double MoeGemmComputeEfficiency { get; init; }

    /// <summary>Rows per expert at which a grouped expert GEMM reaches half of <see cref="MoeGemmComputeEfficiency"/>.</summary>
    public required double MoeGemmHalfEfficiencyTokens { get; init; }

    /// <summary>Fraction of peak HBM bandwidth the grouped expert GEMMs reach when they stream expert weights (small M per expert).</summary>
    public required double MoeMemoryBandwidthEfficiency { get; init; }

    /// <summary>Fraction of peak 16-bit tensor throughput the attention kernels reach in prefill.</summary>
    public required double AttentionComputeEfficiency { get; init; }

    /// <summary>Fraction of peak HBM bandwidth a streaming kernel (weights, KV cache) reaches.</summary>
    public required double MemoryBandwidthEfficiency { get; init; }

    /// <summary>Fraction of the link bandwidth a collective reaches inside a node (bus bandwidth / link bandwidth).</summary>
    public required double IntraNodeLinkEfficiency { get; init; }

    /// <summary>Fraction of the network bandwidth a collective reaches between nodes.</summary>
    public required double InterNodeLinkEfficiency { get; init; }

    /// <summary>Fixed time per engine iteration (scheduling, sampling, launches not hidden by CUDA graphs), ms.</summary>
    public required double StepOverheadMs { get; init; }

    /// <summary>Extra time per decoder layer per iteration (kernel launches and syncs), microseconds.</summary>
    public required double LayerOverheadUs { get; init; }

    /// <summary>CPU time per running sequence per decode step in the engine (scheduling, sampling, detokenising), microseconds.</summary>
    public required double SequenceOverheadUs { get; init; }

    /// <summary>
    /// CPU time one API-server process of the engine spends per token it streams (detokenising, the server-sent
    /// event, the HTTP write), microseconds: what sizes the front end of a deployment (API-server processes per
    /// instance, e.g. vLLM <c>--api-server-count</c>) and, in validation, the server's share of a served run's
    /// front-end lane. A benchmark client's own cost is not in it (that is the harness's, per source).
    /// </summary>
    public required double ApiServerTokenUs { get; init; }

    /// <summary>Fixed latency a request spends outside the GPU before its first token (HTTP, tokenising, scheduling), ms.</summary>
    public required double RequestOverheadMs { get; init; }

    /// <summary>
    /// Fixed time per expert a grouped GEMM processes (tile scheduling, the partly filled last tile, per-group
    /// setup), microseconds: what makes many small experts slower than few large ones at the same bytes.
    /// </summary>
    public required double ExpertOverheadUs { get; init; }

    /// <summary>Extra time per MoE layer per iteration (routing, permutation and the kernels around the experts), microseconds.</summary>
    public required double MoeLayerOverheadUs { get; init; }

    /// <summary>Prompt tokens one iteration of one model instance (or DP group) processes at most (chunked prefill).</summary>
    public required int MaxBatchedTokens { get; init; }

    /// <summary>Sequences one model instance (or DP group) runs at once at most (max_num_seqs / max_batch_size).</summary>
    public required int MaxRunningSequences { get; init; }

    /// <summary>
    /// True when the engine runs a step of new prompts alone, pausing decode (SGLang without --enable-mixed-chunk);
    /// false when each step carries the running sequences' decode tokens and prompt chunks together (vLLM V1
    /// chunked prefill, TensorRT-LLM in-flight batching).
    /// </summary>
    public required bool PrefillFirst { get; init; }

    /// <summary>
    /// CPU time one API-server process spends per request (HTTP parsing, tokenising the prompt, handing it to the
    /// engine), ms: admissions share the process with the streaming.
    /// </summary>
    public required double ApiServerRequestMs { get; init; }

    /// <summary>
    /// Fraction of a running request's remaining output its engine keeps room for in the KV pool when admitting new
    /// requests (a new request needs room for its prompt and its whole output besides): 0 for vLLM V1 (admits on the
    /// prompt, preempts when the pool runs out), 0.7 falling to <see cref="KvReserveFloor"/> for SGLang's
    /// new_token_ratio; 1 would be TensorRT-LLM's GUARANTEED_NO_EVICT, which its shipped profile leaves out (0: it
    /// admits too few against the modelled KV pool, docs/validation.md).
    /// </summary>
    public required double KvReserveInitial { get; init; }

    /// <summary>The reserved fraction after <see cref="KvReserveDecaySteps"/> decode steps.</summary>
    public required double KvReserveFloor { get; init; }

    /// <summary>Decode steps over which the reserved fraction falls from its initial value to its floor (0: constant).</summary>
    public required double KvReserveDecaySteps { get; init; }

    /// <summary>GPU memory taken by the runtime outside weights, KV cache and activations (CUDA context, NCCL, graphs), GB.</summary>
    public required double RuntimeReserveGb { get; init; }

    /// <summary>Where each value comes from, by JSON key.</summary>
    public required IReadOnlyDictionary<string, string> Sources { get; init; }

    /// <summary>The names of the values a fit may change, as in the data file.</summary>
    public static IReadOnlyList<string> FittableKeys { get; } =
    [
        "gemm_compute_efficiency", "low_precision_gemm_ratio", "moe_gemm_compute_efficiency", "attention_compute_efficiency",
        "memory_bandwidth_efficiency", "moe_memory_bandwidth_efficiency", "intra_node_link_efficiency", "step_overhead_ms", "layer_overhead_us",
        "moe_layer_overhead_us", "sequence_overhead_us", "request_overhead_ms", "expert_overhead_us",
    ];

    /// <summary>This profile with one value (named as in the data file) replaced.</summary>
    public EfficiencyProfile With(string key, double value) => key switch
    {
        "gemm_compute_efficiency" => this with { GemmComputeEfficiency = value },
        "low_precision_gemm_ratio" => this with { LowPrecisionGemmRatio = value },
        "moe_gemm_compute_efficiency" => this with { MoeGemmComputeEfficiency = value },
        "attention_compute_efficiency" => this with { AttentionComputeEfficiency = value },
        "memory_bandwidth_efficiency" => this with { MemoryBandwidthEfficiency = value },
        "moe_memory_bandwidth_efficiency" => this with { MoeMemoryBandwidthEfficiency = value },
        "intra_node_link_efficiency" => this with { IntraNodeLinkEfficiency = value },
        "inter_node_link_efficiency" => this with { InterNodeLinkEfficiency = value },
        "step_overhead_ms" => this with { StepOverheadMs = value },
        "layer_overhead_us" => this with { LayerOverheadUs = value },
        "moe_layer_overhead_us" => this with { MoeLayerOverheadUs = value },
        "sequence_overhead_us" => this with { SequenceOverheadUs = value },
        "expert_overhead_us" => this with { ExpertOverheadUs = value },
        "request_overhead_ms" => this with { RequestOverheadMs = value },
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "not a fittable profile value"),
    };

    /// <summary>The value of one fittable key.</summary>
    public double Get(string key) => key switch
    {
        "gemm_compute_efficiency" => GemmComputeEfficiency,
        "low_precision_gemm_ratio" => LowPrecisionGemmRatio,
        "moe_gemm_compute_efficiency" => MoeGemmComputeEfficiency,
        "attention_compute_efficiency" => AttentionComputeEfficiency,
        "memory_bandwidth_efficiency" => MemoryBandwidthEfficiency,
        "moe_memory_bandwidth_efficiency" => MoeMemoryBandwidthEfficiency,
        "intra_node_link_efficiency" => IntraNodeLinkEfficiency,
        "inter_node_link_efficiency" => InterNodeLinkEfficiency,
        "step_overhead_ms" => StepOverheadMs,
        "layer_overhead_us" => LayerOverheadUs,
        "moe_layer_overhead_us" => MoeLayerOverheadUs,
        "sequence_overhead_us" => SequenceOverheadUs,
        "expert_overhead_us" => ExpertOverheadUs,
        "request_overhead_ms" => RequestOverheadMs,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "not a fittable profile value"),
    };

    /// <summary>Which profile entries were combined (e.g. "trtllm/h100-sxm over generic/*").</summary>
    public required string Name { get; init; }
}
