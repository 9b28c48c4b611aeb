using ParaPlan.CostModel;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;
using ParaPlan.Search;

namespace ParaPlan.Audit;

/// <summary>
/// Checks each claimed figure against the cost model under the plan's own strategy: right (within
/// <see cref="Auditor.Agree"/>), doubtful, wrong (beyond <see cref="Auditor.Wrong"/>), physically impossible (beyond a
/// compute, bandwidth or capacity bound, named with its value), or checkable only under an assumption (stated).
/// </summary>
internal sealed class FigureChecks(
    Scenario plan, ParallelStrategy stated, ParallelStrategy computedFor, EstimateResult computed, IReadOnlyList<EstimateResult> readings,
    string? assumption, List<AuditFinding> findings, EfficiencyProfile profile)
{
    private readonly ModelArchitecture _model = plan.Model;

    /// <summary>Figures that do not depend on a degree the reinterpretation changed are checked exactly.</summary>
    private string? AssumptionFor(string key)
    {
        if (assumption is null)
        {
            return null;
        }

        bool onlyEp = stated.TensorParallel == computedFor.TensorParallel && stated.SequenceParallel == computedFor.SequenceParallel
            && stated.DataParallel == computedFor.DataParallel && stated.PipelineParallel == computedFor.PipelineParallel;
        bool independentOfEp = key is "kv_cache_per_gpu_gb" or "attention_weights_per_gpu_gb" or "heads_per_gpu" or "layers_per_stage";
        return onlyEp && independentOfEp ? null : assumption;
    }
    private readonly GpuSpec _gpu = plan.Hardware.Gpu;

    /// <summary>Peak TFLOPS a GEMM can reach on this GPU at the plan's precision (its fastest module's when modules differ).</summary>
    private double PeakTflops => plan.Precision.LayerWeightFormats.Max(_gpu.PeakTflopsFor);

    /// <summary>Peak FLOP/s a GEMM can reach on this GPU at the plan's precision, times the MFU the plan states (if any).</summary>
    private double PeakFlops => PeakTflops * 1e12 * (_gpu.Efficiency.ComputeUtilization ?? 1);

    private string PeakText => _gpu.Efficiency.ComputeUtilization is { } mfu
        ? Auditor.Text($"{PeakTflops:0.#} TFLOPS x the stated MFU {mfu:0.##}")
        : Auditor.Text($"{PeakTflops:0.#} TFLOPS peak");

    public void Run(IReadOnlyDictionary<string, double> claims)
    {
        foreach ((string key, double value) in claims.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            switch (key)
            {
                case "total_gpus":
                    break; // structural: checked with the degrees
                case "weights_per_gpu_gb":
                    if (!WeightsBounds(key, value))
                    {
                        Compare(key, value, e => e.MemoryPerGpuGb.Weights, "weights per GPU", "GB");
                    }

                    break;
                case "expert_weights_per_gpu_gb":
                    Compare(key, value, e => e.MemoryPerGpuGb.ExpertWeights, "expert weights per GPU", "GB");
                    break;
                case "attention_weights_per_gpu_gb":
                    Compare(key, value, e => e.MemoryPerGpuGb.AttentionWeights, "attention weights per GPU", "GB");
                    break;
                case "kv_cache_per_gpu_gb":
                    Compare(key, value, e => e.MemoryPerGpuGb.KvCache, Auditor.Text($"KV cache per GPU for {computed.Concurrency} sequences of up to {plan.Workload.MaxContextTokens} tokens"), "GB");
                    break;
                case "activations_per_gpu_gb":
                    Compare(key, value, e => e.MemoryPerGpuGb.Activations, "activations per GPU", "GB", estimateOnly: true);
                    break;
                case "memory_per_gpu_gb":
                    if (!MemoryFloor(key, value))
                    {
                        Compare(key, value, e => e.MemoryPerGpuGb.Total, "memory per GPU", "GB");
                        Capacity(key, value);
                    }

                    break;
                case "memory_utilization":
                    if (!MemoryFloor(key, value * _gpu.MemoryGb))
                    {
                        Compare(key, value, e => e.MemoryPerGpuGb.Total / e.MemoryPerGpuGb.Capacity, "memory utilisation", "fraction");
                        Capacity(key, value * _gpu.MemoryGb);
                    }

                    break;
                case "ttft_ms":
                    Ttft(value);
                    break;
                case "tpot_ms":
                    Tpot(value);
                    break;
                case "output_tokens_per_s_per_gpu":
                    Throughput(key, value, e => e.OutputTokensPerSPerGpu, "output tokens/s per GPU");
                    break;
                case "total_tokens_per_s_per_gpu":
                    Throughput(key, value, e => e.TotalTokensPerSPerGpu, "total (input + output) tokens/s per GPU");
                    break;
                case "experts_per_gpu":
                    ExpertsPerGpu(value);
                    break;
                case "layers_per_stage":
                    LayersPerStage(value);
                    break;
                case "heads_per_gpu":
                    HeadsPerGpu(value);
                    break;
                case "modules":
                    Count(key, value, stated.GpuCount, Auditor.Text($"the strategy splits the model into one module per GPU: replicas x pp x tp x sp x dp = {stated.GpuCount}"));
                    break;
                case "compute_utilization":
                    ComputeUtilization(value);
                    break;
                case "load_balance":
                    LoadBalance(value);
                    break;
            }
        }
    }

    private void Add(string key, string severity, double claimed, double? value, string message, string kind) =>
        findings.Add(new AuditFinding("claims." + key, severity, claimed, value, message) { Kind = kind });

    /// <summary>
    /// A figure the cost model computes: right within 25%, doubtful to 50%, wrong beyond. When the stated strategy is
    /// invalid and the figure depends on the degrees it got wrong, the figure is computed for every valid reading:
    /// a claim inside their range (with the 25% margin) cannot be judged without knowing what the author meant (a
    /// warning stating the assumption); a claim outside it is wrong whatever was meant. A figure the model only
    /// estimates is never more than a warning.
    /// </summary>
    private void Compare(string key, double claimed, Func<EstimateResult, double> pick, string what, string unit, bool estimateOnly = false)
    {
        double value = pick(computed);
        string ratio = value == 0 ? "n/a" : (claimed / value).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        string figures = Auditor.Text($"claimed {Fmt(claimed)} {unit}, computed {Fmt(value)} {unit} ({ratio}x)");
        double gap = value == 0 ? double.PositiveInfinity : Math.Abs((claimed / value) - 1);
        if (gap <= Auditor.Agree)
        {
            Add(key, Severity.Info, claimed, value, $"{what}: {figures}: consistent", "correct");
            return;
        }

        if (AssumptionFor(key) is { } why && readings.Count > 0)
        {
            double low = readings.Min(pick);
            double high = readings.Max(pick);
            string range = Math.Abs(high - low) <= 1e-9 * Math.Max(1, Math.Abs(high)) ? Fmt(low) : $"{Fmt(low)}-{Fmt(high)}";
            if (claimed >= low / (1 + Auditor.Agree) && claimed <= high * (1 + Auditor.Agree))
            {
                Add(key, Severity.Warning, claimed, value, $"{what}: {figures}; cannot be checked without an assumption: {why}; over every valid reading it is {range} {unit}", "assumption");
            }
            else
            {
                Add(key, estimateOnly ? Severity.Warning : Severity.Error, claimed, value, $"{what}: claimed {Fmt(claimed)} {unit}, but every valid reading of the strategy gives {range} {unit}: wrong whatever was meant", "wrong");
            }

            return;
        }

        if (estimateOnly)
        {
            Add(key, Severity.Warning, claimed, value, $"{what}: {figures}; cannot be checked without an assumption: the cost model only estimates this figure", "assumption");
        }
        else if (gap <= Auditor.Wrong)
        {
            Add(key, Severity.Warning, claimed, value, $"{what}: {figures}: doubtful (off by more than {Auditor.Agree:0%})", "wrong");
        }
        else
        {
            Add(key, Severity.Error, claimed, value, $"{what}: {figures}: wrong (off by more than {Auditor.Wrong:0%})", "wrong");
        }
    }

    /// <summary>
    /// Weights per GPU can be no less than the weights split perfectly over every GPU the plan claims, and no more
    /// than the whole model (capacity bounds). Returns whether a bound was broken.
    /// </summary>
    private bool WeightsBounds(string key, double claimed)
    {
        double total = StrategySearch.WeightBytes(plan) / 1e9;
        double gpus = InstanceGpus();
        double floor = total / gpus;
        if (claimed < floor / (1 + Auditor.Agree))
        {
            Add(key, Severity.Error, claimed, floor, Auditor.Text($"physically impossible: the {Auditor.B(_model.TotalParameters)} weights at {plan.Precision.DescribeWeights()} need at least {floor:0.###} GB per GPU even split perfectly over {gpus:0} GPUs (capacity bound)"), "impossible");
            return true;
        }

        if (claimed > total * (1 + Auditor.Agree))
        {
            Add(key, Severity.Error, claimed, total, Auditor.Text($"physically impossible: the whole model's weights are {total:0.##} GB ({Auditor.B(_model.TotalParameters)} parameters at {plan.Precision.DescribeWeights()}); no GPU can hold more of them"), "impossible");
            return true;
        }

        return false;
    }

    /// <summary>Memory per GPU can be no less than the weights and the KV cache of every sequence split perfectly over the GPUs the plan claims.</summary>
    private bool MemoryFloor(string key, double claimedGb)
    {
        double gpus = InstanceGpus();
        double kvBytes = computed.Concurrency / (double)stated.Replicas * _model.KvCacheElementsPerSequence(plan.Workload.MaxContextTokens) * plan.Precision.KvCache.BytesPerElement();
        double floor = ((StrategySearch.WeightBytes(plan) + kvBytes) / gpus) / 1e9;
        double claimed = key == "memory_utilization" ? claimedGb : claimedGb;
        if (claimed < floor / (1 + Auditor.Agree))
        {
            Add(key, Severity.Error, key == "memory_utilization" ? claimedGb / _gpu.MemoryGb : claimedGb, key == "memory_utilization" ? floor / _gpu.MemoryGb : floor,
                Auditor.Text($"physically impossible: weights ({StrategySearch.WeightBytes(plan) / 1e9:0.##} GB) and the KV cache of {computed.Concurrency / stated.Replicas} sequences of {plan.Workload.MaxContextTokens} tokens ({kvBytes / 1e9:0.##} GB) need at least {floor:0.###} GB per GPU even split perfectly over {gpus:0} GPUs (capacity bound)"), "impossible");
            return true;
        }

        return false;
    }

    /// <summary>GPUs of one instance as the plan claims them (the larger of the claim and what its degrees give).</summary>
    private double InstanceGpus() =>
        (plan.Claims.TryGetValue("total_gpus", out double total) ? Math.Max(total, stated.GpuCount) : stated.GpuCount) / stated.Replicas;

    private void Capacity(string key, double claimedGb)
    {
        double limit = computed.MemoryPerGpuGb.Capacity;
        if (claimedGb <= limit && computed.MemoryPerGpuGb.Total > limit)
        {
            Add(key, Severity.Error, claimedGb, computed.MemoryPerGpuGb.Total, Auditor.Text($"does not fit: the plan needs {computed.MemoryPerGpuGb.Total:0.##} GB per GPU on a {limit:0.##} GB GPU (capacity bound)"), "impossible");
        }
    }

    private void Ttft(double claimed)
    {
        // TTFT's meaning differs between documents: one request alone, the steady state of the plan's clients, or the
        // whole batch arriving together. All three are computed; a claim between alone and all is right under one reading.
        Scenario single = plan with { Workload = plan.Workload.WithConcurrency(ConcurrencySetting.Of(1)) };
        double alone = Estimator.Figures(single, computedFor, profile).TtftMs;
        double all = Math.Max(computed.BurstTtftMs, computed.TtftMs);
        double steady = computed.TtftMs;
        double prefillFlops = 2.0 * _model.ActiveParameters * plan.Workload.InputTokens.Max;
        double floorMs = prefillFlops / (computedFor.GpusPerInstance * PeakFlops) * 1000;
        if (claimed < floorMs)
        {
            Add("ttft_ms", Severity.Error, claimed, floorMs, Auditor.Text($"physically impossible: one prompt of {plan.Workload.InputTokens.Max} tokens needs {prefillFlops / 1e12:0.##} TFLOP, at least {floorMs:0.#} ms on {computedFor.GpusPerInstance} GPUs at {PeakText} (compute bound)"), "impossible");
            return;
        }

        if (Math.Abs((claimed / all) - 1) <= Auditor.Agree || Math.Abs((claimed / alone) - 1) <= Auditor.Agree || Math.Abs((claimed / steady) - 1) <= Auditor.Agree)
        {
            Add("ttft_ms", Severity.Info, claimed, all, Auditor.Text($"TTFT: claimed {claimed:0} ms; computed {alone:0} ms for one request alone, {steady:0} ms in the steady state of {computed.Concurrency} clients, {all:0} ms with all {computed.Concurrency} arriving together: consistent"), "correct");
        }
        else
        {
            // Neither reading: compared with the contract's figure, the steady state of the plan's clients (one
            // request alone when the claim is below even that).
            Compare("ttft_ms", claimed, claimed < alone ? _ => alone : e => e.TtftMs, claimed < alone ? "TTFT of one request alone" : Auditor.Text($"TTFT in the steady state of {computed.Concurrency} clients ({all:0} ms if all arrived together)"), "ms");
        }
    }

    private void Tpot(double claimed)
    {
        double instanceSequences = computed.Concurrency / (double)computedFor.Replicas;
        double computeFloor = instanceSequences * 2.0 * _model.ActiveParameters / (computedFor.GpusPerInstance * PeakFlops) * 1000;
        if (claimed < computeFloor)
        {
            Add("tpot_ms", Severity.Error, claimed, computeFloor, Auditor.Text($"physically impossible: a decode step of {instanceSequences:0} sequences needs at least {computeFloor:0.##} ms on {computedFor.GpusPerInstance} GPUs at {PeakText} (compute bound)"), "impossible");
            return;
        }

        Compare("tpot_ms", claimed, e => e.TpotMs, Auditor.Text($"TPOT at {computed.Concurrency} sequences in flight"), "ms");
    }

    private void Throughput(string key, double claimed, Func<EstimateResult, double> pick, string what)
    {
        double computeBound = PeakFlops / (2.0 * _model.ActiveParameters);
        if (claimed > computeBound)
        {
            Add(key, Severity.Error, claimed, computeBound, Auditor.Text($"physically impossible: {claimed:0} tokens/s per GPU is {claimed / computeBound:0.#}x the compute bound of {computeBound:0} ({PeakText} / (2 x {Auditor.B(_model.ActiveParameters)} active parameters))"), "impossible");
            return;
        }

        double bandwidthBound = readings.Max(e => e.Bounds.BandwidthOutputTokensPerSPerGpu);
        if (key == "output_tokens_per_s_per_gpu" && bandwidthBound > 0 && claimed > bandwidthBound * (1 + Auditor.Agree))
        {
            Add(key, Severity.Error, claimed, bandwidthBound, Auditor.Text($"physically impossible at {computed.Concurrency} sequences in flight: each decode step must read the weights and KV cache, which caps output at {bandwidthBound:0} tokens/s per GPU at {_gpu.MemoryBandwidthTbps:0.##} TB/s{(readings.Count > 1 ? " under any valid reading of the strategy" : string.Empty)} (bandwidth bound)"), "impossible");
            return;
        }

        Compare(key, claimed, pick, what, "tokens/s");
    }

    private void ExpertsPerGpu(double claimed)
    {
        if (_model.Moe is not { } moe || !_model.IsMoe)
        {
            Add("experts_per_gpu", Severity.Error, claimed, 0, "the model is dense: it has no experts", "wrong");
            return;
        }

        double own = (double)moe.ExpertCount / stated.ExpertParallel;
        double valid = (double)moe.ExpertCount / computedFor.ExpertParallel;
        if (Math.Abs(claimed - valid) < 1e-9)
        {
            Add("experts_per_gpu", Severity.Info, claimed, valid, Auditor.Text($"{moe.ExpertCount} experts over ep {computedFor.ExpertParallel}: {valid:0.##} per GPU"), "correct");
        }
        else if (Math.Abs(claimed - own) < 1e-9)
        {
            Add("experts_per_gpu", Severity.Warning, claimed, valid, Auditor.Text($"consistent with the stated ep {stated.ExpertParallel}, but that ep cannot run on these GPUs (see parallel.ep); under the nearest valid strategy each GPU holds {valid:0.##} experts of each layer"), "assumption");
        }
        else
        {
            Add("experts_per_gpu", Severity.Error, claimed, own, Auditor.Text($"{moe.ExpertCount} experts over the stated ep {stated.ExpertParallel} is {own:0.##} per GPU, not {claimed:0.##}"), "wrong");
        }
    }

    private void LayersPerStage(double claimed)
    {
        int pp = Math.Min(stated.PipelineParallel, _model.LayerCount);
        int most = (_model.LayerCount + pp - 1) / pp;
        int least = _model.LayerCount / pp;
        if (claimed != Math.Floor(claimed))
        {
            Add("layers_per_stage", Severity.Error, claimed, most, Auditor.Text($"a stage holds whole layers: {_model.LayerCount} layers over {pp} stages is {most}{(least != most ? $" or {least}" : string.Empty)} per stage, not {claimed:0.##}"), "wrong");
        }
        else
        {
            Count("layers_per_stage", claimed, most, Auditor.Text($"{_model.LayerCount} layers over {pp} stages: {most}{(least != most ? $" (some stages {least})" : string.Empty)} per stage"), least);
        }
    }

    private void HeadsPerGpu(double claimed)
    {
        int heads = _model.Attention.HeadCount;
        double perGpu = (double)heads / stated.TensorParallel;
        Count("heads_per_gpu", claimed, perGpu, Auditor.Text($"{heads} attention heads over tp {stated.TensorParallel}: {perGpu:0.##} per GPU"));
    }

    private void Count(string key, double claimed, double value, string what, double? alsoRight = null)
    {
        bool right = Math.Abs(claimed - value) < 1e-9 || (alsoRight is { } other && Math.Abs(claimed - other) < 1e-9);
        Add(key, right ? Severity.Info : Severity.Error, claimed, value, right ? what : $"wrong: {what}, not {Fmt(claimed)}", right ? "correct" : "wrong");
    }

    private void ComputeUtilization(double claimed)
    {
        if (claimed > 1)
        {
            Add("compute_utilization", Severity.Error, claimed, 1, "physically impossible: utilisation above 100% of peak", "impossible");
            return;
        }

        if (_gpu.Efficiency.ComputeUtilization is { } mfu && claimed > mfu + 1e-9)
        {
            Add("compute_utilization", Severity.Error, claimed, mfu, Auditor.Text($"claims {claimed:0.#%} utilisation but the plan's own conditions state an MFU of {mfu:0.#%}: its kernels cannot do better than the efficiency it states"), "impossible");
            return;
        }

        double peak = PeakTflops * 1e12;
        Compare("compute_utilization", claimed, e => e.TotalTokensPerSPerGpu * 2.0 * _model.ActiveParameters / peak, "model FLOPs utilisation (tokens/s x 2 x active parameters / peak)", "of peak");
    }

    private void LoadBalance(double claimed)
    {
        if (computed.Moe is not { } moe)
        {
            Add("load_balance", Severity.Info, claimed, 1, "a dense model has no expert load to balance", "correct");
            return;
        }

        double balance = 1 / moe.DecodeImbalance;
        if (claimed > 1 + 1e-9)
        {
            Add("load_balance", Severity.Error, claimed, balance, "physically impossible: no EP rank can carry less than the mean load (load balance is at most 1)", "impossible");
            return;
        }

        if (claimed >= 0.995 && balance < 0.99)
        {
            Add("load_balance", Severity.Error, claimed, balance, Auditor.Text($"perfect balance is impossible under dynamic top-{_model.Moe!.ExpertsPerToken} routing: with {computed.Decode.TokensPerStep:0} tokens per decode step the busiest of {computedFor.ExpertParallel} EP ranks receives {moe.DecodeImbalance:0.00}x the mean load (uniform routing; real routing is more skewed)"), "impossible");
            return;
        }

        Compare("load_balance", claimed, e => e.Moe is { } m ? 1 / m.DecodeImbalance : 1, "expert load balance (mean / busiest EP rank)", "", estimateOnly: true);
    }

    private static string Fmt(double value) => value.ToString(Math.Abs(value) >= 100 ? "0" : Math.Abs(value) >= 1 ? "0.##" : "0.####", System.Globalization.CultureInfo.InvariantCulture);
}
