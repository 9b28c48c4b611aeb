namespace ParaPlan.CostModel.Profiles;

/// <summary>
/// How close one engine on one GPU gets to the hardware's peaks, and the engine settings that shape a run. Every
/// value comes from data/efficiency/profiles.json, where each one carries its source: fitted to kernel
/// microbenchmarks (data/kernels/), fitted end to end within a cited range, an engine default read from its source,
/// or an assumption that says so. docs/cost-model.md, section 8.
/// </summary>
public sealed record EfficiencyProfile
{
    // ---- dense GEMMs (kernel microbenchmarks per architecture) ----

    /// <summary>Fraction of the 16-bit peak a large 16-bit GEMM reaches (M in the thousands).</summary>
    public required double GemmComputeEfficiency { get; init; }

    /// <summary>Fraction of the 8-bit peak a large FP8/INT8 GEMM reaches (block or per-tensor scaled).</summary>
    public required double Gemm8BitComputeEfficiency { get; init; }

    /// <summary>Fraction of the 4-bit peak a large FP4 GEMM reaches.</summary>
    public required double Gemm4BitComputeEfficiency { get; init; }

    /// <summary>
    /// Rows (tokens) at which a GEMM reaches half of its large-M efficiency: efficiency(M) = max x M / (M + this).
    /// </summary>
    public required double GemmHalfEfficiencyTokens { get; init; }

    /// <summary>
    /// Reduction depth K at which a GEMM reaches half of its efficiency at that M: efficiency x K / (K + this)
    /// (<see cref="Physics.OperatorTime.Depth"/>); 0 for none.
    /// </summary>
    public required double GemmHalfEfficiencyDepth { get; init; }

    /// <summary>Fraction of peak HBM bandwidth a kernel streaming weights (a GEMM at small M, a norm) reaches.</summary>
    public required double MemoryBandwidthEfficiency { get; init; }

    /// <summary>
    /// Fixed time of one kernel however small its work (its launch inside a CUDA graph, the ramp to full bandwidth,
    /// the tail), microseconds: what makes a decode step at batch 1 slower than its bytes alone.
    /// </summary>
    public required double KernelLaunchUs { get; init; }

    // ---- MoE expert GEMMs (the engine's fused-MoE kernels) ----

    /// <summary>Fraction of peak tensor throughput the grouped expert GEMMs reach at large rows per expert.</summary>
    public required double MoeGemmComputeEfficiency { get; init; }

    /// <summary>Rows per expert at which a grouped expert GEMM reaches half of <see cref="MoeGemmComputeEfficiency"/>.</summary>
    public required double MoeGemmHalfEfficiencyTokens { get; init; }

    /// <summary>Fraction of peak HBM bandwidth the grouped expert GEMMs reach when they stream expert weights (small M per expert).</summary>
    public required double MoeMemoryBandwidthEfficiency { get; init; }

    /// <summary>Fixed time of one MoE layer's expert kernels (routing sort, the grouped GEMMs' launches, the reduction), microseconds.</summary>
    public required double MoeKernelUs { get; init; }

    /// <summary>Fixed time per expert a grouped GEMM processes (tile scheduling, the partly filled last tile), microseconds.</summary>
    public required double ExpertOverheadUs { get; init; }

    // ---- attention ----

    /// <summary>Fraction of peak 16-bit tensor throughput prefill attention reaches on long sequences.</summary>
    public required double AttentionComputeEfficiency { get; init; }

    /// <summary>Sequence length at which prefill attention reaches half of <see cref="AttentionComputeEfficiency"/>.</summary>
    public required double AttentionHalfEfficiencyTokens { get; init; }

    /// <summary>Fraction of peak HBM bandwidth decode attention reaches reading the KV cache.</summary>
    public required double AttentionKvBandwidthEfficiency { get; init; }

    // ---- collectives ----

    /// <summary>Fraction of the link bandwidth a collective reaches inside a node (bus bandwidth / link bandwidth).</summary>
    public required double IntraNodeLinkEfficiency { get; init; }

    /// <summary>Fraction of the network bandwidth a collective reaches between nodes.</summary>
    public required double InterNodeLinkEfficiency { get; init; }

    /// <summary>Fixed time of one collective call (launch, synchronisation, the one-shot kernels of small messages), microseconds.</summary>
    public required double CollectiveOverheadUs { get; init; }

    /// <summary>Further fixed time of a collective whose group spans nodes (the network's protocol handshakes and proxy thread), microseconds.</summary>
    public required double InterNodeCollectiveUs { get; init; }

    // ---- the engine's serving loop (fitted end to end, each inside a cited range) ----

    /// <summary>Fixed time per engine iteration (scheduling, sampling, launches not hidden by CUDA graphs), ms.</summary>
    public required double StepOverheadMs { get; init; }

    /// <summary>Extra time per decoder layer per iteration beyond the counted kernels, microseconds.</summary>
    public required double LayerOverheadUs { get; init; }

    /// <summary>Extra time per MoE layer per iteration beyond the counted kernels and the fused-MoE kernels' own (routing top-k, permutation, the reduction), microseconds.</summary>
    public required double MoeLayerOverheadUs { get; init; }

    /// <summary>CPU time per running sequence per decode step in the engine (scheduling, sampling, detokenising), microseconds.</summary>
    public required double SequenceOverheadUs { get; init; }

    /// <summary>Fixed latency a request spends outside the engine loop before its first token (HTTP, tokenising), ms.</summary>
    public required double RequestOverheadMs { get; init; }

    // ---- engine settings ----

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
    /// True when the engine overlaps the MoE all-to-all of one half of the batch with the other half's compute
    /// (SGLang's two-batch overlap, <c>--enable-two-batch-overlap</c>): a plan relying on it launches with the flag.
    /// </summary>
    public required bool MoeCommunicationOverlap { get; init; }

    /// <summary>
    /// With <see cref="MoeCommunicationOverlap"/>, the share of min(a layer's exchange, its compute) the overlap
    /// actually hides (1 = all of it): the two halves of the batch contend for SMs and memory, and each half's GEMMs are
    /// smaller (docs/cost-model.md, section 5).
    /// </summary>
    public double MoeOverlapEfficiency { get; init; } = 1;

    /// <summary>
    /// True when the engine's scheduler prepares step n+1 on the CPU while the GPU runs step n (SGLang's overlap
    /// scheduler, TensorRT-LLM's PyTorch-backend overlap scheduler): a step then takes max(GPU time, CPU work), not
    /// their sum (docs/cost-model.md, section 6).
    /// </summary>
    public bool CpuStepOverlap { get; init; }

    /// <summary>
    /// The step overhead a prompt chunk and a decode step would both count when they share one engine step, to be
    /// counted once: the whole step overhead when CPU work adds to the GPU's, none when an overlap scheduler hides it.
    /// </summary>
    public double SharedStepOverheadMs => CpuStepOverlap ? 0 : StepOverheadMs;

    /// <summary>Seconds a step's CPU work of <paramref name="cpuSeconds"/> adds to its GPU time of <paramref name="gpuSeconds"/>.</summary>
    public double ExposedCpuSeconds(double cpuSeconds, double gpuSeconds) => CpuStepOverlap ? Math.Max(0, cpuSeconds - gpuSeconds) : cpuSeconds;

    /// <summary>
    /// CPU time one API-server process of the engine spends per token it streams (detokenising, the server-sent
    /// event, the HTTP write), microseconds: what sizes the front end of a deployment (API-server processes per
    /// instance, e.g. vLLM <c>--api-server-count</c>) and, in validation, the server's share of a served run's
    /// front-end lane. A benchmark client's own cost is not in it (that is the harness's, per source).
    /// </summary>
    public required double ApiServerTokenUs { get; init; }

    /// <summary>
    /// CPU time one API-server process spends per request (HTTP parsing, tokenising the prompt, handing it to the
    /// engine), ms: admissions share the process with the streaming.
    /// </summary>
    public required double ApiServerRequestMs { get; init; }

    /// <summary>
    /// Fraction of a running request's remaining output its engine keeps room for in the KV pool when admitting new
    /// requests (a new request needs room for its prompt and its whole output besides): 0 for vLLM V1 (admits on the
    /// prompt, preempts when the pool runs out), 0.7 falling to <see cref="KvReserveFloor"/> for SGLang's
    /// new_token_ratio.
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

    /// <summary>Which profile entries were combined (e.g. "trtllm/h100-sxm over generic/*").</summary>
    public required string Name { get; init; }

    /// <summary>The large-GEMM efficiency of a GEMM that runs in <paramref name="runsIn"/>: its 16-, 8- or 4-bit fraction of that format's peak.</summary>
    public double GemmEfficiencyFor(Domain.NumericFormat runsIn) => Domain.NumericFormats.BytesPerElement(runsIn) switch
    {
        < 1.0 => Gemm4BitComputeEfficiency,
        < 2.0 => Gemm8BitComputeEfficiency,
        _ => GemmComputeEfficiency,
    };

    /// <summary>The names of the numeric values (as in the data file) <see cref="Get"/> and <see cref="With"/> take.</summary>
    public static IReadOnlyList<string> NumericKeys { get; } =
    [
        "gemm_compute_efficiency", "gemm_8bit_compute_efficiency", "gemm_4bit_compute_efficiency", "gemm_half_efficiency_tokens",
        "gemm_half_efficiency_depth", "memory_bandwidth_efficiency", "kernel_launch_us", "moe_gemm_compute_efficiency", "moe_gemm_half_efficiency_tokens",
        "moe_memory_bandwidth_efficiency", "moe_kernel_us", "expert_overhead_us", "attention_compute_efficiency",
        "attention_half_efficiency_tokens", "attention_kv_bandwidth_efficiency", "intra_node_link_efficiency", "inter_node_link_efficiency",
        "collective_overhead_us", "inter_node_collective_us", "step_overhead_ms", "layer_overhead_us", "moe_layer_overhead_us", "sequence_overhead_us", "request_overhead_ms",
        "api_server_token_us", "api_server_request_ms",
    ];

    /// <summary>This profile with one numeric value (named as in the data file) replaced.</summary>
    public EfficiencyProfile With(string key, double value) => key switch
    {
        "gemm_compute_efficiency" => this with { GemmComputeEfficiency = value },
        "gemm_8bit_compute_efficiency" => this with { Gemm8BitComputeEfficiency = value },
        "gemm_4bit_compute_efficiency" => this with { Gemm4BitComputeEfficiency = value },
        "gemm_half_efficiency_tokens" => this with { GemmHalfEfficiencyTokens = value },
        "gemm_half_efficiency_depth" => this with { GemmHalfEfficiencyDepth = value },
        "memory_bandwidth_efficiency" => this with { MemoryBandwidthEfficiency = value },
        "kernel_launch_us" => this with { KernelLaunchUs = value },
        "moe_gemm_compute_efficiency" => this with { MoeGemmComputeEfficiency = value },
        "moe_gemm_half_efficiency_tokens" => this with { MoeGemmHalfEfficiencyTokens = value },
        "moe_memory_bandwidth_efficiency" => this with { MoeMemoryBandwidthEfficiency = value },
        "moe_kernel_us" => this with { MoeKernelUs = value },
        "expert_overhead_us" => this with { ExpertOverheadUs = value },
        "attention_compute_efficiency" => this with { AttentionComputeEfficiency = value },
        "attention_half_efficiency_tokens" => this with { AttentionHalfEfficiencyTokens = value },
        "attention_kv_bandwidth_efficiency" => this with { AttentionKvBandwidthEfficiency = value },
        "intra_node_link_efficiency" => this with { IntraNodeLinkEfficiency = value },
        "inter_node_link_efficiency" => this with { InterNodeLinkEfficiency = value },
        "collective_overhead_us" => this with { CollectiveOverheadUs = value },
        "inter_node_collective_us" => this with { InterNodeCollectiveUs = value },
        "step_overhead_ms" => this with { StepOverheadMs = value },
        "layer_overhead_us" => this with { LayerOverheadUs = value },
        "moe_layer_overhead_us" => this with { MoeLayerOverheadUs = value },
        "sequence_overhead_us" => this with { SequenceOverheadUs = value },
        "request_overhead_ms" => this with { RequestOverheadMs = value },
        "api_server_token_us" => this with { ApiServerTokenUs = value },
        "api_server_request_ms" => this with { ApiServerRequestMs = value },
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "not a numeric profile value a fit may set"),
    };

    /// <summary>The value of one numeric key (named as in the data file).</summary>
    public double Get(string key) => key switch
    {
        "gemm_compute_efficiency" => GemmComputeEfficiency,
        "gemm_8bit_compute_efficiency" => Gemm8BitComputeEfficiency,
        "gemm_4bit_compute_efficiency" => Gemm4BitComputeEfficiency,
        "gemm_half_efficiency_tokens" => GemmHalfEfficiencyTokens,
        "gemm_half_efficiency_depth" => GemmHalfEfficiencyDepth,
        "memory_bandwidth_efficiency" => MemoryBandwidthEfficiency,
        "kernel_launch_us" => KernelLaunchUs,
        "moe_gemm_compute_efficiency" => MoeGemmComputeEfficiency,
        "moe_gemm_half_efficiency_tokens" => MoeGemmHalfEfficiencyTokens,
        "moe_memory_bandwidth_efficiency" => MoeMemoryBandwidthEfficiency,
        "moe_kernel_us" => MoeKernelUs,
        "expert_overhead_us" => ExpertOverheadUs,
        "attention_compute_efficiency" => AttentionComputeEfficiency,
        "attention_half_efficiency_tokens" => AttentionHalfEfficiencyTokens,
        "attention_kv_bandwidth_efficiency" => AttentionKvBandwidthEfficiency,
        "intra_node_link_efficiency" => IntraNodeLinkEfficiency,
        "inter_node_link_efficiency" => InterNodeLinkEfficiency,
        "collective_overhead_us" => CollectiveOverheadUs,
        "inter_node_collective_us" => InterNodeCollectiveUs,
        "step_overhead_ms" => StepOverheadMs,
        "layer_overhead_us" => LayerOverheadUs,
        "moe_layer_overhead_us" => MoeLayerOverheadUs,
        "sequence_overhead_us" => SequenceOverheadUs,
        "request_overhead_ms" => RequestOverheadMs,
        "api_server_token_us" => ApiServerTokenUs,
        "api_server_request_ms" => ApiServerRequestMs,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "not a numeric profile value"),
    };
}
