using System.Globalization;
using ParaPlan.CostModel.Physics;
using ParaPlan.CostModel.Profiles;
using ParaPlan.CostModel.Serving;
using ParaPlan.Domain;
using ParaPlan.Reports;

namespace ParaPlan.CostModel.Reporting;

/// <summary>
/// Turns what the serving loop worked out into what <c>paraplan estimate</c> reports: the contract's figures, the
/// requirement checks, the assumptions and warnings in words, the expert load, the communication groups and the
/// physical bounds. No cost is computed here that the physics or the serving loop did not.
/// </summary>
internal sealed class EstimateReport
{
    private const double ActivationBytes = 2.0;

    private readonly Scenario _scenario;
    private readonly ModelArchitecture _model;
    private readonly ParallelStrategy _strategy;
    private readonly EfficiencyProfile _profile;
    private readonly double _skew;
    private readonly ModelShard _shard;
    private readonly StageLayout _layout;
    private readonly StagePhysics _physics;
    private readonly List<string> _assumptions = [];
    private readonly List<string> _warnings = [];

    public EstimateReport(Scenario scenario, ParallelStrategy strategy, EfficiencyProfile profile, double skew, ModelShard shard, StageLayout layout, StagePhysics physics)
    {
        _scenario = scenario;
        _model = scenario.Model;
        _strategy = strategy;
        _profile = profile;
        _skew = skew;
        _shard = shard;
        _layout = layout;
        _physics = physics;
    }

    public EstimateResult Build(ServingOutcome o)
    {
        GpuSpec gpu = _scenario.Hardware.Gpu;
        Requirements requirements = _scenario.Requirements;
        int dp = _strategy.DataParallel;
        Precision precision = _scenario.Precision;
        if (!precision.IsPerModule && _physics.GemmRunsIn != _physics.GemmFormat)
        {
            _assumptions.Add($"{gpu.Id} has no native {_physics.GemmFormat.FileName()} tensor cores: GEMMs run at its {_physics.GemmRunsIn.FileName()} peak ({Num(_physics.PeakGemm / 1e12)} TFLOPS)");
        }

        if (precision.IsPerModule)
        {
            _assumptions.Add($"precision per module: {string.Join(", ", ModulePaths().Select(m => $"{m.Module} {m.Stored.FileName()}"))}, embeddings and LM head {precision.EmbeddingWeights.FileName()}; routers and norms 16-bit");
            foreach ((string module, _, GemmPath path) in ModulePaths().Where(m => m.Path.RunsIn != m.Path.Format))
            {
                _assumptions.Add(path.Format is NumericFormat.Mxfp4 or NumericFormat.Nvfp4 && path.RunsIn.BytesPerElement() >= 2.0
                    ? $"{gpu.Id} has no FP4 tensor cores: {module} GEMMs ({path.Format.FileName()} weights) run weight-only with {path.RunsIn.FileName()} compute at its {Num(path.Peak / 1e12)} TFLOPS (as vLLM's Marlin and Triton MXFP4 kernels on Hopper)"
                    : $"{gpu.Id} has no native {path.Format.FileName()} tensor cores: {module} GEMMs run at its {path.RunsIn.FileName()} peak ({Num(path.Peak / 1e12)} TFLOPS)");
            }
        }
        else if (precision.Weights.BytesPerElement() < 2.0)
        {
            _assumptions.Add($"embeddings, LM head and routers are kept in 16-bit ({precision.Weights.FileName()} checkpoints quantise only the layer GEMMs)");
        }


        int cap = _profile.MaxRunningSequences;
        string group = dp > 1 ? "DP group" : "instance";
        if (o.Workload.Concurrency.Sequences is null)
        {
            _assumptions.Add(o.LimitByMemoryPerGroup <= cap
                ? $"concurrency max: {o.Concurrency} sequences, the most whose KV cache ({Num(o.KvPerSequenceGb * 1000, "0.#")} MB each per GPU at {o.ContextForMemory} tokens) fits beside the weights"
                : $"concurrency max: {o.Concurrency} sequences, the engine's cap of {cap} running sequences per {group} (memory would allow {o.ConcurrencyByMemory})");
        }
        else if (Math.Ceiling(o.PerGroupRequested) > cap)
        {
            _warnings.Add($"concurrency {o.Concurrency} puts {Math.Ceiling(o.PerGroupRequested)} sequences on each {group}, above the engine's cap of {cap} running sequences: the rest wait their turn (TTFT includes that wait)");
        }

        MemoryPerGpu memory = o.Memory;
        double runningInstance = o.Running * dp;
        double instanceGpus = _strategy.GpusPerInstance;
        double computeBound = precision.IsPerModule ? PerModuleComputeBound() : _physics.PeakGemm * _physics.GemmEfficiency / (2.0 * _model.ActiveParameters);
        double peakGemm = precision.IsPerModule ? ModulePaths().Max(m => m.Path.Peak) : _physics.PeakGemm;
        double bandwidthBound = o.Decode.MemoryOnlyMs > 0 ? runningInstance / (o.Decode.MemoryOnlyMs / 1000) / instanceGpus : 0;
        List<CheckResult> checks = Checks(memory, o.TtftMs, o.TpotLongestMs, o.OutputPerGpu);
        if (memory.Total > memory.Limit)
        {
            _warnings.Add($"memory: {Num(memory.Total)} GB per GPU exceeds the {Num(memory.Limit)} GB allowed ({Num(requirements.MaxMemoryUtilization * 100)}% of {Num(memory.Capacity)} GB)");
        }

        MoeLoad? moe = MoeDetail(o.DecodeTokensPerGroup, o.TtftPrefill.TokensPerStep);
        if (moe is not null)
        {
            _assumptions.Add(_skew > 0
                ? $"expert routing skewed (Zipf exponent {Num(_skew)}): the busiest EP rank gets {Num(moe.DecodeImbalance, "0.00")}x the mean load in decode"
                : $"expert routing uniform top-{_model.Moe!.ExpertsPerToken}: the busiest EP rank gets {Num(moe.DecodeImbalance, "0.00")}x the mean load in decode, {Num(moe.PrefillImbalance, "0.00")}x in prefill (balls-into-bins statistics)");
        }

        _assumptions.Add($"efficiency profile {_profile.Name}");
        FrontEndPlan frontEnd = o.FrontEnd;
        if (frontEnd.TokenUs > 0 || frontEnd.RequestMs > 0)
        {
            _assumptions.Add($"front end: {frontEnd.ApiServers} API-server process{(frontEnd.ApiServers == 1 ? string.Empty : "es")} per instance for {Num(frontEnd.OutputTokensPerS, "0")} output tokens/s and {Num(frontEnd.RequestsPerS, "0.#")} requests/s ({Num(frontEnd.TokenUs, "0.#")} us per token, {Num(frontEnd.RequestMs, "0.##")} ms per request each; {Num(frontEnd.CoresBusy, "0.##")} cores busy, under {Num(FrontEndSizing.TargetUtilization * 100, "0")}% each){(o.AdmissionMs > 0 ? $"; a burst's requests wait up to {Num(o.AdmissionMs, "0.#")} ms for admission (in TTFT)" : string.Empty)}");
        }

        _assumptions.Add($"memory holds every running sequence at its longest context ({o.ContextForMemory} tokens); TPOT is costed at the mean context ({Num(o.DecodeContext, "0")} tokens)");

        return new EstimateResult
        {
            Parallel = StrategySummary.From(_strategy),
            Concurrency = o.Concurrency,
            MemoryPerGpuGb = memory,
            TtftMs = o.TtftMs,
            TpotMs = o.TpotMs,
            TpotLongestPromptMs = o.TpotLongestMs,
            OutputTokensPerSPerGpu = o.OutputPerGpu,
            TotalTokensPerSPerGpu = o.TotalPerGpu,
            Checks = checks,
            Assumptions = _assumptions,
            Warnings = _warnings,
            Model = _model.Name,
            Gpu = gpu.Id,
            Engine = _scenario.Engine.ToString().ToLowerInvariant(),
            MeanTtftMs = o.MeanTtftMs,
            BurstTtftMs = o.BurstTtftMs,
            Arrival = ArrivalName(o.Workload.Form),
            OfferedRequestsPerS = o.Workload.IsOpenLoop ? o.Workload.RequestRate : null,
            DecodeStepAtContext = o.DecodeStepAtContext,
            PrefillStepAtPrompt = o.PrefillStepAtPrompt,
            CyclePrefillMs = o.MeanPrefill.TotalMs,
            CyclePrefillSteps = o.MeanPrefill.Steps,
            QueuedWaves = o.Waves,
            DecodeStepAt = o.DecodeStepAt,
            PrefillStepAt = o.PrefillStepAt,
            CycleMs = o.CycleMs,
            RunningSequencesPerGroup = o.Running,
            ConcurrencyLimitByMemory = o.ConcurrencyByMemory,
            Prefill = o.TtftPrefill.ToPhase(),
            Decode = o.Decode.ToPhase(),
            Moe = moe,
            Pipeline = new PipelineDetail([.. _layout.Layers], o.MicroBatches, o.TtftPrefill.Steps > 0 ? (_layout.Stages - 1.0) / (o.TtftPrefill.Steps + _layout.Stages - 1.0) : 0),
            Bounds = new PhysicalBounds(computeBound, bandwidthBound, peakGemm / 1e12, gpu.MemoryBandwidthTbps),
            Communication = CommunicationGroups(o.DecodeTokensPerGroup, o.TtftPrefill.TokensPerStep),
            FrontEnd = frontEnd,
            EfficiencyProfile = _profile.Name,
            Efficiency = EfficiencyValues(),
        };
    }

    private Dictionary<string, double> EfficiencyValues()
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string key in EfficiencyProfile.NumericKeys)
        {
            values[key] = _profile.Get(key);
        }

        return values;
    }

    private List<CheckResult> Checks(MemoryPerGpu memory, double ttftMs, double tpotMs, double outputPerGpu)
    {
        Requirements requirements = _scenario.Requirements;
        IReadOnlyList<StrategyViolation> violations = StrategyRules.Check(_strategy, _model, _scenario.Hardware.GpuCount);
        var checks = new List<CheckResult>
        {
            new("memory", memory.Total <= memory.Limit, $"{Num(memory.Total)} of {Num(memory.Limit)} GB allowed ({Num(memory.Capacity)} GB x {Num(requirements.MaxMemoryUtilization)})"),
            new("divisibility", violations.Count == 0, violations.Count == 0 ? "every degree divides what it splits" : string.Join("; ", violations.Select(v => v.ToString()))),
        };
        IReadOnlyList<StrategyViolation> unsupported = EngineCapabilities.Check(_strategy, _model, _scenario.Engine);
        if (_scenario.Engine != EngineKind.Generic)
        {
            checks.Add(new("engine", unsupported.Count == 0, unsupported.Count == 0
                ? $"{EngineCapabilities.Name(_scenario.Engine)} can run this strategy"
                : string.Join("; ", unsupported.Select(v => v.ToString()))));
        }

        if (requirements.TtftMs is { } ttft)
        {
            checks.Add(new("ttft", ttftMs <= ttft, $"{Num(ttftMs, "0")} ms vs {Num(ttft, "0")} ms required (longest prompt, {_scenario.Workload.InputTokens.Max} tokens)"));
        }

        if (requirements.TpotMs is { } tpot)
        {
            string where = _scenario.Workload.InputTokens.IsFixed ? string.Empty : $" (longest prompts, {_scenario.Workload.InputTokens.Max} tokens)";
            checks.Add(new("tpot", tpotMs <= tpot, $"{Num(tpotMs, "0.0")} ms vs {Num(tpot, "0.0")} ms required{where}"));
        }

        if (requirements.MinOutputTokensPerSecondPerGpu is { } rate)
        {
            checks.Add(new("throughput", outputPerGpu >= rate, $"{Num(outputPerGpu, "0")} vs {Num(rate, "0")} output tokens/s per GPU required"));
        }

        return checks;
    }

    private MoeLoad? MoeDetail(double decodeTokensPerGroup, double prefillStageTokens)
    {
        if (_model.Moe is not { } moe || !_model.IsMoe)
        {
            return null;
        }

        double decodeTokens = decodeTokensPerGroup * _strategy.DataParallel;
        return new MoeLoad(
            Round(_shard.ExpertsPerRank),
            _shard.ExpertTensorParallel,
            Round(_physics.Imbalance(decodeTokens)),
            Round(_physics.Imbalance(prefillStageTokens)),
            Round(ExpertLoad.ActivatedFraction(decodeTokens, moe.ExpertsPerToken, moe.ExpertCount)),
            _skew,
            "busiest EP rank load / mean load; activated fraction = experts a decode step touches");
    }

    private List<CommunicationGroup> CommunicationGroups(double decodeTokensPerGroup, double prefillStageTokens)
    {
        int h = _model.HiddenSize;
        int tp = _strategy.TensorParallel;
        int sp = _strategy.SequenceParallel;
        int dp = _strategy.DataParallel;
        int ep = _strategy.ExpertParallel;
        int pp = _layout.Stages;
        int stageGpus = (int)_strategy.GpusPerStage;
        double dispatchBytes = _scenario.Precision.ExpertWeights.BytesPerElement() <= 1.0 ? 1.0 : ActivationBytes;
        var groups = new List<CommunicationGroup>();
        string LinkName(int ranks, int stride) => _physics.CrossesNodes(ranks, stride) ? "inter-node" : "intra-node";
        double decodeRows = decodeTokensPerGroup / sp;
        double prefillRows = prefillStageTokens / dp / sp;
        if (tp > 1)
        {
            groups.Add(new("tp", "all_reduce", tp, LinkName(tp, 1), decodeRows * h * ActivationBytes * 2 * _model.LayerCount / pp, prefillRows * h * ActivationBytes * 2 * _model.LayerCount / pp));
        }

        if (sp > 1)
        {
            groups.Add(new("sp", "K/V ring (prefill), all_gather (decode)", sp, LinkName(sp, tp), decodeTokensPerGroup * _shard.AttentionOutputWidth * 4 * _model.LayerCount / pp, (sp - 1) * prefillRows * _shard.KvElementsPerTokenLayer * ActivationBytes * _model.LayerCount / pp));
        }

        if (_model.IsMoe && _model.Moe is { } moe && stageGpus > 1)
        {
            string collective = dp * sp == 1 ? "all_reduce" : ep > 1 ? "all_to_all (dispatch, combine)" : "all_gather + reduce_scatter";
            double perToken = dp * sp == 1 ? h * ActivationBytes : ep > 1 ? moe.ExpertsPerToken * h * (dispatchBytes + ActivationBytes) / stageGpus * dp * sp : 2 * h * ActivationBytes * dp;
            double moeLayers = _model.MoeLayerCount / (double)pp;
            groups.Add(new("ep (moe layers of a stage)", collective, stageGpus, LinkName(stageGpus, 1), decodeRows * perToken * moeLayers, prefillRows * perToken * moeLayers));
        }

        if (pp > 1)
        {
            groups.Add(new("pp", "send/recv", 2, LinkName(2, stageGpus), decodeRows * h * ActivationBytes, prefillRows * h * ActivationBytes));
        }

        return groups;
    }

    /// <summary>The layer modules whose GEMMs the model has, with the format each is stored in and the path it runs on.</summary>
    private IEnumerable<(string Module, NumericFormat Stored, GemmPath Path)> ModulePaths()
    {
        Precision precision = _scenario.Precision;
        yield return ("attention", precision.AttentionWeights, _physics.AttentionGemm);
        if (_model.IsMoe)
        {
            yield return ("routed experts", precision.ExpertWeights, _physics.ExpertGemm);
        }

        if (_model.DenseLayerCount > 0 || _model.Moe is { SharedIntermediateSize: > 0 })
        {
            yield return ("dense FFN and shared experts", precision.DenseWeights, _physics.DenseGemm);
        }
    }

    /// <summary>
    /// The compute bound when modules run in different formats: one token's active parameters of each module at that
    /// module's peak x efficiency, the rest (LM head, routers, norms) at the precision's weights' own:
    /// tokens/s = 1 / sum(2 x active_m / (peak_m x eff_m)).
    /// </summary>
    private double PerModuleComputeBound()
    {
        ParameterBreakdown p = _model.Parameters;
        double expertsActive = _model.Moe is { } moe ? (double)moe.ParametersPerExpert(_model.HiddenSize) * moe.ExpertsPerToken * _model.MoeLayerCount : 0;
        double dense = p.DenseFeedForward + p.SharedExperts;
        double rest = _model.ActiveParameters - p.Attention - expertsActive - dense;
        double seconds = (2.0 * p.Attention / (_physics.AttentionGemm.Peak * _physics.AttentionGemm.Efficiency))
            + (2.0 * expertsActive / (_physics.ExpertGemm.Peak * _physics.ExpertGemm.Efficiency))
            + (2.0 * dense / (_physics.DenseGemm.Peak * _physics.DenseGemm.Efficiency))
            + (2.0 * rest / (_physics.PeakGemm * _physics.GemmEfficiency));
        return 1 / seconds;
    }

    private static double Round(double value) => Math.Round(value, 4);

    private static string Num(double value, string format = "0.##") => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>The workload form as the JSON and the scenario name it.</summary>
    public static string ArrivalName(WorkloadForm form) => form switch
    {
        WorkloadForm.Burst => "burst",
        WorkloadForm.RequestRate => "request_rate",
        WorkloadForm.Trace => "trace",
        _ => "closed_loop",
    };
}
