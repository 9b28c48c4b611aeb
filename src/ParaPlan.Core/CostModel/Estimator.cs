using System.Globalization;
using ParaPlan.Domain;
using ParaPlan.Reports;

namespace ParaPlan.CostModel;

/// <summary>
/// The cost model: for a scenario and one strategy, what each GPU holds and how fast the deployment runs. Works per
/// operator on the critical GPU (the busiest pipeline stage), with a roofline per operator and ring / all-to-all
/// formulas per collective. Every formula is in docs/cost-model.md with its source.
/// </summary>
public static class Estimator
{
    private const double ActivationBytes = 2.0;   // bf16 activations and collectives
    private const double GB = 1e9;

    /// <summary>Estimates <paramref name="strategy"/> for <paramref name="scenario"/> with the engine's efficiency profile.</summary>
    public static EstimateResult Estimate(Scenario scenario, ParallelStrategy strategy) =>
        Estimate(scenario, strategy, EfficiencyCatalog.BuiltIn.Resolve(scenario.Engine, scenario.Hardware.Gpu));

    public static EstimateResult Estimate(Scenario scenario, ParallelStrategy strategy, EfficiencyProfile profile, double routingSkew = 0)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(profile);
        var run = new Run(scenario, strategy, profile, routingSkew, report: true);
        return run.Compute(out _)!;
    }

    /// <summary>
    /// The full estimate together with every pipeline stage's operators (in the order a layer runs them, with their
    /// counts and times) for one decode step and one prefill chunk: what the deployment DAG is built from, so the two
    /// can never disagree.
    /// </summary>
    public static OperatorDescription Describe(Scenario scenario, ParallelStrategy strategy, EfficiencyProfile profile)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(profile);
        var run = new Run(scenario, strategy, profile, 0, report: true) { CaptureStages = true };
        EstimateResult estimate = run.Compute(out _)!;
        return new OperatorDescription(estimate, run.DecodeStages!, run.PrefillStages!, run.DecodeTokensPerGroup, run.PrefillTokensPerGroup);
    }

    /// <summary>
    /// The cost model prepared for one strategy, to be evaluated at several concurrencies without redoing the
    /// per-strategy work (the search's inner loop).
    /// </summary>
    public static PreparedEstimate Prepare(Scenario scenario, ParallelStrategy strategy, EfficiencyProfile profile, double routingSkew = 0)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(profile);
        return new PreparedEstimate(new Run(scenario, strategy, profile, routingSkew, report: false));
    }

    /// <summary>A strategy ready to be costed at any concurrency (figures only).</summary>
    public sealed class PreparedEstimate
    {
        private readonly Run _run;

        internal PreparedEstimate(object run) => _run = (Run)run;

        public EstimateFigures Figures(ConcurrencySetting concurrency)
        {
            _run.Compute(out EstimateFigures figures, concurrency);
            return figures;
        }
    }

    /// <summary>
    /// The headline figures only, without the breakdown, texts and checks: the same arithmetic as
    /// <see cref="Estimate(Scenario, ParallelStrategy, EfficiencyProfile, double)"/>, for a search that costs
    /// millions of strategies.
    /// </summary>
    public static EstimateFigures Figures(Scenario scenario, ParallelStrategy strategy, EfficiencyProfile profile, double routingSkew = 0)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(profile);
        var run = new Run(scenario, strategy, profile, routingSkew, report: false);
        run.Compute(out EstimateFigures figures);
        return figures;
    }

    /// <summary>One estimate in progress: the resolved constants and the phase models.</summary>
    private sealed class Run
    {
        private readonly Scenario _scenario;
        private readonly ModelArchitecture _model;
        private readonly ParallelStrategy _strategy;
        private readonly EfficiencyProfile _profile;
        private readonly ModelShard _shard;
        private readonly GpuSpec _gpu;
        private readonly List<string> _assumptions = [];
        private readonly List<string> _warnings = [];
        private readonly int _tp;
        private readonly int _sp;
        private readonly int _dp;
        private readonly int _pp;
        private readonly int _ep;
        private readonly int _stageGpus;
        private readonly double _weightBytes;
        private readonly double _edgeWeightBytes;
        private readonly double _kvBytes;
        private readonly double _dispatchBytes;
        private readonly double _peakGemm;
        private readonly double _gemmEfficiency;
        private readonly double _peakAttention;
        private readonly double _hbm;
        private readonly int[] _stageLayers;
        private readonly int[] _stageStart;
        private readonly int[] _stageClass;
        private readonly double _skew;
        private readonly bool _report;
        private List<Ledger>? _capture;

        /// <summary>When set, every stage's operators of the decode step and the TTFT prefill are kept (for the DAG).</summary>
        public bool CaptureStages { get; init; }

        public IReadOnlyList<IReadOnlyList<OperatorCost>>? DecodeStages { get; private set; }

        public IReadOnlyList<IReadOnlyList<OperatorCost>>? PrefillStages { get; private set; }

        public double DecodeTokensPerGroup { get; private set; }

        public double PrefillTokensPerGroup { get; private set; }

        public Run(Scenario scenario, ParallelStrategy strategy, EfficiencyProfile profile, double routingSkew, bool report)
        {
            _report = report;
            _scenario = scenario;
            _model = scenario.Model;
            _strategy = strategy;
            _profile = profile;
            _gpu = scenario.Hardware.Gpu;
            _skew = routingSkew;
            _tp = strategy.TensorParallel;
            _sp = strategy.SequenceParallel;
            _dp = strategy.DataParallel;
            _pp = Math.Min(strategy.PipelineParallel, _model.LayerCount);
            _ep = strategy.ExpertParallel;
            _stageGpus = (int)strategy.GpusPerStage;
            _shard = new ModelShard(_model, strategy);

            Precision precision = scenario.Precision;
            _weightBytes = precision.Weights.BytesPerElement();
            _edgeWeightBytes = Math.Max(_weightBytes, 2.0);
            _kvBytes = precision.KvCache.BytesPerElement();
            _dispatchBytes = _weightBytes <= 1.0 ? 1.0 : ActivationBytes;
            NumericFormat computeFormat = ComputeFormat(precision.Weights);
            NumericFormat runsIn = _gpu.ComputeFormatFor(computeFormat);
            _peakGemm = _gpu.PeakTflopsFor(computeFormat) * 1e12;
            _gemmEfficiency = runsIn.BytesPerElement() < 2.0
                ? _profile.GemmComputeEfficiency * _profile.LowPrecisionGemmRatio
                : _profile.GemmComputeEfficiency;
            _peakAttention = _gpu.PeakTflopsFor(NumericFormat.Bf16) * 1e12;
            _hbm = _gpu.MemoryBandwidthTbps * 1e12;
            if (_report && runsIn != computeFormat)
            {
                _assumptions.Add($"{_gpu.Id} has no native {computeFormat.FileName()} tensor cores: GEMMs run at its {runsIn.FileName()} peak ({Num(_peakGemm / 1e12)} TFLOPS)");
            }

            if (_report && _weightBytes < 2.0)
            {
                _assumptions.Add($"embeddings, LM head and routers are kept in 16-bit ({precision.Weights.FileName()} checkpoints quantise only the layer GEMMs)");
            }

            (_stageLayers, _stageStart) = Planning.RankLayout.LayerSplit(_model.LayerCount, _pp);

            // Stages with the same layer count, the same number of MoE layers and the same edge (embedding, LM head)
            // cost the same: each is costed once (the search evaluates pipelines of up to 61 stages).
            _stageClass = new int[_pp];
            for (int s = 0; s < _pp; s++)
            {
                _stageClass[s] = s;
                for (int t = 0; t < s; t++)
                {
                    if (_stageClass[t] == t && SameClass(s, t))
                    {
                        _stageClass[s] = t;
                        break;
                    }
                }
            }
        }

        private bool SameClass(int a, int b) =>
            _stageLayers[a] == _stageLayers[b]
            && _model.CountMoeLayers(_stageStart[a], _stageLayers[a]) == _model.CountMoeLayers(_stageStart[b], _stageLayers[b])
            && (a == 0) == (b == 0)
            && (a == _pp - 1) == (b == _pp - 1);

        /// <summary>Runs the model; returns the full result when reporting, else null with only <paramref name="figures"/>.</summary>
        /// <param name="figures">The headline figures.</param>
        /// <param name="concurrencyOverride">Sequences in flight instead of the scenario's (the search tries several).</param>
        public EstimateResult? Compute(out EstimateFigures figures, ConcurrencySetting? concurrencyOverride = null)
        {
            Workload workload = concurrencyOverride is { } c ? new Workload(_scenario.Workload.InputTokens, _scenario.Workload.OutputTokens, c) : _scenario.Workload;
            Requirements requirements = _scenario.Requirements;
            int replicas = _strategy.Replicas;
            double capacity = _gpu.MemoryGb;
            double limit = capacity * requirements.MaxMemoryUtilization;
            int contextForMemory = workload.MaxContextTokens;

            // ---- memory and concurrency ----
            double activations = ActivationMemoryGb();
            double runtime = _profile.RuntimeReserveGb;
            double kvPerSequenceBusiest = 0;
            int limitByMemory = int.MaxValue;
            for (int s = 0; s < _pp; s++)
            {
                if (_stageClass[s] != s)
                {
                    continue;
                }

                double free = limit - (StageWeightBytes(s).Total / GB) - activations - runtime;
                double kvPerSequence = KvBytesPerSequence(s, contextForMemory) / GB;
                kvPerSequenceBusiest = Math.Max(kvPerSequenceBusiest, kvPerSequence);
                int fit = free <= 0 ? 0 : (int)Math.Min(int.MaxValue / 4, Math.Floor(free / kvPerSequence));
                limitByMemory = Math.Min(limitByMemory, fit);
            }

            int cap = _profile.MaxRunningSequences;
            int concurrencyByMemory = (int)Math.Min(int.MaxValue / 4, (long)limitByMemory * _dp * replicas);
            int concurrency;
            if (workload.Concurrency.Sequences is { } stated)
            {
                concurrency = stated;
            }
            else
            {
                int perGroup = Math.Max(1, Math.Min(limitByMemory, cap));
                concurrency = perGroup * _dp * replicas;
                if (_report)
                {
                    _assumptions.Add(limitByMemory <= cap
                    ? $"concurrency max: {concurrency} sequences, the most whose KV cache ({Num(kvPerSequenceBusiest * 1000, "0.#")} MB each per GPU at {contextForMemory} tokens) fits beside the weights"
                    : $"concurrency max: {concurrency} sequences, the engine's cap of {cap} running sequences per {(_dp > 1 ? "DP group" : "instance")} (memory would allow {concurrencyByMemory})");
                }
            }

            double perGroupRequested = (double)concurrency / replicas / _dp;
            double running = Math.Min(Math.Ceiling(perGroupRequested), cap);
            if (_report && workload.Concurrency.Sequences is not null && Math.Ceiling(perGroupRequested) > cap)
            {
                _warnings.Add($"concurrency {concurrency} puts {Math.Ceiling(perGroupRequested)} sequences on each {(_dp > 1 ? "DP group" : "instance")}, above the engine's cap of {cap} running sequences: the rest wait their turn (TTFT includes that wait)");
            }

            double waves = Math.Ceiling(Math.Ceiling(perGroupRequested) / running);
            var memory = MemoryAt(running, contextForMemory, activations, runtime, capacity, limit);

            // ---- decode (TPOT at the mean context) ----
            double meanInput = workload.InputTokens.Mean;
            double decodeContext = meanInput + (workload.OutputTokens / 2.0);
            double runningInstance = running * _dp;
            int microBatches = (int)Math.Max(1, Math.Min(_pp, Math.Floor(runningInstance)));
            double decodeTokensPerGroup = running / microBatches;
            _capture = CaptureStages ? [] : null;
            Step decode = DecodeStep(decodeTokensPerGroup, decodeContext, microBatches);
            DecodeStages = Captured();
            DecodeTokensPerGroup = decodeTokensPerGroup;

            // ---- prefill (TTFT at the longest prompt; throughput at the mean) ----
            _capture = CaptureStages ? [] : null;
            Step ttftPrefill = PrefillPass(running, workload.InputTokens.Max);
            PrefillStages = Captured();
            PrefillTokensPerGroup = ttftPrefill.TokensPerStep / _dp;
            Step meanPrefill = workload.InputTokens.IsFixed ? ttftPrefill : PrefillPass(running, meanInput, breakdown: false);

            // The front end (one API server per instance, docs/cost-model.md "The front end") streams every token and
            // admits every request on one CPU lane: per decode step of the instance it must stream one token of each
            // running sequence and admit the 1/output of them that finish and are replaced. When that takes longer
            // than the step, clients see tokens at the lane's pace, not the engine's.
            double frontEndMs = runningInstance * ((_profile.StreamingTokenUs / 1000) + (_profile.AdmissionMsPerRequest / Math.Max(1, workload.OutputTokens)));
            double tpotMs = Math.Max(decode.TotalMs, frontEndMs);
            double tpotLongestMs = workload.InputTokens.IsFixed
                ? tpotMs
                : Math.Max(DecodeStep(decodeTokensPerGroup, workload.InputTokens.Max + (workload.OutputTokens / 2.0), microBatches, breakdown: false).TotalMs, frontEndMs);

            // Chunked prefill with decode priority (vLLM V1, SGLang, TensorRT-LLM in-flight batching): every prefill
            // step also runs a decode step of the requests already prefilled, on average half of them.
            double interleavedMs = 0;
            if (ttftPrefill.Steps > 1 && runningInstance > 1)
            {
                double half = Math.Max(1, running / 2);
                interleavedMs = ttftPrefill.Steps * DecodeStep(half / microBatches, meanInput, microBatches, breakdown: false).TotalMs;
                ttftPrefill.Operators?.Add(new OperatorCost("decode steps of already-prefilled requests (interleaved)", "overhead", ttftPrefill.Steps, Round(interleavedMs), 0, 0, "overhead"));
            }

            double cycleMs = meanPrefill.TotalMs + (workload.OutputTokens * tpotMs);
            double instanceGpus = _strategy.GpusPerInstance;
            double outputPerGpu = runningInstance * workload.OutputTokens / (cycleMs / 1000) / instanceGpus;
            double totalPerGpu = runningInstance * (meanInput + workload.OutputTokens) / (cycleMs / 1000) / instanceGpus;
            double firstTokensMs = ttftPrefill.TotalMs + interleavedMs;
            double ttftMs = _profile.RequestOverheadMs + _profile.AdmissionMsPerRequest + firstTokensMs + ((waves - 1) * (ttftPrefill.TotalMs + (workload.OutputTokens * tpotMs)));
            double meanTtftMs = _profile.RequestOverheadMs + _profile.AdmissionMsPerRequest + (firstTokensMs * (ttftPrefill.Steps + 1) / (2.0 * ttftPrefill.Steps)) + ((waves - 1) / 2 * (ttftPrefill.TotalMs + (workload.OutputTokens * tpotMs)));

            if (!_report)
            {
                figures = new EstimateFigures(concurrency, concurrencyByMemory, memory.Weights, memory.KvCache, memory.Total, memory.Limit, ttftMs, tpotMs, tpotLongestMs, outputPerGpu, totalPerGpu);
                return null;
            }

            // ---- bounds, checks ----
            double computeBound = _peakGemm * _gemmEfficiency / (2.0 * _model.ActiveParameters);
            double bandwidthBound = decode.MemoryOnlyMs > 0 ? runningInstance / (decode.MemoryOnlyMs / 1000) / instanceGpus : 0;
            var checks = Checks(memory, ttftMs, tpotLongestMs, outputPerGpu);
            if (memory.Total > memory.Limit)
            {
                _warnings.Add($"memory: {Num(memory.Total)} GB per GPU exceeds the {Num(memory.Limit)} GB allowed ({Num(requirements.MaxMemoryUtilization * 100)}% of {Num(capacity)} GB)");
            }

            MoeLoad? moe = MoeDetail(decodeTokensPerGroup, ttftPrefill.TokensPerStep);
            if (moe is not null)
            {
                _assumptions.Add(_skew > 0
                    ? $"expert routing skewed (Zipf exponent {Num(_skew)}): the busiest EP rank gets {Num(moe.DecodeImbalance, "0.00")}x the mean load in decode"
                    : $"expert routing uniform top-{_model.Moe!.ExpertsPerToken}: the busiest EP rank gets {Num(moe.DecodeImbalance, "0.00")}x the mean load in decode, {Num(moe.PrefillImbalance, "0.00")}x in prefill (balls-into-bins statistics)");
            }

            _assumptions.Add($"efficiency profile {_profile.Name}");
            if (frontEndMs > 0)
            {
                double load = frontEndMs / decode.TotalMs;
                string lane = $"front end (one API server per instance): {Num(_profile.StreamingTokenUs, "0.#")} us per streamed token, {Num(_profile.AdmissionMsPerRequest, "0.#")} ms per admitted request, {Num(frontEndMs, "0.##")} ms of its work per {Num(decode.TotalMs, "0.##")} ms decode step ({Num(load * 100, "0")}% busy; costs fitted on benchmark runs whose one client process also parses every token, so clients on other machines lighten it)";
                if (load > 1)
                {
                    _warnings.Add($"{lane}: the front end, not the GPUs, sets the pace; clients see a token every {Num(frontEndMs, "0.##")} ms (run more API server processes, e.g. vLLM --api-server-count, or fewer sequences per instance)");
                }
                else
                {
                    _assumptions.Add(lane);
                }
            }

            _assumptions.Add($"memory holds every running sequence at its longest context ({contextForMemory} tokens); TPOT is costed at the mean context ({Num(decodeContext, "0")} tokens)");

            figures = new EstimateFigures(concurrency, concurrencyByMemory, memory.Weights, memory.KvCache, memory.Total, memory.Limit, ttftMs, tpotMs, tpotLongestMs, outputPerGpu, totalPerGpu);
            return new EstimateResult
            {
                Parallel = StrategySummary.From(_strategy),
                Concurrency = concurrency,
                MemoryPerGpuGb = memory,
                TtftMs = ttftMs,
                TpotMs = tpotMs,
                TpotLongestPromptMs = tpotLongestMs,
                OutputTokensPerSPerGpu = outputPerGpu,
                TotalTokensPerSPerGpu = totalPerGpu,
                Checks = checks,
                Assumptions = _assumptions,
                Warnings = _warnings,
                Model = _model.Name,
                Gpu = _gpu.Id,
                Engine = _scenario.Engine.ToString().ToLowerInvariant(),
                MeanTtftMs = meanTtftMs,
                CyclePrefillMs = meanPrefill.TotalMs,
                CyclePrefillSteps = meanPrefill.Steps,
                QueuedWaves = waves,
                DecodeStepAt = perGroup => DecodeStep(perGroup / Math.Max(1, Math.Min(_pp, Math.Floor(perGroup * _dp))), decodeContext, (int)Math.Max(1, Math.Min(_pp, Math.Floor(perGroup * _dp))), breakdown: false).TotalMs,
                PrefillStepAt = tokensPerGroup => PrefillChunkMs(tokensPerGroup, meanInput),
                CycleMs = cycleMs,
                RunningSequencesPerGroup = running,
                ConcurrencyLimitByMemory = concurrencyByMemory,
                Prefill = ttftPrefill.ToPhase(),
                Decode = decode.ToPhase(),
                Moe = moe,
                Pipeline = new PipelineDetail(_stageLayers, microBatches, ttftPrefill.Steps > 0 ? (_pp - 1.0) / (ttftPrefill.Steps + _pp - 1.0) : 0),
                Bounds = new PhysicalBounds(computeBound, bandwidthBound, _peakGemm / 1e12, _gpu.MemoryBandwidthTbps),
                Communication = CommunicationGroups(decodeTokensPerGroup, ttftPrefill.TokensPerStep),
                EfficiencyProfile = _profile.Name,
                Efficiency = new Dictionary<string, double>(StringComparer.Ordinal)
                {
                    ["gemm_compute_efficiency"] = _profile.GemmComputeEfficiency,
                    ["low_precision_gemm_ratio"] = _profile.LowPrecisionGemmRatio,
                    ["attention_compute_efficiency"] = _profile.AttentionComputeEfficiency,
                    ["memory_bandwidth_efficiency"] = _profile.MemoryBandwidthEfficiency,
                    ["intra_node_link_efficiency"] = _profile.IntraNodeLinkEfficiency,
                    ["inter_node_link_efficiency"] = _profile.InterNodeLinkEfficiency,
                    ["step_overhead_ms"] = _profile.StepOverheadMs,
                    ["layer_overhead_us"] = _profile.LayerOverheadUs,
                    ["moe_gemm_compute_efficiency"] = _profile.MoeGemmComputeEfficiency,
                    ["moe_layer_overhead_us"] = _profile.MoeLayerOverheadUs,
                    ["moe_memory_bandwidth_efficiency"] = _profile.MoeMemoryBandwidthEfficiency,
                    ["sequence_overhead_us"] = _profile.SequenceOverheadUs,
                    ["streaming_token_us"] = _profile.StreamingTokenUs,
                    ["expert_overhead_us"] = _profile.ExpertOverheadUs,
                    ["request_overhead_ms"] = _profile.RequestOverheadMs,
                    ["admission_ms"] = _profile.AdmissionMsPerRequest,
                },
            };
        }

        // ================= memory =================

        private readonly record struct StageWeights(double Attention, double Experts, double Dense, double Embedding)
        {
            public double Total => Attention + Experts + Dense + Embedding;
        }

        private StageWeights StageWeightBytes(int stage)
        {
            int layers = _stageLayers[stage];
            int moeLayers = _model.CountMoeLayers(_stageStart[stage], layers);
            int denseLayers = layers - moeLayers;
            double attention = layers * ((_shard.AttentionParameters * _weightBytes) + (_shard.NormParameters * 2));
            double experts = moeLayers * ((_shard.ExpertParametersPerLayer * _weightBytes) + (_shard.RouterParameters * _edgeWeightBytes));
            double dense = (denseLayers * _shard.DenseFfnParameters * _weightBytes) + (moeLayers * _shard.SharedParameters * _weightBytes);
            double embedding = 0;
            if (stage == 0)
            {
                embedding += _shard.EmbeddingParameters * _edgeWeightBytes;
            }

            if (stage == _pp - 1 && !(_model.TiedEmbeddings && _pp == 1))
            {
                embedding += _shard.EmbeddingParameters * _edgeWeightBytes;
            }

            return new StageWeights(attention, experts, dense, embedding);
        }

        /// <summary>KV-cache bytes one sequence of <paramref name="context"/> tokens takes on a GPU of stage <paramref name="stage"/>.</summary>
        private double KvBytesPerSequence(int stage, double context) =>
            Math.Ceiling(context / _sp) * _stageLayers[stage] * _shard.KvElementsPerTokenLayer * _kvBytes;

        /// <summary>
        /// Peak transient activations of one prefill chunk: the residual stream and its norm, the QKV and attention
        /// outputs, the widest FFN/MoE intermediate (gate and up), and fp32 logits of the sequences finishing in it.
        /// </summary>
        private double ActivationMemoryGb()
        {
            double chunk = _profile.MaxBatchedTokens / (double)_sp;
            double ffn = Math.Max(_shard.DenseFfnWidth, _shard.SharedWidth);
            if (_model.Moe is { } moe && _model.IsMoe)
            {
                double routedTokens = chunk * _dp * _sp * moe.ExpertsPerToken / _ep;
                ffn = Math.Max(ffn, routedTokens / chunk * _shard.ExpertWidth);
            }

            double perToken = (4.0 * _model.HiddenSize) + _shard.QkvOutputWidth + _shard.AttentionOutputWidth + (2 * ffn);
            double logits = Math.Min(chunk, 256) * _shard.VocabularyPerGpu * 4;
            return ((chunk * perToken * ActivationBytes) + logits) / GB;
        }

        private MemoryPerGpu MemoryAt(double runningPerGroup, int context, double activations, double runtime, double capacity, double limit)
        {
            int busiest = 0;
            double busiestTotal = -1;
            StageWeights busiestWeights = default;
            double busiestKv = 0;
            for (int s = 0; s < _pp; s++)
            {
                if (_stageClass[s] != s)
                {
                    continue;
                }

                StageWeights weights = StageWeightBytes(s);
                double kv = runningPerGroup * KvBytesPerSequence(s, context);
                if (weights.Total + kv > busiestTotal)
                {
                    busiest = s;
                    busiestTotal = weights.Total + kv;
                    busiestWeights = weights;
                    busiestKv = kv;
                }
            }

            double weightsGb = busiestWeights.Total / GB;
            double kvGb = busiestKv / GB;
            double total = weightsGb + kvGb + activations + runtime;
            return new MemoryPerGpu(
                Round(weightsGb), Round(kvGb), Round(activations), Round(runtime), Round(total), capacity, Round(limit),
                Round(busiestWeights.Attention / GB), Round(busiestWeights.Experts / GB), Round(busiestWeights.Dense / GB),
                Round(busiestWeights.Embedding / GB), Round(KvBytesPerSequence(busiest, context) / 1e6));
        }

        // ================= time =================

        /// <summary>A phase step: per-stage times, the operators of the slowest stage, and totals.</summary>
        private sealed class Step(bool report)
        {
            public List<OperatorCost>? Operators { get; } = report ? [] : null;

            public double TotalMs { get; set; }

            public double StageMs { get; set; }

            public double TokensPerStep { get; set; }

            public int Steps { get; set; } = 1;

            public double MemoryOnlyMs { get; set; }

            public PhaseCost ToPhase()
            {
                List<OperatorCost> operators = Operators ?? [];
                double compute = 0, memory = 0, communication = 0, overhead = 0;
                foreach (OperatorCost o in operators)
                {
                    switch (o.Bound)
                    {
                        case "compute": compute += o.TimeMs; break;
                        case "memory": memory += o.TimeMs; break;
                        case "communication": communication += o.TimeMs; break;
                        case "overhead": overhead += o.TimeMs; break;
                    }
                }

                return new PhaseCost(
                    Round(StageMs), TokensPerStep, Steps, Round(compute), Round(memory), Round(communication), Round(overhead), operators);
            }
        }

        /// <summary>Accumulates operator times of one stage, optionally keeping the breakdown.</summary>
        private sealed class Ledger(bool keep, int stageLayers)
        {
            // A stage has about fifteen operators whose names are shared constants: a short list searched with an
            // ordinal comparison (equal references match at once) is cheaper than a hashed dictionary here.
            private readonly List<Entry> _ops = keep ? new List<Entry>(16) : [];

            public double Seconds { get; private set; }

            public double MemoryOnlySeconds { get; private set; }

            public int StageLayers { get; } = stageLayers;

            public void Add(string name, string kind, int count, double seconds, double flops, double bytes, string bound, double memorySeconds)
            {
                if (count <= 0)
                {
                    return;
                }

                Seconds += seconds * count;
                MemoryOnlySeconds += memorySeconds * count;
                if (!keep)
                {
                    return;
                }

                int index = IndexOf(name);
                if (index >= 0)
                {
                    Entry existing = _ops[index];
                    _ops[index] = existing with { Kind = kind, Count = existing.Count + count, Time = existing.Time + (seconds * count), Flops = existing.Flops + (flops * count), Bytes = existing.Bytes + (bytes * count) };
                }
                else
                {
                    _ops.Add(new Entry(name, kind, count, seconds * count, flops * count, bytes * count, bound));
                }
            }

            public IEnumerable<OperatorCost> Operators(double scale)
            {
                foreach (Entry o in _ops)
                {
                    yield return new OperatorCost(o.Name, o.Kind, o.Count, RoundMs(o.Time * 1000 * scale), o.Flops * scale, o.Bytes * scale, o.Bound);
                }
            }

            private int IndexOf(string name)
            {
                for (int i = 0; i < _ops.Count; i++)
                {
                    if (string.Equals(_ops[i].Name, name, StringComparison.Ordinal))
                    {
                        return i;
                    }
                }

                return -1;
            }

            private readonly record struct Entry(string Name, string Kind, int Count, double Time, double Flops, double Bytes, string Bound);
        }

        /// <summary>
        /// One decode step of a micro-batch: <paramref name="tokensPerGroup"/> sequences per DP group, each reading
        /// <paramref name="context"/> cached tokens. With m micro-batches in flight a token's cycle takes
        /// max(sum of stage times, m x slowest stage) + the step overhead. The operators are kept when reporting unless
        /// <paramref name="breakdown"/> is false (a step whose time alone is used).
        /// </summary>
        private Step DecodeStep(double tokensPerGroup, double context, int microBatches, bool breakdown = true)
        {
            double attentionFlops = tokensPerGroup * Math.Ceiling(context / _sp) * _shard.DecodeAttentionFlopsPerContextToken;
            double attentionBytes = tokensPerGroup * Math.Ceiling(context / _sp) * _shard.KvElementsPerTokenLayer * _kvBytes;
            (Ledger slowest, double sum, double memorySum, double memorySlowest) = Stages(tokensPerGroup, attentionFlops, attentionBytes, prefill: false, tokensPerGroup, _report && breakdown);
            double overhead = (_profile.StepOverheadMs / 1000) + (tokensPerGroup * microBatches * _profile.SequenceOverheadUs / 1e6);
            double busy = microBatches * slowest.Seconds;
            double cycle = Math.Max(sum, busy);
            var step = new Step(_report && breakdown)
            {
                TokensPerStep = tokensPerGroup * _dp,
                TotalMs = (cycle + overhead) * 1000,
                StageMs = slowest.Seconds * 1000,
                MemoryOnlyMs = Math.Max(memorySum, microBatches * memorySlowest) * 1000,
            };
            if (step.Operators is { } operators)
            {
                operators.AddRange(slowest.Operators(microBatches));
                if (cycle > busy)
                {
                    operators.Add(new OperatorCost("pipeline (other stages)", "overhead", 1, Round((cycle - busy) * 1000), 0, 0, "overhead"));
                }

                operators.Add(new OperatorCost("step overhead (scheduling, sampling, per-sequence CPU work)", "overhead", 1, Round(overhead * 1000), 0, 0, "overhead"));
            }

            return step;
        }

        /// <summary>
        /// Prefill of <paramref name="sequencesPerGroup"/> prompts of <paramref name="promptTokens"/> tokens per DP group, in
        /// chunks of the engine's batched-token budget, through the pipeline: the first chunk crosses every stage, each
        /// further chunk leaves one slowest-stage time later, and every chunk is one engine step. The operators are kept
        /// when reporting unless <paramref name="breakdown"/> is false (a pass whose time alone is used).
        /// </summary>
        private Step PrefillPass(double sequencesPerGroup, double promptTokens, bool breakdown = true)
        {
            double tokens = Math.Max(1, sequencesPerGroup) * promptTokens;
            double chunk = Math.Min(_profile.MaxBatchedTokens, tokens);
            int chunks = (int)Math.Ceiling(tokens / chunk);
            double pairs = Math.Max(1, sequencesPerGroup) * promptTokens * (promptTokens + 1) / 2.0;
            double attentionFlops = pairs / chunks * _shard.PrefillAttentionFlopsPerPair / _sp;
            double attentionBytes = chunk / _sp * (_shard.QkvOutputWidth + _shard.AttentionOutputWidth) * ActivationBytes;
            double sequencesFinishing = Math.Max(chunk / promptTokens, 1.0 / chunks);
            (Ledger slowest, double sum, _, _) = Stages(chunk, attentionFlops, attentionBytes, prefill: true, sequencesFinishing, _report && breakdown);
            double overhead = _profile.StepOverheadMs / 1000;
            double fill = sum - slowest.Seconds;
            var step = new Step(_report && breakdown)
            {
                TokensPerStep = chunk * _dp,
                Steps = chunks,
                TotalMs = ((chunks * slowest.Seconds) + fill + (chunks * overhead)) * 1000,
                StageMs = slowest.Seconds * 1000,
            };
            if (step.Operators is { } operators)
            {
                operators.AddRange(slowest.Operators(chunks));
                if (fill > 0)
                {
                    operators.Add(new OperatorCost("pipeline fill (first chunk through the other stages)", "overhead", 1, Round(fill * 1000), 0, 0, "overhead"));
                }

                operators.Add(new OperatorCost("step overhead", "overhead", chunks, Round(chunks * overhead * 1000), 0, 0, "overhead"));
            }

            return step;
        }

        /// <summary>
        /// One engine step that prefills <paramref name="tokensPerGroup"/> prompt tokens per DP group from prompts of
        /// <paramref name="promptTokens"/> tokens: whole prompts when the step holds at least one, else that share of
        /// one chunk of a longer prompt (attention costed at the prompt's mean position).
        /// </summary>
        private double PrefillChunkMs(double tokensPerGroup, double promptTokens)
        {
            if (tokensPerGroup <= 0)
            {
                return 0;
            }

            if (tokensPerGroup >= promptTokens)
            {
                return PrefillPass(tokensPerGroup / promptTokens, promptTokens, breakdown: false).TotalMs;
            }

            Step whole = PrefillPass(1, promptTokens, breakdown: false);
            return whole.TotalMs / whole.Steps * tokensPerGroup / Math.Min(promptTokens, _profile.MaxBatchedTokens);
        }

        private List<IReadOnlyList<OperatorCost>>? Captured()
        {
            List<IReadOnlyList<OperatorCost>>? stages = _capture?.Select(l => (IReadOnlyList<OperatorCost>)[.. l.Operators(1)]).ToList();
            _capture = null;
            return stages;
        }

        /// <summary>Costs every stage; returns the slowest stage's ledger, the sum of stage times and the memory-only times.</summary>
        private (Ledger Slowest, double Sum, double MemorySum, double MemorySlowest) Stages(double tokensPerGroup, double attentionFlops, double attentionBytes, bool prefill, double sequencesFinishing, bool keep)
        {
            Ledger? slowest = null;
            double sum = 0, memorySum = 0, memorySlowest = 0;
            Ledger?[] byClass = _pp > 1 ? new Ledger?[_pp] : [null];
            for (int s = 0; s < _pp; s++)
            {
                int cls = _stageClass[s];
                Ledger ledger;
                if (byClass[cls] is { } known)
                {
                    ledger = known;
                }
                else
                {
                    ledger = new Ledger(keep, _stageLayers[s]);
                    StageTime(ledger, s, tokensPerGroup, attentionFlops, attentionBytes, prefill, sequencesFinishing);
                    byClass[cls] = ledger;
                }

                _capture?.Add(ledger);
                sum += ledger.Seconds;
                memorySum += ledger.MemoryOnlySeconds;
                memorySlowest = Math.Max(memorySlowest, ledger.MemoryOnlySeconds);
                if (slowest is null || ledger.Seconds > slowest.Seconds)
                {
                    slowest = ledger;
                }
            }

            return (slowest!, sum, memorySum, memorySlowest);
        }

        /// <summary>
        /// The time of one stage for a step in which each DP group processes <paramref name="tokensPerGroup"/> tokens.
        /// </summary>
        private void StageTime(Ledger ledger, int stage, double tokensPerGroup, double attentionFlops, double attentionBytes, bool prefill, double sequencesFinishing)
        {
            int layers = _stageLayers[stage];
            int moeLayers = _model.CountMoeLayers(_stageStart[stage], layers);
            int denseLayers = layers - moeLayers;
            int h = _model.HiddenSize;
            double rows = tokensPerGroup / _sp;       // GEMM rows per GPU on the attention side
            double stageTokens = tokensPerGroup * _dp; // tokens entering the stage's MoE layers

            // Attention block, every layer.
            Gemm(ledger, OperatorNames.QkvProjection, layers, rows, _shard.QkvParameters, rows * (h + _shard.QkvOutputWidth) * ActivationBytes);
            Roofline(ledger, prefill ? OperatorNames.AttentionPrefill : OperatorNames.AttentionDecode, "compute", layers, attentionFlops, attentionBytes, _peakAttention, _profile.AttentionComputeEfficiency);
            Gemm(ledger, OperatorNames.OutputProjection, layers, rows, _shard.OutputParameters, rows * (h + _shard.AttentionOutputWidth) * ActivationBytes);
            Memory(ledger, OperatorNames.Norms, layers, rows * h * ActivationBytes * 8);
            (double tpBw, double tpLat) = Link(_tp, 1);
            Comm(ledger, OperatorNames.TpAllReduceAttention, layers, Collectives.RingAllReduce(_tp, rows * h * ActivationBytes, tpBw, tpLat), rows * h * ActivationBytes);
            if (_sp > 1)
            {
                (double spBw, double spLat) = Link(_sp, _tp);
                double bytes = prefill
                    ? (_sp - 1) * rows * _shard.KvElementsPerTokenLayer * ActivationBytes           // ring pass of K/V chunks
                    : tokensPerGroup * _shard.AttentionOutputWidth * 4.0;                          // partial outputs + log-sum-exp
                double seconds = prefill ? Collectives.SendReceive(bytes, spBw, (_sp - 1) * spLat) : Collectives.RingAllGather(_sp, bytes, spBw, spLat);
                Comm(ledger, prefill ? OperatorNames.SpRing : OperatorNames.SpGather, layers, seconds, bytes);
            }

            // Dense FFN layers.
            if (denseLayers > 0)
            {
                Gemm(ledger, OperatorNames.DenseFfn, denseLayers, rows, _shard.DenseFfnParameters, rows * (h + (3 * _shard.DenseFfnWidth)) * ActivationBytes);
                Comm(ledger, OperatorNames.TpAllReduceFfn, denseLayers, Collectives.RingAllReduce(_tp, rows * h * ActivationBytes, tpBw, tpLat), rows * h * ActivationBytes);
            }

            // MoE layers.
            if (moeLayers > 0 && _model.Moe is { } moe)
            {
                Gemm(ledger, OperatorNames.Router, moeLayers, rows, _shard.RouterParameters, 0, _edgeWeightBytes);
                double meanLoad = stageTokens * moe.ExpertsPerToken / _ep;  // token-expert assignments per EP rank
                double imbalance = Imbalance(stageTokens);
                double load = meanLoad * imbalance;
                double activated = ExpertLoad.ActivatedFraction(stageTokens, moe.ExpertsPerToken, moe.ExpertCount);
                double expertsTouched = Math.Max(Math.Min(1, load), _shard.ExpertsPerRank * activated);
                double expertFlops = 2.0 * load * _shard.ExpertParameters;
                double expertBytes = (expertsTouched * _shard.ExpertParameters * _weightBytes) + (load * (h + (3 * _shard.ExpertWidth)) * ActivationBytes);
                double rowsPerExpert = load / Math.Max(expertsTouched, 1e-9);
                RooflineGemm(ledger, OperatorNames.RoutedExperts, moeLayers, expertFlops, expertBytes, rowsPerExpert, _profile.MoeGemmComputeEfficiency, _profile.MoeMemoryBandwidthEfficiency, _profile.MoeGemmHalfEfficiencyTokens);
                if (_shard.SharedParameters > 0)
                {
                    Gemm(ledger, OperatorNames.SharedExperts, moeLayers, rows, _shard.SharedParameters, rows * (h + (3 * _shard.SharedWidth)) * ActivationBytes);
                }

                MoeCommunication(ledger, moeLayers, rows, tokensPerGroup, stageTokens, moe);
                ledger.Add(OperatorNames.MoeKernels, "overhead", moeLayers, _profile.MoeLayerOverheadUs / 1e6, 0, 0, "overhead", 0);
                ledger.Add(OperatorNames.ExpertSetup, "overhead", moeLayers, expertsTouched * _profile.ExpertOverheadUs / 1e6, 0, 0, "overhead", 0);
            }

            // Pipeline edges: embedding on the first stage, LM head on the last, hand-off between stages.
            if (stage == 0)
            {
                Memory(ledger, OperatorNames.Embedding, 1, rows * h * _edgeWeightBytes);
            }

            if (stage == _pp - 1)
            {
                double headRows = prefill ? Math.Max(sequencesFinishing / _sp, 1.0 / _sp) : rows;
                Gemm(ledger, OperatorNames.LmHead, 1, headRows, _shard.EmbeddingParameters, headRows * _shard.VocabularyPerGpu * 4, _edgeWeightBytes);
            }
            else
            {
                (double ppBw, double ppLat) = Link(2, _stageGpus);
                Comm(ledger, OperatorNames.PpSend, 1, Collectives.SendReceive(rows * h * ActivationBytes, ppBw, ppLat), rows * h * ActivationBytes);
            }

            double launch = _profile.LayerOverheadUs / 1e6;
            ledger.Add(OperatorNames.KernelLaunches, "overhead", layers, launch, 0, 0, "overhead", 0);
        }

        private void MoeCommunication(Ledger ledger, int moeLayers, double rows, double tokensPerGroup, double stageTokens, MixtureOfExperts moe)
        {
            int h = _model.HiddenSize;
            (double bw, double lat) = Link(_stageGpus, 1);
            if (_dp * _sp == 1)
            {
                // Tokens are replicated across the stage after the attention all-reduce: each rank computes its experts'
                // share and the outputs are summed (vLLM/TRT-LLM TP-MoE and EP without attention-DP).
                double bytes = rows * h * ActivationBytes;
                Comm(ledger, OperatorNames.MoeAllReduce, moeLayers, Collectives.RingAllReduce(_stageGpus, bytes, bw, lat), bytes);
            }
            else if (_ep > 1)
            {
                // Attention-DP with EP: dispatch each token to the ranks of its experts and combine back (DeepEP).
                double tokensPerGpu = stageTokens / _stageGpus;
                double dispatch = tokensPerGpu * moe.ExpertsPerToken * h * _dispatchBytes;
                double combine = tokensPerGpu * moe.ExpertsPerToken * h * ActivationBytes;
                Comm(ledger, OperatorNames.Dispatch, moeLayers, AllToAllSeconds(_stageGpus, dispatch), dispatch);
                Comm(ledger, OperatorNames.Combine, moeLayers, AllToAllSeconds(_stageGpus, combine), combine);
                if (_tp > 1 && _shard.SharedParameters > 0)
                {
                    (double tpBw, double tpLat) = Link(_tp, 1);
                    Comm(ledger, OperatorNames.TpAllReduceShared, moeLayers, Collectives.RingAllReduce(_tp, rows * h * ActivationBytes, tpBw, tpLat), rows * h * ActivationBytes);
                }
            }
            else
            {
                // Attention-DP with tensor-parallel experts: gather every group's tokens, reduce-scatter the outputs.
                double bytes = stageTokens * h * ActivationBytes;
                Comm(ledger, OperatorNames.MoeAllGather, moeLayers, Collectives.RingAllGather(_stageGpus, bytes, bw, lat), bytes);
                Comm(ledger, OperatorNames.MoeReduceScatter, moeLayers, Collectives.RingAllGather(_stageGpus, bytes, bw, lat), bytes);
            }
        }

        private double Imbalance(double stageTokens)
        {
            if (_model.Moe is not { } moe)
            {
                return 1;
            }

            return ExpertLoad.UniformImbalance(stageTokens, moe.ExpertsPerToken, moe.ExpertCount, _ep)
                * ExpertLoad.SkewImbalance(_skew, moe.ExpertCount, _ep);
        }

        private void Gemm(Ledger ledger, string name, int count, double rows, double parameters, double activationBytes, double? weightBytes = null)
        {
            if (parameters <= 0 || count <= 0)
            {
                return;
            }

            double flops = 2.0 * rows * parameters;
            double bytes = (parameters * (weightBytes ?? _weightBytes)) + activationBytes;
            RooflineGemm(ledger, name, count, flops, bytes, rows);
        }

        /// <summary>time = max(flops / (peak x eff x M / (M + M0)), bytes / (HBM x eff)).</summary>
        private void RooflineGemm(Ledger ledger, string name, int count, double flops, double bytes, double rows, double? efficiency = null, double? bandwidthEfficiency = null, double? halfEfficiencyTokens = null)
        {
            double shape = rows / (rows + (halfEfficiencyTokens ?? _profile.GemmHalfEfficiencyTokens));
            double compute = flops / (_peakGemm * (efficiency ?? _gemmEfficiency) * Math.Max(shape, 1e-6));
            double memory = bytes / (_hbm * (bandwidthEfficiency ?? _profile.MemoryBandwidthEfficiency));
            ledger.Add(name, "compute", count, Math.Max(compute, memory), flops, bytes, compute >= memory ? "compute" : "memory", memory);
        }

        private void Roofline(Ledger ledger, string name, string kind, int count, double flops, double bytes, double peak, double efficiency)
        {
            double compute = flops / (peak * efficiency);
            double memory = bytes / (_hbm * _profile.MemoryBandwidthEfficiency);
            ledger.Add(name, kind, count, Math.Max(compute, memory), flops, bytes, compute >= memory ? "compute" : "memory", memory);
        }

        private void Memory(Ledger ledger, string name, int count, double bytes)
        {
            double seconds = bytes / (_hbm * _profile.MemoryBandwidthEfficiency);
            ledger.Add(name, "compute", count, seconds, 0, bytes, "memory", seconds);
        }

        private static void Comm(Ledger ledger, string name, int count, double seconds, double bytes)
        {
            if (seconds <= 0)
            {
                return;
            }

            ledger.Add(name, "communication", count, seconds, 0, bytes, "communication", 0);
        }

        /// <summary>
        /// Effective bandwidth (bytes/s) and latency (s) of a group of <paramref name="ranks"/> ranks
        /// <paramref name="stride"/> apart: NVLink when the group fits in a node, else the network. Ranks are laid
        /// out tp fastest, then sp, dp, pp, replica (Megatron's order).
        /// </summary>
        private (double Bandwidth, double Latency) Link(int ranks, int stride)
        {
            int perNode = _scenario.Hardware.GpusPerNode;
            bool crosses = ranks > 1 && (long)ranks * stride > perNode;
            LinkSpec link = crosses ? _gpu.InterNode : _gpu.IntraNode;
            double efficiency = crosses ? _profile.InterNodeLinkEfficiency : _profile.IntraNodeLinkEfficiency;
            return (link.BandwidthGbps * 1e9 * efficiency, link.LatencyUs / 1e6);
        }

        /// <summary>All-to-all over the stage: NVLink for peers in the node, the network for the rest, whichever is slower.</summary>
        private double AllToAllSeconds(int ranks, double bytesPerRank)
        {
            int perNode = _scenario.Hardware.GpusPerNode;
            if (ranks <= perNode)
            {
                (double bw, double lat) = Link(ranks, 1);
                return Collectives.AllToAll(ranks, bytesPerRank, bw, lat);
            }

            double intraBw = _gpu.IntraNode.BandwidthGbps * 1e9 * _profile.IntraNodeLinkEfficiency;
            double interBw = _gpu.InterNode.BandwidthGbps * 1e9 * _profile.InterNodeLinkEfficiency;
            double local = (perNode - 1.0) / ranks * bytesPerRank;
            double remote = (ranks - perNode) / (double)ranks * bytesPerRank;
            return Math.Max(local / intraBw, remote / interBw) + (2 * _gpu.InterNode.LatencyUs / 1e6);
        }

        // ================= reporting helpers =================

        private List<CheckResult> Checks(MemoryPerGpu memory, double ttftMs, double tpotMs, double outputPerGpu)
        {
            Requirements requirements = _scenario.Requirements;
            IReadOnlyList<StrategyViolation> violations = StrategyRules.Check(_strategy, _model, _scenario.Hardware.GpuCount);
            var checks = new List<CheckResult>
            {
                new("memory", memory.Total <= memory.Limit, $"{Num(memory.Total)} of {Num(memory.Limit)} GB allowed ({Num(memory.Capacity)} GB x {Num(requirements.MaxMemoryUtilization)})"),
                new("divisibility", violations.Count == 0, violations.Count == 0 ? "every degree divides what it splits" : string.Join("; ", violations.Select(v => v.ToString()))),
            };
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

            double decodeTokens = decodeTokensPerGroup * _dp;
            return new MoeLoad(
                Round(_shard.ExpertsPerRank),
                _shard.ExpertTensorParallel,
                Round(Imbalance(decodeTokens)),
                Round(Imbalance(prefillStageTokens)),
                Round(ExpertLoad.ActivatedFraction(decodeTokens, moe.ExpertsPerToken, moe.ExpertCount)),
                _skew,
                "busiest EP rank load / mean load; activated fraction = experts a decode step touches");
        }

        private List<CommunicationGroup> CommunicationGroups(double decodeTokensPerGroup, double prefillStageTokens)
        {
            int h = _model.HiddenSize;
            var groups = new List<CommunicationGroup>();
            string LinkName(int ranks, int stride) => ranks > 1 && (long)ranks * stride > _scenario.Hardware.GpusPerNode ? "inter-node" : "intra-node";
            double decodeRows = decodeTokensPerGroup / _sp;
            double prefillRows = prefillStageTokens / _dp / _sp;
            if (_tp > 1)
            {
                groups.Add(new("tp", "all_reduce", _tp, LinkName(_tp, 1), decodeRows * h * ActivationBytes * 2 * _model.LayerCount / _pp, prefillRows * h * ActivationBytes * 2 * _model.LayerCount / _pp));
            }

            if (_sp > 1)
            {
                groups.Add(new("sp", "K/V ring (prefill), all_gather (decode)", _sp, LinkName(_sp, _tp), decodeTokensPerGroup * _shard.AttentionOutputWidth * 4 * _model.LayerCount / _pp, (_sp - 1) * prefillRows * _shard.KvElementsPerTokenLayer * ActivationBytes * _model.LayerCount / _pp));
            }

            if (_model.IsMoe && _model.Moe is { } moe && _stageGpus > 1)
            {
                string collective = _dp * _sp == 1 ? "all_reduce" : _ep > 1 ? "all_to_all (dispatch, combine)" : "all_gather + reduce_scatter";
                double perToken = _dp * _sp == 1 ? h * ActivationBytes : _ep > 1 ? moe.ExpertsPerToken * h * (_dispatchBytes + ActivationBytes) / _stageGpus * _dp * _sp : 2 * h * ActivationBytes * _dp;
                double moeLayers = _model.MoeLayerCount / (double)_pp;
                groups.Add(new("ep (moe layers of a stage)", collective, _stageGpus, LinkName(_stageGpus, 1), decodeRows * perToken * moeLayers, prefillRows * perToken * moeLayers));
            }

            if (_pp > 1)
            {
                groups.Add(new("pp", "send/recv", 2, LinkName(2, _stageGpus), decodeRows * h * ActivationBytes, prefillRows * h * ActivationBytes));
            }

            return groups;
        }

        private static NumericFormat ComputeFormat(NumericFormat weights) => weights switch
        {
            NumericFormat.Int4 => NumericFormat.Bf16,   // weight-only W4A16: dequantised into 16-bit GEMMs
            _ => weights,
        };

        private static double Round(double value) => Math.Round(value, 4);

        private static double RoundMs(double value) => Math.Round(value, 7);

        private static string Num(double value, string format = "0.##") => value.ToString(format, CultureInfo.InvariantCulture);
    }
}
