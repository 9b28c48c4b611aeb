using ParaPlan.CostModel.Physics;
using ParaPlan.CostModel.Profiles;
using ParaPlan.CostModel.Reporting;
using ParaPlan.Domain;

namespace ParaPlan.CostModel.Serving;

/// <summary>
/// The engine's serving loop on top of the GPU physics (docs/cost-model.md, section 6): how many sequences run at
/// once (the KV pool and the engine's cap), a decode step of them through the pipeline's micro-batches with the
/// engine's per-step and per-sequence CPU work, the chunked prefill of their prompts, the first tokens of a burst,
/// and the steady-state throughput of a stream of requests. One instance per strategy, evaluated at any
/// concurrency (the search's inner loop).
/// </summary>
internal sealed class ServingModel
{
    private readonly Scenario _scenario;
    private readonly ParallelStrategy _strategy;
    private readonly EfficiencyProfile _profile;
    private readonly ModelShard _shard;
    private readonly StageLayout _layout;
    private readonly StagePhysics _physics;
    private readonly StageMemory _memory;
    private readonly double _skew;
    private readonly bool _report;
    private readonly int _dp;
    private readonly int _pp;
    private readonly int _sp;
    private List<OperatorLedger>? _capture;

    public ServingModel(Scenario scenario, ParallelStrategy strategy, EfficiencyProfile profile, double routingSkew, bool report)
    {
        _scenario = scenario;
        _strategy = strategy;
        _profile = profile;
        _skew = routingSkew;
        _report = report;
        _dp = strategy.DataParallel;
        _sp = strategy.SequenceParallel;
        _shard = new ModelShard(scenario.Model, strategy);
        _layout = new StageLayout(scenario.Model, strategy.PipelineParallel);
        _pp = _layout.Stages;
        var formats = WeightFormats.From(scenario.Precision);
        _physics = new StagePhysics(scenario, strategy, profile, routingSkew, _shard, _layout, formats);
        _memory = new StageMemory(scenario.Model, strategy, _shard, _layout, formats, profile);
    }

    /// <summary>When set, every stage's operators of the decode step and the TTFT prefill are kept (for the DAG).</summary>
    public bool CaptureStages { get; init; }

    public IReadOnlyList<IReadOnlyList<OperatorCost>>? DecodeStages { get; private set; }

    public IReadOnlyList<IReadOnlyList<OperatorCost>>? PrefillStages { get; private set; }

    public double DecodeTokensPerGroup { get; private set; }

    public double PrefillTokensPerGroup { get; private set; }

    /// <summary>Runs the model; returns the full result when reporting, else null with only <paramref name="figures"/>.</summary>
    /// <param name="figures">The headline figures.</param>
    /// <param name="concurrencyOverride">Sequences in flight instead of the scenario's (the search tries several).</param>
    public EstimateResult? Compute(out EstimateFigures figures, ConcurrencySetting? concurrencyOverride = null)
    {
        if (concurrencyOverride is null && _scenario.Workload.IsOpenLoop && _scenario.Workload.RequestRate is { } rate)
        {
            return AtRate(rate, out figures);
        }

        Workload workload = concurrencyOverride is { } c ? _scenario.Workload with { Concurrency = c } : _scenario.Workload;
        Requirements requirements = _scenario.Requirements;
        int replicas = _strategy.Replicas;
        double capacity = _scenario.Hardware.Gpu.MemoryGb;
        double limit = capacity * requirements.MaxMemoryUtilization;
        int contextForMemory = workload.MaxContextTokens;

        // ---- memory and concurrency ----
        double activations = _memory.ActivationGb();
        double runtime = _profile.RuntimeReserveGb;
        int limitByMemory = _memory.SequencesThatFit(limit, activations, runtime, contextForMemory, out double kvPerSequenceBusiest);
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
        }

        double perGroupRequested = (double)concurrency / replicas / _dp;
        double running = Math.Min(Math.Ceiling(perGroupRequested), cap);
        double waves = Math.Ceiling(Math.Ceiling(perGroupRequested) / running);
        MemoryPerGpu memory = _memory.At(running, contextForMemory, activations, runtime, capacity, limit);

        // ---- decode (TPOT at the mean context) ----
        double meanInput = workload.InputTokens.Mean;
        double decodeContext = meanInput + (workload.OutputTokens / 2.0);
        double runningInstance = running * _dp;
        int microBatches = MicroBatches(runningInstance);
        double decodeTokensPerGroup = running / microBatches;
        _capture = CaptureStages ? [] : null;
        PhaseStep decode = DecodeStep(decodeTokensPerGroup, decodeContext, microBatches);
        DecodeStages = Captured();
        DecodeTokensPerGroup = decodeTokensPerGroup;

        // ---- prefill (TTFT at the longest prompt; throughput at the mean) ----
        _capture = CaptureStages ? [] : null;
        PhaseStep ttftPrefill = PrefillPass(running, workload.InputTokens.Max);
        PrefillStages = Captured();
        PrefillTokensPerGroup = ttftPrefill.TokensPerStep / _dp;
        PhaseStep meanPrefill = workload.InputTokens.IsFixed ? ttftPrefill : PrefillPass(running, meanInput, breakdown: false);

        double tpotMs = decode.TotalMs;
        double tpotLongestMs = workload.InputTokens.IsFixed
            ? tpotMs
            : DecodeStep(decodeTokensPerGroup, workload.InputTokens.Max + (workload.OutputTokens / 2.0), microBatches, breakdown: false).TotalMs;

        // Chunked prefill with decode priority (vLLM V1, SGLang, TensorRT-LLM in-flight batching): every prefill
        // step also runs a decode step of the requests already prefilled, on average half of them.
        double interleavedMs = 0;
        if (ttftPrefill.Steps > 1 && runningInstance > 1)
        {
            double half = Math.Max(1, running / 2);
            interleavedMs = ttftPrefill.Steps * DecodeStep(half / microBatches, meanInput, microBatches, breakdown: false).TotalMs;
            ttftPrefill.Operators?.Add(new OperatorCost("decode steps of already-prefilled requests (interleaved)", "overhead", ttftPrefill.Steps, Math.Round(interleavedMs, 4), 0, 0, "overhead"));
        }

        double cycleMs = meanPrefill.TotalMs + (workload.OutputTokens * tpotMs);
        double stepMs = tpotMs;
        if (workload.Form == WorkloadForm.ClosedLoop && running > 1)
        {
            // Clients in their steady state (docs/serving-at-a-rate.md, "The analytical path"): a request lives
            // `output` steps, so each step a DP group's finished requests are replaced by m = running / output new
            // prompts, a Poisson number N of them; the instance's groups step together, so a step carries the decode
            // of its batch and the prefill of the busiest group's new prompts: step = decode + P x E[max of dp
            // independent N], P a prompt's share of the running prompts' chunked prefill (prompts share steps, so a
            // short one does not cost a pass of its own). One group (dp = 1): E[N] = m, so a request's life is
            // output x decode + running x P, the prefill-then-decode cycle. The throughput is the running sequences
            // over that step (each emits one token a step).
            double promptMs = meanPrefill.TotalMs / running;
            double arrivalsPerStep = running / Math.Max(1, workload.OutputTokens);
            double stretchedMs = tpotMs + (promptMs * ExpectedMaxPoisson(arrivalsPerStep, _dp));
            double stretch = stretchedMs / tpotMs;
            tpotMs *= stretch;
            tpotLongestMs *= stretch;
            cycleMs = Math.Max(cycleMs, workload.OutputTokens * tpotMs);
        }

        double instanceGpus = _strategy.GpusPerInstance;
        double outputPerGpu = runningInstance * workload.OutputTokens / (cycleMs / 1000) / instanceGpus;
        double totalPerGpu = runningInstance * (meanInput + workload.OutputTokens) / (cycleMs / 1000) / instanceGpus;
        // The front end is part of the deployment, sized to keep up with the instance (docs/cost-model.md, "The front
        // end"): it never paces the tokens, but a burst's requests are admitted one after another by its processes.
        FrontEndPlan frontEnd = FrontEndSizing.Size(outputPerGpu * instanceGpus, outputPerGpu * instanceGpus / Math.Max(1, workload.OutputTokens), _profile);
        double admissionMs = Math.Ceiling(Math.Ceiling(perGroupRequested) * _dp / frontEnd.ApiServers) * _profile.ApiServerRequestMs;
        double firstTokensMs = ttftPrefill.TotalMs + interleavedMs;
        double burstTtftMs = _profile.RequestOverheadMs + admissionMs + firstTokensMs + ((waves - 1) * (ttftPrefill.TotalMs + (workload.OutputTokens * stepMs)));
        double burstMeanTtftMs = _profile.RequestOverheadMs + (admissionMs / 2) + (firstTokensMs * (ttftPrefill.Steps + 1) / (2.0 * ttftPrefill.Steps)) + ((waves - 1) / 2 * (ttftPrefill.TotalMs + (workload.OutputTokens * stepMs)));
        double ttftMs, meanTtftMs;
        if (workload.Form == WorkloadForm.Burst)
        {
            ttftMs = burstTtftMs;
            meanTtftMs = burstMeanTtftMs;
        }
        else
        {
            // Clients (or arrivals at a rate) in their steady state: one request's prompt, chunked beside the
            // decode steps of the others, after the prompts queued ahead of it (docs/serving-at-a-rate.md, "TTFT in
            // the steady state").
            double arrivalsPerMsPerGroup = running / Math.Max(1e-9, cycleMs);
            double variability = workload.IsOpenLoop ? 1 / workload.Burstiness : Math.Max(0, (perGroupRequested - 1) / Math.Max(1, perGroupRequested));
            (ttftMs, meanTtftMs) = SteadyTtftMs(workload.InputTokens, running, microBatches, decodeContext, arrivalsPerMsPerGroup, variability);
        }

        figures = new EstimateFigures(concurrency, concurrencyByMemory, memory.Weights, memory.KvCache, memory.Total, memory.Limit, ttftMs, tpotMs, tpotLongestMs, outputPerGpu, totalPerGpu);
        if (!_report)
        {
            return null;
        }

        var outcome = new ServingOutcome
        {
            Workload = workload,
            Concurrency = concurrency,
            ConcurrencyByMemory = concurrencyByMemory,
            LimitByMemoryPerGroup = limitByMemory,
            KvPerSequenceGb = kvPerSequenceBusiest,
            ContextForMemory = contextForMemory,
            PerGroupRequested = perGroupRequested,
            Running = running,
            Waves = waves,
            Memory = memory,
            DecodeContext = decodeContext,
            MicroBatches = microBatches,
            DecodeTokensPerGroup = decodeTokensPerGroup,
            Decode = decode,
            TtftPrefill = ttftPrefill,
            MeanPrefill = meanPrefill,
            FrontEnd = frontEnd,
            AdmissionMs = admissionMs,
            TpotMs = tpotMs,
            TpotLongestMs = tpotLongestMs,
            CycleMs = cycleMs,
            OutputPerGpu = outputPerGpu,
            TotalPerGpu = totalPerGpu,
            TtftMs = ttftMs,
            MeanTtftMs = meanTtftMs,
            BurstTtftMs = burstTtftMs,
            DecodeStepAt = perGroup => DecodeStep(perGroup / MicroBatches(perGroup * _dp), decodeContext, MicroBatches(perGroup * _dp), breakdown: false).TotalMs,
            PrefillStepAt = tokensPerGroup => PrefillChunkMs(tokensPerGroup, meanInput),
            DecodeStepAtContext = DecodeStepMs,
            PrefillStepAtPrompt = PrefillStepMs,
        };
        return new EstimateReport(_scenario, _strategy, _profile, _skew, _shard, _layout, _physics).Build(outcome);
    }

    /// <summary>
    /// The figures at a request rate (docs/serving-at-a-rate.md, "The analytical path"). The sequences in flight are
    /// those Little's law asks for, C = rate x latency(C), found by iterating from one sequence (latency rises with
    /// C, so the iteration climbs to the smallest fixed point), with latency = TTFT + (output - 1) x TPOT. TPOT is
    /// the decode step stretched by the prompts that arrive meanwhile, at the closed loop's law: each step a DP group
    /// takes a Poisson number of new prompts, m = (rate / replicas / dp) x TPOT, and the groups of an instance step
    /// together, so TPOT = decode step + P x E[max of dp Poisson(m)], P one prompt's prefill (<see cref="RateStepMs"/>).
    /// Output tokens/s are what the rate asks for. Saturated when even the most sequences that fit cannot reach the
    /// rate, or the prompts alone take 95% of a group's or of the instance's time.
    /// </summary>
    private EstimateResult? AtRate(double rate, out EstimateFigures figures)
    {
        Workload workload = _scenario.Workload;
        double perGroupMs = rate / 1000 / _strategy.Replicas / _dp;
        double prefillOneMs = PrefillPass(1, workload.InputTokens.Mean, breakdown: false).TotalMs;
        double groupShare = perGroupMs * prefillOneMs;
        Compute(out EstimateFigures most, ConcurrencySetting.Max);
        double LatencyS(EstimateFigures f, double stepMs) => (f.TtftMs + (Math.Max(0, workload.OutputTokens - 1) * stepMs)) / 1000;
        double mostStepMs = RateStepMs(most.TpotMs, prefillOneMs, perGroupMs, _dp, out bool promptsSaturate);
        double mostLatencyS = LatencyS(most, mostStepMs);
        bool saturated = groupShare >= MaxPrefillShare || promptsSaturate || most.Concurrency / mostLatencyS < rate;
        int c = most.Concurrency;
        EstimateFigures at = most;
        double atStepMs = mostStepMs;
        if (!saturated)
        {
            c = 1;
            for (int i = 0; i < MaxRateIterations; i++)
            {
                Compute(out at, ConcurrencySetting.Of(c));
                atStepMs = RateStepMs(at.TpotMs, prefillOneMs, perGroupMs, _dp, out _);
                int next = (int)Math.Clamp(Math.Ceiling(rate * LatencyS(at, atStepMs)), 1, most.Concurrency);
                if (next <= c)
                {
                    break;
                }

                c = next;
            }
        }

        double drained = saturated ? Math.Min(rate, Math.Min(most.Concurrency / mostLatencyS, MaxPrefillShare / prefillOneMs * 1000 * _strategy.Replicas * _dp)) : rate;
        double gpus = _strategy.GpuCount;
        double stretch = atStepMs / at.TpotMs;
        double rho = 1 - (1 / stretch);
        figures = at with
        {
            TpotMs = at.TpotMs * stretch,
            TpotLongestPromptMs = at.TpotLongestPromptMs * stretch,
            OutputTokensPerSPerGpu = drained * workload.OutputTokens / gpus,
            TotalTokensPerSPerGpu = drained * (workload.InputTokens.Mean + workload.OutputTokens) / gpus,
            Saturated = saturated,
            RequestsPerS = drained,
        };
        if (!_report)
        {
            return null;
        }

        EstimateResult? result = Compute(out _, ConcurrencySetting.Of(c));
        return result! with
        {
            TpotMs = figures.TpotMs,
            TpotLongestPromptMs = figures.TpotLongestPromptMs,
            OutputTokensPerSPerGpu = figures.OutputTokensPerSPerGpu,
            TotalTokensPerSPerGpu = figures.TotalTokensPerSPerGpu,
            AnalyticalSaturated = saturated,
            PrefillShare = rho,
        };
    }

    /// <summary>
    /// The decode step of <paramref name="decodeMs"/> stretched by prompts arriving at <paramref name="arrivalsPerMs"/>
    /// per DP group, each costing <paramref name="promptMs"/>, the <paramref name="groups"/> groups stepping together:
    /// the least T with T = decode + P x E[max of groups Poisson(arrivals x T)], iterated up from T = decode (the
    /// right side rises with T). One group: decode / (1 - g), g = arrivals x P. When the prompts would take 95% of
    /// the step or more (no such T, or one beyond decode / 0.05), <paramref name="saturated"/> is set and
    /// decode / 0.05 returned.
    /// </summary>
    internal static double RateStepMs(double decodeMs, double promptMs, double arrivalsPerMs, int groups, out bool saturated)
    {
        double cap = decodeMs / (1 - MaxPrefillShare);
        saturated = false;
        if (!(decodeMs > 0) || !(promptMs > 0) || !(arrivalsPerMs > 0))
        {
            return Math.Max(decodeMs, 0);
        }

        double t = decodeMs;
        for (int i = 0; i < 500; i++)
        {
            double next = decodeMs + (promptMs * ExpectedMaxPoisson(arrivalsPerMs * t, groups));
            if (next >= cap)
            {
                saturated = true;
                return cap;
            }

            if (next - t <= 1e-12 * next)
            {
                return next;
            }

            t = next;
        }

        return t;
    }

    /// <summary>
    /// E[max of <paramref name="groups"/> independent Poisson(<paramref name="mean"/>) counts] = sum over k >= 1 of
    /// (1 - F(k - 1)^groups), F the Poisson distribution function; summed until F^groups is within 1e-9 of 1. One
    /// group: the mean.
    /// </summary>
    internal static double ExpectedMaxPoisson(double mean, int groups)
    {
        if (mean <= 0)
        {
            return 0;
        }

        if (groups <= 1)
        {
            return mean;
        }

        // Below mean - 12 sqrt(mean) the distribution function is nil (each term 1): the sum starts there, so a large
        // mean costs about 24 sqrt(mean) terms, not mean. ln P(N = k) in logs (e^-mean underflows for a large mean),
        // ln k! by Stirling's series (exact to 1e-8 from k = 1).
        int start = (int)Math.Max(1, Math.Floor(mean - (12 * Math.Sqrt(mean))));
        double logMean = Math.Log(mean);
        double logTerm = -mean + ((start - 1) * logMean) - LogFactorial(start - 1); // ln P(N = start - 1)
        double cdf = Math.Exp(logTerm);
        double sum = start - 1;
        int limit = (int)Math.Ceiling(mean + (12 * Math.Sqrt(mean)) + 20);
        for (int k = start; k <= limit; k++)
        {
            double allBelow = Math.Pow(Math.Min(1, cdf), groups);
            if (1 - allBelow < 1e-9)
            {
                break;
            }

            sum += 1 - allBelow;
            logTerm += logMean - Math.Log(k);
            cdf += Math.Exp(logTerm);
        }

        return sum;
    }

    private static double LogFactorial(int n) => n < 2 ? 0 : (n * Math.Log(n)) - n + (0.5 * Math.Log(2 * Math.PI * n)) + (1.0 / (12 * n)) - (1.0 / (360.0 * n * n * n));

    /// <summary>The share of an instance's time its prompts may take before a rate counts as saturated.</summary>
    internal const double MaxPrefillShare = 0.95;

    internal const int MaxRateIterations = 40;

    /// <summary>
    /// Mean time to the first token of the longest and of a mean prompt of <paramref name="prompts"/> in a steady stream: the request
    /// overhead and its admission; half of the step in flight when it arrives; the wait for the prompts queued ahead
    /// (Kingman's G/G/1 approximation rho / (1 - rho) x (ca^2 + cs^2) / 2 x S, service S the prefill of a
    /// mean prompt, cs = 0 for a deterministic service, ca^2 given as <paramref name="arrivalVariability"/>, rho
    /// capped at 0.95); and its own prefill, chunked beside the decode tokens of the sequences already running (a
    /// prefill-first engine pauses them instead).
    /// </summary>
    private (double Longest, double Mean) SteadyTtftMs(TokenRange prompts, double running, int microBatches, double decodeContext, double arrivalsPerMsPerGroup, double arrivalVariability)
    {
        double others = Math.Max(0, running - 1);
        double decodeMs = others > 0 ? DecodeStep(others / microBatches, decodeContext, microBatches, breakdown: false).TotalMs : 0;
        double meanOwnMs = PromptServiceMs(prompts.Mean, others, decodeMs, out double meanPrefillOnlyMs);
        double longestOwnMs = prompts.IsFixed ? meanOwnMs : PromptServiceMs(prompts.Max, others, decodeMs, out _);
        double rho = Math.Min(0.95, arrivalsPerMsPerGroup * meanPrefillOnlyMs);
        double wait = rho / (1 - rho) * arrivalVariability / 2 * meanPrefillOnlyMs;
        double residual = decodeMs / 2;
        double before = _profile.RequestOverheadMs + _profile.ApiServerRequestMs + residual + wait;
        return (before + longestOwnMs, before + meanOwnMs);
    }

    /// <summary>Time from a prompt's first chunk to its first token with <paramref name="others"/> sequences decoding beside it; <paramref name="prefillOnlyMs"/> the prefill part alone.</summary>
    private double PromptServiceMs(double prompt, double others, double decodeMs, out double prefillOnlyMs)
    {
        double room = _profile.PrefillFirst ? _profile.MaxBatchedTokens : Math.Max(1, _profile.MaxBatchedTokens - others);
        double chunk = Math.Min(prompt, room);
        int steps = (int)Math.Ceiling(prompt / chunk);
        double chunkMs = PrefillChunkMs(chunk, prompt);
        prefillOnlyMs = steps * chunkMs;
        double mixed = _profile.PrefillFirst || others <= 0 ? chunkMs : chunkMs + decodeMs - _profile.SharedStepOverheadMs;
        return steps * mixed;
    }

    /// <summary>
    /// A prefill instance's capacity (docs/disaggregation.md): prompts of <paramref name="prompt"/> tokens prefilled
    /// back to back, a token budget's worth per DP group at a time (at least one prompt), through the pipeline.
    /// Returns prompt tokens per second of the whole instance.
    /// </summary>
    public double PrefillTokensPerSecond(double prompt)
    {
        int prompts = Math.Max(1, (int)Math.Ceiling(_profile.MaxBatchedTokens / prompt));
        double ms = PrefillPass(prompts, prompt, breakdown: false).TotalMs;
        return prompts * prompt * _dp / ms * 1000;
    }

    /// <summary>Time (ms) to prefill one prompt of <paramref name="prompt"/> tokens alone, and the tokens of its last chunk.</summary>
    public (double Ms, double LastChunkTokens) PrefillOne(double prompt)
    {
        PhaseStep pass = PrefillPass(1, prompt, breakdown: false);
        double last = prompt - ((pass.Steps - 1) * Math.Min(_profile.MaxBatchedTokens, prompt));
        return (pass.TotalMs, last);
    }

    /// <summary>
    /// One decode step of <paramref name="perGroup"/> sequences per DP group reading <paramref name="context"/> cached
    /// tokens on average (the simulation's step function), ms.
    /// </summary>
    public double DecodeStepMs(double perGroup, double context)
    {
        int microBatches = MicroBatches(perGroup * _dp);
        return DecodeStep(Math.Max(perGroup, 1e-9) / microBatches, Math.Max(1, context), microBatches, breakdown: false).TotalMs;
    }

    /// <summary>One step prefilling <paramref name="tokensPerGroup"/> prompt tokens per DP group from prompts of <paramref name="promptTokens"/> tokens, ms.</summary>
    public double PrefillStepMs(double tokensPerGroup, double promptTokens) => PrefillChunkMs(tokensPerGroup, Math.Max(1, promptTokens));

    /// <summary>Micro-batches in flight through the pipeline: one per stage, never more than the running sequences.</summary>
    private int MicroBatches(double runningInstance) => (int)Math.Max(1, Math.Min(_pp, Math.Floor(runningInstance)));

    /// <summary>
    /// One decode step of a micro-batch: <paramref name="tokensPerGroup"/> sequences per DP group, each reading
    /// <paramref name="context"/> cached tokens. With m micro-batches in flight a token's cycle takes
    /// max(sum of stage times, m x slowest stage) + the step overhead. The operators are kept when reporting unless
    /// <paramref name="breakdown"/> is false (a step whose time alone is used).
    /// </summary>
    private PhaseStep DecodeStep(double tokensPerGroup, double context, int microBatches, bool breakdown = true)
    {
        double attentionFlops = tokensPerGroup * Math.Ceiling(context / _sp) * _shard.DecodeAttentionFlopsPerContextToken;
        double attentionBytes = tokensPerGroup * Math.Ceiling(context / _sp) * _shard.KvElementsPerTokenLayer * _scenario.Precision.KvCache.BytesPerElement();
        // A sliding-window layer reads at most its window of each sequence's cache.
        AttentionLoad[] windowed = _layout.Windows.Count == 0 ? [] : [.. _layout.Windows.Select(window => new AttentionLoad(
            tokensPerGroup * Math.Ceiling(Math.Min(context, window) / _sp) * _shard.DecodeAttentionFlopsPerContextToken,
            tokensPerGroup * Math.Ceiling(Math.Min(context, window) / _sp) * _shard.KvElementsPerTokenLayer * _scenario.Precision.KvCache.BytesPerElement(),
            Math.Min(context, window)))];
        bool keep = _report && breakdown;
        (OperatorLedger slowest, double sum, double memorySum, double memorySlowest) = _physics.Stages(tokensPerGroup, attentionFlops, attentionBytes, context, prefill: false, tokensPerGroup, keep, _capture, windowed);
        double cpu = (_profile.StepOverheadMs / 1000) + (tokensPerGroup * microBatches * _profile.SequenceOverheadUs / 1e6);
        double busy = microBatches * slowest.Seconds;
        double cycle = Math.Max(sum, busy);
        double overhead = _profile.ExposedCpuSeconds(cpu, cycle);
        var step = new PhaseStep(keep)
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
                operators.Add(new OperatorCost("pipeline (other stages)", "overhead", 1, Math.Round((cycle - busy) * 1000, 4), 0, 0, "overhead"));
            }

            string name = _profile.CpuStepOverlap
                ? "step overhead (CPU work beyond the GPU step; the overlap scheduler runs the rest alongside)"
                : "step overhead (scheduling, sampling, per-sequence CPU work)";
            operators.Add(new OperatorCost(name, "overhead", 1, Math.Round(overhead * 1000, 4), 0, 0, "overhead"));
        }

        return step;
    }

    /// <summary>
    /// Prefill of <paramref name="sequencesPerGroup"/> prompts of <paramref name="promptTokens"/> tokens per DP group, in
    /// chunks of the engine's batched-token budget, through the pipeline: the first chunk crosses every stage, each
    /// further chunk leaves one slowest-stage time later, and every chunk is one engine step. The last chunk holds
    /// only the tokens left (an engine's scheduler fills a step with what remains, not a whole budget), and each
    /// chunk's causal attention is its share of the pass's token pairs by its tokens. The operators are kept
    /// when reporting unless <paramref name="breakdown"/> is false (a pass whose time alone is used).
    /// </summary>
    private PhaseStep PrefillPass(double sequencesPerGroup, double promptTokens, bool breakdown = true)
    {
        double tokens = Math.Max(1, sequencesPerGroup) * promptTokens;
        double chunk = Math.Min(_profile.MaxBatchedTokens, tokens);
        int chunks = (int)Math.Ceiling(tokens / chunk);
        double last = tokens - ((chunks - 1) * chunk);
        bool partial = chunks > 1 && last < chunk * (1 - 1e-9);
        double pairs = Math.Max(1, sequencesPerGroup) * promptTokens * (promptTokens + 1) / 2.0;
        bool keep = _report && breakdown;
        (OperatorLedger slowest, double sum) = Chunk(chunk, _capture);
        double overhead = _profile.ExposedCpuSeconds(_profile.StepOverheadMs / 1000, slowest.Seconds);
        double fill = sum - slowest.Seconds;
        OperatorLedger? lastChunk = partial ? Chunk(last, null).Slowest : null;
        double chunkSeconds = lastChunk is { } tail ? ((chunks - 1) * slowest.Seconds) + tail.Seconds : chunks * slowest.Seconds;
        var step = new PhaseStep(keep)
        {
            TokensPerStep = chunk * _dp,
            Steps = chunks,
            TotalMs = (chunkSeconds + fill + (chunks * overhead)) * 1000,
            WholeChunksMs = ((chunks * slowest.Seconds) + fill + (chunks * overhead)) * 1000,
            StageMs = slowest.Seconds * 1000,
        };
        if (step.Operators is { } operators)
        {
            operators.AddRange(lastChunk is { } tailChunk ? Merged(slowest.Operators(chunks - 1), tailChunk.Operators(1)) : slowest.Operators(chunks));
            if (fill > 0)
            {
                operators.Add(new OperatorCost("pipeline fill (first chunk through the other stages)", "overhead", 1, Math.Round(fill * 1000, 4), 0, 0, "overhead"));
            }

            operators.Add(new OperatorCost("step overhead", "overhead", chunks, Math.Round(chunks * overhead * 1000, 4), 0, 0, "overhead"));
        }

        return step;

        // One chunk of `tokensInChunk` tokens through the stages: its share of the causal pairs, its Q/K/V/O bytes.
        (OperatorLedger Slowest, double Sum) Chunk(double tokensInChunk, List<OperatorLedger>? capture)
        {
            double share = tokensInChunk / tokens;
            double attentionFlops = pairs * share * _shard.PrefillAttentionFlopsPerPair / _sp;
            double attentionBytes = tokensInChunk / _sp * (_shard.QkvOutputWidth + _shard.AttentionOutputWidth) * 2.0;
            // A sliding-window layer's queries see at most its window of keys: s x min(s, w) - w(w-1)/2 pairs per prompt.
            AttentionLoad[] windowed = _layout.Windows.Count == 0 ? [] : [.. _layout.Windows.Select(window => new AttentionLoad(
                Math.Max(1, sequencesPerGroup) * AttentionLoad.WindowedCausalPairs(promptTokens, window) * share * _shard.PrefillAttentionFlopsPerPair / _sp,
                attentionBytes,
                Math.Min(promptTokens, window)))];
            double sequencesFinishing = Math.Max(tokensInChunk / promptTokens, 1.0 / chunks);
            (OperatorLedger ledger, double stageSum, _, _) = _physics.Stages(tokensInChunk, attentionFlops, attentionBytes, promptTokens, prefill: true, sequencesFinishing, keep, capture, windowed);
            return (ledger, stageSum);
        }
    }

    /// <summary>The operators of the whole chunks and of the last, shorter one, summed by operator (counts per chunk, as the whole chunks').</summary>
    private static IEnumerable<OperatorCost> Merged(IEnumerable<OperatorCost> whole, IEnumerable<OperatorCost> tail)
    {
        var byName = tail.ToDictionary(o => o.Operator, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (OperatorCost o in whole)
        {
            seen.Add(o.Operator);
            yield return byName.TryGetValue(o.Operator, out OperatorCost? t)
                ? o with { TimeMs = Math.Round(o.TimeMs + t.TimeMs, 7), Flops = o.Flops + t.Flops, Bytes = o.Bytes + t.Bytes }
                : o;
        }

        foreach (OperatorCost t in byName.Values.Where(t => !seen.Contains(t.Operator)))
        {
            yield return t;
        }
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

        PhaseStep whole = PrefillPass(1, promptTokens, breakdown: false);
        return whole.WholeChunksMs / whole.Steps * tokensPerGroup / Math.Min(promptTokens, _profile.MaxBatchedTokens);
    }

    private List<IReadOnlyList<OperatorCost>>? Captured()
    {
        List<IReadOnlyList<OperatorCost>>? stages = _capture?.Select(l => (IReadOnlyList<OperatorCost>)[.. l.Operators(1)]).ToList();
        _capture = null;
        return stages;
    }
}
