using System.Globalization;
using System.Text.RegularExpressions;
using ParaPlan.Catalog;
using ParaPlan.Domain;

namespace ParaPlan.Validation;

/// <summary>How a measurement was taken, which decides what each measured figure is compared with.</summary>
public enum MeasurementMode
{
    /// <summary>One request, one output token: TTFT is one prefill.</summary>
    BatchOneLatency,

    /// <summary>A fixed batch prefilled and decoded together: output tokens/s = batch x output / latency.</summary>
    StaticBatch,

    /// <summary>A fixed batch; the reported TPOT is end-to-end latency / output tokens.</summary>
    FixedBatchLatency,

    /// <summary>Every request queued at once; the engine picks the batch (memory- or cap-limited).</summary>
    Offline,

    /// <summary>All requests sent at once to a server: mean TTFT and TPOT include the others' prefill.</summary>
    Burst,

    /// <summary>A fixed number of clients each sending the next request when the last finishes (steady state).</summary>
    ClosedLoop,

    /// <summary>Requests arriving at a rate (Poisson): simulated request by request; percentiles compared where stated.</summary>
    RequestRate,

    /// <summary>The prefill pool of a disaggregated deployment alone: prompt tokens/s per GPU (docs/disaggregation.md).</summary>
    PrefillOnly,

    /// <summary>The decode pool of a disaggregated deployment alone, at a stated batch: output tokens/s per GPU.</summary>
    DecodeOnly,
}

/// <summary>A record the cost model can express: the scenario to estimate and how to compare.</summary>
public sealed record MappedRecord(
    MeasurementRecord Record,
    Scenario Scenario,
    ParallelStrategy Strategy,
    MeasurementMode Mode,
    int? RunningCap,
    IReadOnlyList<string> Assumptions)
{
    /// <summary>
    /// TensorRT-LLM's KV pool: this fraction of the GPU memory left free once the weights are loaded and a forward
    /// pass has run (kv_cache_config.free_gpu_memory_fraction, 0.9 by default in tensorrt_llm/llmapi/llm_args.py
    /// KvCacheConfig and in trtllm-bench), or the fraction the run states ("kv fraction 0.8",
    /// "kv_cache_free_gpu_mem_fraction 0.90-0.95": the first figure); null for the other engines, whose pool is a
    /// fraction of the whole memory (vLLM gpu_memory_utilization, SGLang mem_fraction_static).
    /// </summary>
    public double? KvFreeMemoryFraction => Scenario.Engine != EngineKind.Trtllm
        ? null
        : RecordMapper.StatedKvFraction(Record.Notes) ?? 0.9;

    /// <summary>True when the run says its engine overlapped two micro-batches (SGLang --enable-two-batch-overlap, vLLM --enable-dbo, "TBO"/"two-batch overlap").</summary>
    public bool TwoBatchOverlap =>
        Record.Notes.Contains("two-batch-overlap", StringComparison.OrdinalIgnoreCase) || Record.Notes.Contains("two-batch overlap", StringComparison.OrdinalIgnoreCase)
        || Record.Notes.Contains("enable-dbo", StringComparison.OrdinalIgnoreCase) || Record.Notes.Contains("TBO", StringComparison.Ordinal);
}

/// <summary>
/// Turns a published measurement into a scenario, a strategy and a measurement mode, or says why it cannot
/// (disaggregated phases, speculative decoding, a missing input length, an architecture the model does not cover).
/// </summary>
public static partial class RecordMapper
{
    /// <summary>The records the model can express, mapped, in their order (the others are left out).</summary>
    public static List<MappedRecord> Expressible(IEnumerable<MeasurementRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var mapped = new List<MappedRecord>();
        foreach (MeasurementRecord record in records)
        {
            MappedRecord m = Map(record, out string? reason);
            if (reason is null)
            {
                mapped.Add(m);
            }
        }

        return mapped;
    }

    public static MappedRecord Map(MeasurementRecord record, out string? skipReason)
    {
        ArgumentNullException.ThrowIfNull(record);
        skipReason = Reason(record, out MeasurementMode mode);
        if (skipReason is not null)
        {
            return null!;
        }

        var assumptions = new List<string>();
        ModelArchitecture? model = Model(record, assumptions, out skipReason);
        if (model is null)
        {
            return null!;
        }

        string? gpuId = GpuId(record.Gpu);
        if (gpuId is null || !GpuCatalog.BuiltIn.TryGet(gpuId, out GpuSpec gpu))
        {
            skipReason = $"GPU '{record.Gpu}' is not in the catalog";
            return null!;
        }

        EngineKind? engine = Engine(record.Engine);
        if (engine is null)
        {
            skipReason = $"engine '{record.Engine}' has no efficiency profile";
            return null!;
        }

        Precision precision = ReadPrecision(record, engine.Value, assumptions);
        ParallelStrategy? strategy = Strategy(record, model, assumptions, out skipReason);
        if (strategy is null)
        {
            return null!;
        }

        (LengthDistribution ShareGptInput, LengthDistribution ShareGptOutput) sharegpt = LengthDistribution.ShareGpt();
        bool sharegptLengths = mode == MeasurementMode.RequestRate && (record.Isl is null || record.Osl is null) && IsShareGpt(record);
        if (sharegptLengths)
        {
            record = record with
            {
                Isl = record.Isl ?? (int)Math.Round(sharegpt.ShareGptInput.Mean),
                Osl = record.Osl ?? (int)Math.Round(sharegpt.ShareGptOutput.Mean),
            };
        }

        if (mode is MeasurementMode.PrefillOnly or MeasurementMode.DecodeOnly && record.Isl is not null && record.Osl is null)
        {
            // One pool: a prefill writes no output, and a decode pool's stated KV length is its context (osl 1 keeps it).
            record = record with { Osl = 1 };
        }

        if (record.Isl is not { } isl || record.Osl is not { } osl)
        {
            skipReason = "input or output length not stated";
            return null!;
        }

        int? cap = null;
        ConcurrencySetting concurrency;
        int? batch = ParseBatch(record.BatchSize, out bool perRank);
        switch (mode)
        {
            case MeasurementMode.BatchOneLatency:
                concurrency = ConcurrencySetting.Of(1);
                break;
            case MeasurementMode.StaticBatch or MeasurementMode.FixedBatchLatency:
                if (batch is null)
                {
                    skipReason = "batch size not stated";
                    return null!;
                }

                concurrency = ConcurrencySetting.Of(batch.Value);
                cap = batch.Value;
                break;
            case MeasurementMode.Offline:
                if (batch is { } b && perRank)
                {
                    cap = b;
                }

                concurrency = record.Concurrency is { } c ? ConcurrencySetting.Of(c) : ConcurrencySetting.Max;
                break;
            case MeasurementMode.RequestRate:
                concurrency = ConcurrencySetting.Max;
                break;
            case MeasurementMode.PrefillOnly:
                concurrency = ConcurrencySetting.Max;
                break;
            case MeasurementMode.DecodeOnly when batch is null:
                // A saturated decode pool that states no batch: as many sequences as its KV pool and running cap hold.
                concurrency = ConcurrencySetting.Max;
                break;
            case MeasurementMode.DecodeOnly:
                // The batch decoding at once: per rank or per GPU (one attention-DP group each), or the whole instance's.
                perRank |= record.BatchSize?.Contains("per GPU", StringComparison.Ordinal) == true;
                int decoding = perRank ? batch!.Value * (int)Math.Max(1, strategy!.Value.GpuCount / Math.Max(1, (long)strategy.Value.TensorParallel * strategy.Value.PipelineParallel)) : batch!.Value;
                concurrency = ConcurrencySetting.Of(decoding);
                cap = perRank ? batch.Value : null;
                break;
            default:
                if (record.Concurrency is not { } clients)
                {
                    skipReason = "concurrency not stated";
                    return null!;
                }

                concurrency = ConcurrencySetting.Of(clients);
                break;
        }

        var scenario = new Scenario
        {
            SourcePath = record.Id,
            Name = record.Id,
            Model = model,
            ModelSource = record.ArchRef ?? record.Model,
            Precision = precision,
            Hardware = new HardwareSpec(gpu, (int)strategy.Value.GpuCount, gpu.GpusPerNode),
            Engine = engine.Value,
            Parallel = strategy,
            Workload = mode != MeasurementMode.RequestRate
                ? new Workload(TokenRange.Fixed(isl), osl, concurrency)
                : new Workload(sharegptLengths ? sharegpt.ShareGptInput.Range : TokenRange.Fixed(isl), osl, concurrency)
                {
                    Form = WorkloadForm.RequestRate,
                    RequestRate = record.RequestsPerS,
                    InputLengths = sharegptLengths ? sharegpt.ShareGptInput : null,
                    OutputLengths = sharegptLengths ? sharegpt.ShareGptOutput : null,
                    Requests = record.NumRequests ?? 1000,
                },
            Requirements = new Requirements(maxMemoryUtilization: 0.9),
            Objective = Objective.Throughput,
        };
        return new MappedRecord(record, scenario, strategy.Value, mode, cap, assumptions);
    }

    private static string? Reason(MeasurementRecord record, out MeasurementMode mode)
    {
        string scenario = record.Scenario.ToLowerInvariant();
        mode = MeasurementMode.Offline;
        if (scenario.Contains("prefill-only", StringComparison.Ordinal))
        {
            // One pool of a disaggregated deployment (docs/disaggregation.md): its prompt tokens/s per GPU.
            mode = MeasurementMode.PrefillOnly;
            return record.InputTokensPerSecondPerGpu is null ? "prefill-only run without its input tokens/s per GPU" : null;
        }

        if (scenario.Contains("decode-only", StringComparison.Ordinal) || scenario.Contains("decode throughput", StringComparison.Ordinal))
        {
            mode = MeasurementMode.DecodeOnly;
            return ParseBatch(record.BatchSize, out _) is null && !scenario.Contains("saturated", StringComparison.Ordinal)
                ? "decode pool of a disaggregated deployment whose batch (sequences decoding) is not stated, nor that it ran saturated"
                : null;
        }

        if (scenario.Contains("disaggregated", StringComparison.Ordinal))
        {
            return "a whole disaggregated cluster whose pools' degrees and batch are not all stated (the pools' own records are compared one by one)";
        }

        if (scenario.Contains("mtp", StringComparison.Ordinal) || record.Notes.Contains("Speculative", StringComparison.Ordinal))
        {
            return "speculative decoding (MTP) is not modelled";
        }

        if (scenario.Contains("mixed p+d", StringComparison.Ordinal))
        {
            return "concurrency and parallel mapping not stated";
        }

        if (scenario.Contains("mlperf server", StringComparison.Ordinal) || scenario.Contains("poisson", StringComparison.Ordinal))
        {
            mode = MeasurementMode.RequestRate;
            if (record.RequestsPerS is null)
            {
                return "Poisson arrivals at a rate the record does not state (request_per_s)";
            }

            if (record.Isl is null && !IsShareGpt(record))
            {
                return "Poisson arrivals at a target rate: the input length is not stated (and the dataset is not ShareGPT, whose lengths ParaPlan knows)";
            }
        }
        else if (scenario.Contains("first-token latency", StringComparison.Ordinal))
        {
            mode = MeasurementMode.BatchOneLatency;
        }
        else if (scenario.Contains("static batch", StringComparison.Ordinal))
        {
            mode = MeasurementMode.StaticBatch;
        }
        else if (scenario.Contains("fixed-batch latency", StringComparison.Ordinal))
        {
            mode = MeasurementMode.FixedBatchLatency;
        }
        else if (scenario.Contains("burst", StringComparison.Ordinal))
        {
            mode = MeasurementMode.Burst;
        }
        else if (scenario.Contains("closed-loop", StringComparison.Ordinal) || scenario.Contains("low-concurrency serving", StringComparison.Ordinal))
        {
            mode = MeasurementMode.ClosedLoop;
        }
        else if (scenario.Contains("offline", StringComparison.Ordinal) || scenario.Contains("max throughput", StringComparison.Ordinal))
        {
            mode = MeasurementMode.Offline;
        }
        else
        {
            return $"measurement kind '{record.Scenario}' is not one ParaPlan compares with";
        }

        return null;
    }

    private static ModelArchitecture? Model(MeasurementRecord record, List<string> assumptions, out string? skipReason)
    {
        skipReason = null;
        if (record.ArchRef is { } id && ModelCatalog.BuiltIn.TryGet(id, out CatalogModel entry))
        {
            return entry.Architecture;
        }

        IReadOnlyDictionary<string, string> arch = record.Arch;
        if (arch.ContainsKey("sliding_window"))
        {
            // Which layers slide and by how much is the model's config.json's to say (layer_types, sliding_window):
            // take the catalog's architecture of the Hugging Face repo the record names.
            if (arch.TryGetValue("hf", out string? repo) && ModelCatalog.BuiltIn.TryGet(repo, out CatalogModel windowed))
            {
                return windowed.Architecture;
            }

            // A re-saved copy (e.g. a BF16 one) of a catalog model: the catalog's sliding-window model with the same shape.
            CatalogModel? same = ModelCatalog.BuiltIn.All.FirstOrDefault(m => m.Architecture.HasSlidingWindow && SameShape(record, m.Architecture));
            if (same is not null)
            {
                assumptions.Add($"architecture of {same.Id}: the record's architecture block matches it (layers, widths, heads, experts, vocabulary)");
                return same.Architecture;
            }

            skipReason = "sliding-window attention whose model is not in the catalog (its layer_types are unknown)";
            return null;
        }

        int? layers = MeasurementReader.ArchInt(record, "layers");
        int? hidden = MeasurementReader.ArchInt(record, "hidden");
        int? heads = MeasurementReader.ArchInt(record, "heads");
        int? kvHeads = MeasurementReader.ArchInt(record, "kv_heads");
        int? headDim = MeasurementReader.ArchInt(record, "head_dim");
        int? vocab = MeasurementReader.ArchInt(record, "vocab");
        if (layers is null || hidden is null || heads is null || kvHeads is null || headDim is null || vocab is null)
        {
            skipReason = $"architecture '{record.ArchRef ?? record.Model}' is not in the catalog and the record does not state it fully";
            return null;
        }

        if (arch.TryGetValue("type", out string? type) && type == "dense")
        {
            // Only SwiGLU feed-forwards are modelled; a 4 x hidden FFN is the non-gated GELU MLP (Falcon).
            if (MeasurementReader.ArchInt(record, "ffn") is not { } ffn || ffn == 4 * hidden)
            {
                skipReason = "non-gated (2-matrix) MLP is not modelled";
                return null;
            }

            return new ModelArchitecture(record.Model, layers.Value, hidden.Value, new GroupedQueryAttention(heads.Value, kvHeads.Value, headDim.Value), ffn, null, null, vocab.Value, family: "measurement");
        }

        int experts = MeasurementReader.ArchInt(record, "experts") ?? 0;
        int topK = MeasurementReader.ArchInt(record, "topk") ?? 0;
        int moeWidth = MeasurementReader.ArchInt(record, "moe_ffn") ?? 0;
        if (experts == 0 || topK == 0 || moeWidth == 0)
        {
            skipReason = "MoE architecture incomplete in the record";
            return null;
        }

        int shared = MeasurementReader.ArchInt(record, "shared_experts") ?? 0;
        int every = MeasurementReader.ArchInt(record, "moe_layer_every") ?? 1;
        int firstDense = MeasurementReader.ArchInt(record, "first_dense_layers") ?? 0;
        int? dense = MeasurementReader.ArchInt(record, "dense_ffn");
        if ((firstDense > 0 || every > 1) && dense is null)
        {
            skipReason = "MoE architecture with dense layers but no dense_ffn in the record";
            return null;
        }

        // Layer i is MoE when it is past the first dense layers (DeepSeek's and GLM's first_k_dense_replace) and on
        // the MoE interval (Llama-4's interleave).
        var pattern = Enumerable.Range(0, layers.Value).Select(i => i >= firstDense && (i + 1) % every == 0).ToArray();
        var moe = new MixtureOfExperts(experts, topK, moeWidth, shared);
        return new ModelArchitecture(record.Model, layers.Value, hidden.Value, new GroupedQueryAttention(heads.Value, kvHeads.Value, headDim.Value), dense, moe, pattern, vocab.Value, family: "measurement");
    }

    /// <summary>True when the record's architecture block states the same layers, widths, heads, experts and vocabulary as <paramref name="model"/>.</summary>
    private static bool SameShape(MeasurementRecord record, ModelArchitecture model) =>
        MeasurementReader.ArchInt(record, "layers") == model.LayerCount
        && MeasurementReader.ArchInt(record, "hidden") == model.HiddenSize
        && MeasurementReader.ArchInt(record, "heads") == model.Attention.HeadCount
        && MeasurementReader.ArchInt(record, "kv_heads") == model.Attention.KeyValueHeadCount
        && MeasurementReader.ArchInt(record, "head_dim") == model.Attention.QueryKeyHeadDim
        && MeasurementReader.ArchInt(record, "vocab") == model.VocabSize
        && (MeasurementReader.ArchInt(record, "experts") ?? 0) == (model.Moe?.ExpertCount ?? 0)
        && (MeasurementReader.ArchInt(record, "topk") ?? 0) == (model.Moe?.ExpertsPerToken ?? 0)
        && (MeasurementReader.ArchInt(record, "moe_ffn") ?? 0) == (model.Moe?.ExpertIntermediateSize ?? 0);

    private static string? GpuId(string gpu)
    {
        string g = gpu.ToUpperInvariant();
        return g.Contains("GB300", StringComparison.Ordinal) ? "gb300"
            : g.Contains("B300", StringComparison.Ordinal) ? "b300"
            : g.Contains("GB200", StringComparison.Ordinal) ? "gb200"
            : g.Contains("B200", StringComparison.Ordinal) ? "b200"
            : g.Contains("H800", StringComparison.Ordinal) ? "h800-sxm"
            : g.Contains("H200", StringComparison.Ordinal) ? "h200-sxm"
            : g.Contains("H100", StringComparison.Ordinal) && g.Contains("PCIE", StringComparison.Ordinal) ? "h100-pcie"
            : g.Contains("H100", StringComparison.Ordinal) && !g.Contains("H100 NVL", StringComparison.Ordinal) ? "h100-sxm"
            : g.Contains("A100", StringComparison.Ordinal) ? "a100-sxm-80gb"
            : g.Contains("MI300X", StringComparison.Ordinal) ? "mi300x"
            : g.Contains("MI325X", StringComparison.Ordinal) ? "mi325x"
            : g.Contains("MI355X", StringComparison.Ordinal) ? "mi355x"
            : null;
    }

    private static EngineKind? Engine(string engine)
    {
        string e = engine.ToUpperInvariant();
        return e.Contains("TENSORRT", StringComparison.Ordinal) || e.Contains("NIM", StringComparison.Ordinal) ? EngineKind.Trtllm
            : e.Contains("SGLANG", StringComparison.Ordinal) ? EngineKind.Sglang
            : e.Contains("VLLM", StringComparison.Ordinal) ? EngineKind.Vllm
            : null;
    }

    /// <summary>
    /// The record's precision: MXFP4 and NVFP4 by their own formats, and when it names them for the MoE only ("MXFP4
    /// (native MoE weights)", "NVFP4 MoE, FP8 attention") as the experts' format with the rest in the format it names
    /// for attention (FP8) or else BF16 (gpt-oss's checkpoint: MXFP4 experts, BF16 everything else); other FP4, FP8,
    /// FP16 and BF16 for every layer GEMM.
    /// </summary>
    private static Precision ReadPrecision(MeasurementRecord record, EngineKind engine, List<string> assumptions)
    {
        string p = record.Precision.ToUpperInvariant();
        NumericFormat? blockFp4 = p.Contains("MXFP4", StringComparison.Ordinal) ? NumericFormat.Mxfp4
            : p.Contains("NVFP4", StringComparison.Ordinal) ? NumericFormat.Nvfp4
            : null;
        NumericFormat? experts = null;
        NumericFormat weights;
        if (blockFp4 is { } fp4 && p.Contains("MOE", StringComparison.Ordinal))
        {
            experts = fp4;
            weights = p.Contains("FP8 ATTENTION", StringComparison.Ordinal) || p.Contains("FP8 MLA", StringComparison.Ordinal) ? NumericFormat.Fp8 : NumericFormat.Bf16;
            assumptions.Add($"routed experts {fp4.FileName()}, attention, dense layers and shared experts {weights.FileName()} (the record names the MoE's format{(weights == NumericFormat.Fp8 ? " and FP8 attention" : string.Empty)})");
        }
        else
        {
            weights = blockFp4 is { } whole ? whole
                : p.Contains("FP4", StringComparison.Ordinal) ? NumericFormat.Fp4
                : p.Contains("FP8", StringComparison.Ordinal) || p.Contains("W8A8", StringComparison.Ordinal) ? NumericFormat.Fp8
                : p.Contains("FP16", StringComparison.Ordinal) && !p.Contains("BF16", StringComparison.Ordinal) ? NumericFormat.Fp16
                : NumericFormat.Bf16;
        }

        NumericFormat kv;
        if (p.Contains("FP8 KV", StringComparison.Ordinal) || p.Contains("KV CACHE", StringComparison.Ordinal) && p.Contains("FP8", StringComparison.Ordinal))
        {
            kv = NumericFormat.Fp8;
        }
        else if (p.Contains("BF16 KV", StringComparison.Ordinal) || p.Contains("FP16/BF16 KV", StringComparison.Ordinal))
        {
            kv = NumericFormat.Bf16;
        }
        else if (engine == EngineKind.Trtllm && weights.BytesPerElement() <= 1)
        {
            kv = NumericFormat.Fp8;
            assumptions.Add("KV cache fp8 (TensorRT-LLM ModelOpt checkpoints quantise the KV cache with the weights)");
        }
        else
        {
            kv = Precision.DefaultKvCache(weights);
        }

        return new Precision(weights, Precision.DefaultActivations(weights), kv) { Experts = experts };
    }

    private static ParallelStrategy? Strategy(MeasurementRecord record, ModelArchitecture model, List<string> assumptions, out string? skipReason)
    {
        skipReason = null;
        int gpus = record.NumGpus ?? 0;
        int tp = record.Tp ?? 0;
        if (tp == 0)
        {
            if (gpus == 8 && !model.IsMoe)
            {
                tp = 8;
                assumptions.Add("tp 8 assumed (the record leaves the mapping out)");
            }
            else
            {
                skipReason = "parallel mapping not stated";
                return null;
            }
        }

        int pp = record.Pp ?? 1;
        int dp = record.Dp ?? 1;
        int ep = record.Ep ?? 1;
        ParallelStrategy strategy;
        bool attentionDp = record.AttentionDp == true || (model.IsMoe && record.Notes.Contains("enable_attention_dp", StringComparison.Ordinal));
        if (attentionDp && record.AttentionDp != true)
        {
            dp = tp;
            ep = tp;
            assumptions.Add($"attention DP {tp} with EP {tp} assumed (the run enabled attention DP; its table prints only tp)");
        }

        if (attentionDp)
        {
            // Attention data parallel: tp counts every GPU of the instance; attention runs tp/dp-way inside each DP group.
            int attentionTp = Math.Max(1, tp / dp);
            strategy = new ParallelStrategy(attentionTp, 1, dp, pp, model.IsMoe ? ep : 1, 1);
        }
        else
        {
            if (model.IsMoe && record.Ep is null && record.Notes.Contains("--ep", StringComparison.Ordinal))
            {
                ep = tp;
                assumptions.Add($"ep {tp} assumed (the run passed --ep without printing its degree)");
            }

            strategy = new ParallelStrategy(tp, 1, 1, pp, model.IsMoe ? ep : 1, dp);
        }

        if (model.Moe is { } moe && model.IsMoe && strategy.ExpertParallel > 1 && moe.ExpertCount % strategy.ExpertParallel != 0)
        {
            // EP sizes that do not divide the experts run with redundant expert slots (DeepSeek's EPLB): the record's
            // own count when it states one, else the fewest that make the slots divisible (LMSYS, large-scale EP:
            // 256 + 32 = 288 slots "enables parallelism sizes of 12 or 72").
            Match stated = RedundantCount().Match($"{record.Notes} {record.Disaggregated}");
            int redundant = stated.Success ? int.Parse(stated.Groups[1].Value, CultureInfo.InvariantCulture) : StrategyRules.RedundantFor(moe.ExpertCount, strategy.ExpertParallel);
            strategy = strategy with { RedundantExperts = redundant };
            assumptions.Add(stated.Success
                ? string.Create(CultureInfo.InvariantCulture, $"{redundant} redundant expert slots, as the record states")
                : string.Create(CultureInfo.InvariantCulture, $"{redundant} redundant expert slots assumed: the fewest that make the {moe.ExpertCount} experts divisible by ep {strategy.ExpertParallel} (EPLB)"));
        }

        if (gpus > 0 && strategy.GpuCount != gpus)
        {
            skipReason = string.Create(CultureInfo.InvariantCulture, $"parallel degrees give {strategy.GpuCount} GPUs, the record says {gpus}");
            return null;
        }

        IReadOnlyList<StrategyViolation> violations = StrategyRules.Check(strategy, model, null);
        if (violations.Count > 0)
        {
            skipReason = $"strategy not expressible: {violations[0]}";
            return null;
        }

        return strategy;
    }

    private static int? ParseBatch(string? text, out bool perRank)
    {
        perRank = text?.Contains("per rank", StringComparison.Ordinal) ?? false;
        if (text is null)
        {
            return null;
        }

        string digits = new(text.Replace(",", string.Empty, StringComparison.Ordinal).SkipWhile(c => !char.IsDigit(c)).TakeWhile(char.IsDigit).ToArray());
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && !text.Contains("tokens", StringComparison.Ordinal) ? value : null;
    }

    private static bool IsShareGpt(MeasurementRecord record) => record.Dataset.Contains("ShareGPT", StringComparison.OrdinalIgnoreCase);

    /// <summary>The KV-pool fraction a TensorRT-LLM run's notes state ("kv fraction 0.8", "kv_cache_free_gpu_mem_fraction 0.9"), else null.</summary>
    internal static double? StatedKvFraction(string notes)
    {
        Match m = KvFraction().Match(notes ?? string.Empty);
        return m.Success && double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && f is > 0 and <= 1 ? f : null;
    }

    [GeneratedRegex(@"(?:kv fraction|kv_cache_free_gpu_mem(?:ory)?_fraction|free_gpu_memory_fraction)\s*:?\s*(0?\.\d+|1(?:\.0+)?)", RegexOptions.IgnoreCase)]
    private static partial Regex KvFraction();

    [GeneratedRegex(@"(\d+) redundant experts", RegexOptions.IgnoreCase)]
    private static partial Regex RedundantCount();
}
