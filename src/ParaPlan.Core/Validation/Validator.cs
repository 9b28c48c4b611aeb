using ParaPlan.CostModel;
using ParaPlan.CostModel.Profiles;
using ParaPlan.CostModel.Serving;
using ParaPlan.CostModel.Serving.Simulation;
using ParaPlan.Domain;
using ParaPlan.Validation.Harness;

namespace ParaPlan.Validation;

/// <summary>
/// Predicts every measurement the cost model can express and compares like with like: each measurement mode says
/// which of the model's figures a measured TTFT, TPOT or throughput corresponds to (docs/validation.md).
/// </summary>
public static class Validator
{
    public const string OutputThroughput = "output_tokens_per_s_per_gpu";
    public const string Ttft = "ttft_ms";
    public const string Tpot = "tpot_ms";

    /// <summary>Prompt tokens/s per GPU of a prefill pool (disaggregated records).</summary>
    public const string PrefillThroughput = "prefill_tokens_per_s_per_gpu";

    /// <summary>
    /// The headline `estimate` and `plan` print (the analytical steady state, no benchmark harness, no start or tail of
    /// the run) against a measured output tokens/s per GPU of an offline batch or a closed loop: what a user reading
    /// the estimate gets, beside the step-by-step simulation of the run the fit uses. Not fitted on.
    /// </summary>
    public const string EstimateThroughput = "estimate_output_tokens_per_s_per_gpu";

    /// <summary>True for the three metrics the headline tables and the fits use (not the percentile rows).</summary>
    public static bool IsHeadline(string metric) => metric is OutputThroughput or Ttft or Tpot;

    public static ValidationReport Run(string file, IReadOnlyList<MeasurementRecord> records, IProfileSource? catalog = null, HarnessSet? harness = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        catalog ??= EfficiencyCatalog.BuiltIn;
        var comparisons = new List<Comparison>();
        var skipped = new List<SkippedRecord>();
        int covered = 0;
        foreach (MeasurementRecord record in records)
        {
            MappedRecord mapped = RecordMapper.Map(record, out string? reason);
            if (reason is not null)
            {
                skipped.Add(new SkippedRecord(record.Id, reason));
                continue;
            }

            List<Comparison> rows = Compare(mapped, catalog, harness?.For(record.SourceKey) ?? HarnessCosts.None);
            if (rows.Count == 0)
            {
                skipped.Add(new SkippedRecord(record.Id, "no measured figure the model predicts for this kind of run"));
                continue;
            }

            covered++;
            comparisons.AddRange(rows);
        }

        var summary = new[] { OutputThroughput, Tpot, Ttft }
            .Select(metric => Summarise(metric, comparisons.Where(c => c.Metric == metric).Select(c => c.AbsolutePercentError).ToList()))
            .Where(s => s.Count > 0)
            .ToList();
        var byMode = comparisons
            .GroupBy(c => (c.Mode, c.Metric))
            .OrderBy(g => g.Key.Mode, StringComparer.Ordinal).ThenBy(g => g.Key.Metric, StringComparer.Ordinal)
            .Select(g => Summarise(g.Key.Metric, [.. g.Select(c => c.AbsolutePercentError)]) with { Mode = g.Key.Mode })
            .ToList();
        return new ValidationReport(file, records.Count, covered, summary, byMode, comparisons, skipped);
    }

    /// <summary>
    /// The comparisons of one expressible record: the deployment (the engine on its GPUs, <paramref name="catalog"/>'s
    /// profile) and, for a served run, the benchmark's <paramref name="harness"/> on the front end's lane.
    /// </summary>
    public static List<Comparison> Compare(MappedRecord mapped, IProfileSource catalog, HarnessCosts harness)
    {
        ArgumentNullException.ThrowIfNull(mapped);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(harness);
        Scenario scenario = mapped.Scenario;
        EfficiencyProfile profile = catalog.Resolve(scenario.Engine, scenario.Hardware.Gpu);
        // The served run's front-end lane: one API-server process (the engines' default, as the benchmarks ran them)
        // plus the benchmark client's own cost. Offline, static-batch and latency runs drive the engine in-process.
        var lane = new FrontEndLane(profile.ApiServerTokenUs + harness.ClientTokenUs, profile.ApiServerRequestMs + harness.ClientRequestMs);

        if (mapped.RunningCap is { } cap)
        {
            profile = profile with { MaxRunningSequences = cap };
        }

        // Two-batch overlap is an engine flag, off by default: a run had it only when it says so.
        profile = profile with { MoeCommunicationOverlap = profile.MoeCommunicationOverlap && mapped.TwoBatchOverlap };

        EstimateResult e = Estimator.Estimate(scenario, mapped.Strategy, profile);
        if (mapped.KvFreeMemoryFraction is { } free)
        {
            // TensorRT-LLM sizes its KV pool as a fraction of the memory the weights, activations and runtime leave,
            // not of the whole GPU: the run's scenario allows that much.
            MemoryPerGpu m = e.MemoryPerGpuGb;
            double beside = m.Weights + m.Activations + m.Runtime;
            double limit = beside + (free * Math.Max(0, m.Capacity - beside));
            Requirements r0 = scenario.Requirements;
            scenario = scenario with { Requirements = new Requirements(r0.TtftMs, r0.TpotMs, r0.MinOutputTokensPerSecondPerGpu, Math.Clamp(limit / m.Capacity, 0.05, 1)) };
            mapped = mapped with { Scenario = scenario };
            e = Estimator.Estimate(scenario, mapped.Strategy, profile);
        }

        int fitPerGroup = e.ConcurrencyLimitByMemory / mapped.Strategy.Replicas / mapped.Strategy.DataParallel;
        if (fitPerGroup >= 1 && fitPerGroup < e.RunningSequencesPerGroup)
        {
            // The engine cannot hold every sequence's KV cache: it runs as many as fit and queues the rest.
            profile = profile with { MaxRunningSequences = fitPerGroup };
            e = Estimator.Estimate(scenario, mapped.Strategy, profile);
        }

        MeasurementRecord r = mapped.Record;
        int output = scenario.Workload.OutputTokens;
        var rows = new List<Comparison>();
        void Add(string metric, double? measured, double predicted, string comparedWith)
        {
            if (measured is { } m && m > 0 && double.IsFinite(predicted))
            {
                rows.Add(new Comparison(r.Id, scenario.Engine.ToString().ToLowerInvariant(), scenario.Hardware.Gpu.Id, metric, mapped.Mode.ToString(), m, predicted, Math.Abs(predicted - m) / m * 100, comparedWith)
                {
                    Source = r.SourceKey,
                    Regime = Regime.Of(mapped),
                });
            }
        }

        switch (mapped.Mode)
        {
            case MeasurementMode.BatchOneLatency:
                Add(Ttft, r.TtftMs, e.TtftMs, "prefill of one request");
                break;
            case MeasurementMode.Offline when r.NumRequests is { } batch:
                {
                    // N requests handed to the engine in-process (LLM.generate, trtllm-bench, benchmark_throughput):
                    // the burst run through the scheduler with no front end, its tail of long requests included.
                    BurstOutcome run = SimulateBurst(mapped, e, profile with { RequestOverheadMs = 0 }, FrontEndLane.None);
                    string lengths = VariedLengths(r) ? "exponential output lengths" : "fixed lengths";
                    Add(OutputThroughput, r.OutputTokensPerSecondPerGpu, OutputPerGpu(run, mapped), $"{batch} requests given to the engine at once, simulated step by step without a front end ({lengths}): output tokens / time");
                    Add(EstimateThroughput, r.OutputTokensPerSecondPerGpu, e.OutputTokensPerSPerGpu, EstimateHeadline);
                    break;
                }

            case MeasurementMode.StaticBatch:
            case MeasurementMode.Offline:
                Add(OutputThroughput, r.OutputTokensPerSecondPerGpu, e.OutputTokensPerSPerGpu, "output tokens/s per GPU of the cycle");
                break;
            case MeasurementMode.FixedBatchLatency:
                // Mean time between a sequence's tokens when its prefill shares the run: the cycle spread over its tokens.
                Add(Tpot, r.TpotMs, e.CycleMs / output, "(prefill + output x decode step) / output tokens");
                break;
            case MeasurementMode.Burst:
                {
                    BurstOutcome burst = SimulateBurst(mapped, e, profile, lane);
                    string lengths = VariedLengths(r) ? "exponential output lengths" : "fixed lengths";
                    Add(OutputThroughput, r.OutputTokensPerSecondPerGpu, OutputPerGpu(burst, mapped), $"burst simulated step by step ({lengths}): output tokens / time until the last finishes");
                    Add(Ttft, r.TtftMs, burst.MeanTtftMs, "burst simulated step by step: mean time to each request's first token");
                    Add(Tpot, r.TpotMs, burst.MeanTpotMs, "burst simulated step by step: mean over requests of (last - first token) / (output - 1)");
                    break;
                }

            case MeasurementMode.ClosedLoop:
                {
                    // The clients' loop simulated step by step: each request waits for the prompts ahead of it and
                    // shares steps with the other clients' decodes; a run of N prompts from an empty engine, or the
                    // steady state of a measurement window.
                    BurstOutcome loop = SimulateBurst(mapped, e, profile, lane);
                    string how = r.NumRequests is { } sentAll ? $"{sentAll} requests from an empty engine" : "steady state";
                    Add(OutputThroughput, r.OutputTokensPerSecondPerGpu, OutputPerGpu(loop, mapped), $"closed loop simulated step by step ({how}): output tokens / time");
                    Add(EstimateThroughput, r.OutputTokensPerSecondPerGpu, e.OutputTokensPerSPerGpu, EstimateHeadline);
                    if (r.TtftStat?.Contains("queueing", StringComparison.Ordinal) != true && !r.Notes.Contains("dominated by queueing", StringComparison.Ordinal))
                    {
                        Add(Ttft, r.TtftMs, loop.MeanTtftMs, $"closed loop simulated step by step ({how}): mean time to first token, queueing for prefill included");
                    }

                    Add(Tpot, r.TpotMs ?? r.ItlMs, r.TpotMs is null ? loop.MeanItlMs : loop.MeanTpotMs, r.TpotMs is null ? "measured ITL vs simulated mean gap between tokens" : "closed loop simulated step by step: mean over requests of (last - first token) / (output - 1)");
                    AddPercentiles(Add, mapped, e, profile);
                    break;
                }

            case MeasurementMode.PrefillOnly:
                {
                    // A prefill pool alone (docs/disaggregation.md): prompts back to back, a token budget's worth per
                    // DP group at a time.
                    var pool = new ServingModel(scenario, mapped.Strategy, profile, 0, report: false);
                    double perGpu = pool.PrefillTokensPerSecond(scenario.Workload.InputTokens.Mean) * mapped.Strategy.Replicas / mapped.Strategy.GpuCount;
                    Add(PrefillThroughput, r.InputTokensPerSecondPerGpu, perGpu, "prefill pool: prompt tokens/s per GPU, prompts prefilled back to back");
                    break;
                }

            case MeasurementMode.DecodeOnly:
                {
                    // A decode pool alone at its stated batch, or saturated (as many as fit): no prompt in its steps.
                    var pool = new ServingModel(scenario, mapped.Strategy, profile, 0, report: false);
                    int? stated = scenario.Workload.Concurrency.Sequences;
                    double sequences = stated ?? e.Concurrency;
                    int groups = mapped.Strategy.Replicas * mapped.Strategy.DataParallel;
                    double stepMs = pool.DecodeStepMs(sequences / groups, scenario.Workload.InputTokens.Mean + (scenario.Workload.OutputTokens / 2.0));
                    string batch = stated is null ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"saturated: the {e.Concurrency:N0} sequences that fit") : "the stated batch";
                    Add(OutputThroughput, r.OutputTokensPerSecondPerGpu, sequences / (stepMs / 1000) / mapped.Strategy.GpuCount, $"decode pool, {batch} decoding, one token each per step, no prompts in the steps");
                    Add(Tpot, r.TpotMs ?? r.ItlMs, stepMs, $"decode pool: its step at {batch}");
                    break;
                }

            case MeasurementMode.RequestRate:
                {
                    // Arrivals at the run's rate, simulated request by request (docs/serving-at-a-rate.md): the means,
                    // and the percentiles the record states.
                    ServingSimulationReport sim = WorkloadSimulator.Simulate(scenario, mapped.Strategy, e, profile);
                    string how = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{sim.Requests} requests at {scenario.Workload.RequestRate:0.##}/s simulated request by request");
                    Add(OutputThroughput, r.OutputTokensPerSecondPerGpu, sim.OutputTokensPerS / mapped.Strategy.GpuCount, $"{how}: output tokens / time");
                    Add(Ttft, r.TtftMs, StatIsMedian(r.TtftStat) ? sim.Latency.TtftMs.P50 : sim.Latency.TtftMs.Mean, $"{how}: {(StatIsMedian(r.TtftStat) ? "median" : "mean")} TTFT");
                    foreach ((string key, double measured) in StatedPercentiles(r.TtftStat))
                    {
                        Add($"ttft_{key}_ms", measured, sim.Latency.TtftMs.At(key), $"{how}: {key.ToUpperInvariant()} TTFT");
                    }

                    Add(Tpot, r.TpotMs ?? r.ItlMs, r.TpotMs is null ? sim.Latency.ItlMs.Mean : sim.Latency.TpotMs.Mean, r.TpotMs is null ? $"{how}: measured ITL vs the simulated mean gap between tokens" : $"{how}: mean TPOT");
                    break;
                }
        }

        return rows;
    }

    private const string EstimateHeadline = "the estimate's headline: output tokens/s per GPU of the analytical steady state (no harness, no start or tail of the run)";

    /// <summary>
    /// A burst of N requests sent at once, or a closed loop of C clients, run through the engine's scheduler step by
    /// step (<see cref="BurstSimulation"/>) with the cost model's step times: mean TTFT, mean TPOT and output tokens/s
    /// per GPU over the run (a closed loop without a stated request count: its steady-state window). A dataset of
    /// conversations (ShareGPT) gives exponential output lengths with the stated mean; a random dataset the stated length.
    /// <paramref name="profile"/> gives the engine's limits and step overhead; <paramref name="lane"/> the front
    /// end's admission and streaming costs, paid on one lane for every DP group of the instance.
    /// </summary>
    public static BurstOutcome SimulateBurst(MappedRecord mapped, EstimateResult e, EfficiencyProfile profile, FrontEndLane lane)
    {
        ArgumentNullException.ThrowIfNull(mapped);
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(lane);
        Scenario scenario = mapped.Scenario;
        ParallelStrategy strategy = mapped.Strategy;
        int groups = strategy.Replicas * strategy.DataParallel;
        int clients = scenario.Workload.Concurrency.Sequences ?? 1;
        bool closedLoop = mapped.Mode == MeasurementMode.ClosedLoop;
        bool steady = closedLoop && mapped.Record.NumRequests is null;
        // A burst sends every request at once (an offline batch hands them to the engine at once); a closed loop N
        // prompts (or, for a window of a long run, enough requests after the clients' first ones to pass through
        // every client several times).
        int total = closedLoop ? mapped.Record.NumRequests ?? Math.Max(clients * 5, 100)
            : mapped.Mode == MeasurementMode.Offline ? mapped.Record.NumRequests ?? clients
            : clients;
        int active = ActiveGroups(mapped);
        int requests = (int)Math.Ceiling((double)total / active);
        int clientsPerGroup = (int)Math.Ceiling((double)clients / active);
        int sharing = Math.Min(strategy.DataParallel, active); // DP groups of one instance whose tokens share its front end
        int prompt = (int)Math.Round(scenario.Workload.InputTokens.Mean);
        int output = scenario.Workload.OutputTokens;
        double kvTokens = (double)e.ConcurrencyLimitByMemory / groups * scenario.Workload.MaxContextTokens;
        var input = new BurstInput(
            prompt,
            BurstSimulation.OutputLengths(requests, output, VariedLengths(mapped.Record), mapped.Record.OslMax),
            mapped.RunningCap ?? profile.MaxRunningSequences,
            kvTokens,
            profile.MaxBatchedTokens,
            profile.PrefillFirst,
            profile.SharedStepOverheadMs,
            profile.RequestOverheadMs,
            lane.RequestMs * sharing,
            e.DecodeStepAt!,
            e.PrefillStepAt!)
        {
            Clients = closedLoop ? clientsPerGroup : int.MaxValue,
            SteadyState = steady,
            DeliveryMsPerToken = lane.TokenUs / 1000 * sharing,
            KvReserveInitial = profile.KvReserveInitial,
            KvReserveFloor = profile.KvReserveFloor,
            KvReserveDecaySteps = profile.KvReserveDecaySteps,
            LockstepGroups = scenario.Model.IsMoe ? sharing : 1,
        };
        return BurstSimulation.Run(input);
    }

    /// <summary>
    /// Output tokens/s per GPU of a simulated run of one DP group, every busy group running the same: a closed loop
    /// with fewer clients than DP groups (or a burst with fewer requests) keeps only that many groups busy.
    /// </summary>
    private static double OutputPerGpu(BurstOutcome run, MappedRecord mapped) =>
        run.OutputTokens * (double)ActiveGroups(mapped) / (run.MakespanMs / 1000) / mapped.Strategy.GpuCount;

    /// <summary>The DP groups (of every replica) that have requests: all of them, or one per client or request when there are fewer.</summary>
    private static int ActiveGroups(MappedRecord mapped)
    {
        int groups = mapped.Strategy.Replicas * mapped.Strategy.DataParallel;
        int clients = mapped.Scenario.Workload.Concurrency.Sequences ?? groups;
        int requests = mapped.Mode == MeasurementMode.Offline ? mapped.Record.NumRequests ?? clients : clients;
        return Math.Max(1, Math.Min(groups, mapped.Mode == MeasurementMode.ClosedLoop ? clients : requests));
    }

    private static bool VariedLengths(MeasurementRecord record) =>
        record.Dataset.Contains("ShareGPT", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A closed-loop record that states TTFT percentiles (or a median as its headline): the clients' loop run through
    /// the request-by-request simulation (docs/serving-at-a-rate.md) and each stated percentile compared, beside the
    /// mean the validation harness's simulation gives.
    /// </summary>
    private static void AddPercentiles(Action<string, double?, double, string> add, MappedRecord mapped, EstimateResult e, EfficiencyProfile profile)
    {
        MeasurementRecord r = mapped.Record;
        var stated = StatedPercentiles(r.TtftStat).ToList();
        if (StatIsMedian(r.TtftStat) && r.TtftMs is { } median && stated.All(p => p.Key != "p50"))
        {
            stated.Add(("p50", median));
        }

        if (stated.Count == 0)
        {
            return;
        }

        ServingSimulationReport sim = WorkloadSimulator.Simulate(mapped.Scenario, mapped.Strategy, e, profile);
        foreach ((string key, double measured) in stated)
        {
            add($"ttft_{key}_ms", measured, sim.Latency.TtftMs.At(key), $"closed loop of {mapped.Scenario.Workload.Concurrency} clients simulated request by request: {key.ToUpperInvariant()} TTFT");
        }
    }

    private static bool StatIsMedian(string? stat) =>
        stat is not null && (stat.StartsWith("median", StringComparison.OrdinalIgnoreCase) || stat.StartsWith("p50", StringComparison.OrdinalIgnoreCase));

    /// <summary>The percentiles a record's ttft_stat states beside its headline, such as "mean (median 58.7, p99 117.7)": p50 and p99 (p90 when stated).</summary>
    internal static IEnumerable<(string Key, double Value)> StatedPercentiles(string? stat)
    {
        if (stat is null)
        {
            return [];
        }

        var found = new List<(string, double)>();
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(stat, @"(median|p50|p90|p99)\s+([0-9]+(?:\.[0-9]+)?)", System.Text.RegularExpressions.RegexOptions.IgnoreCase))
        {
            string key = m.Groups[1].Value.Equals("median", StringComparison.OrdinalIgnoreCase) ? "p50" : m.Groups[1].Value.ToLowerInvariant();
            found.Add((key, double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)));
        }

        return found;
    }

    public static MetricSummary Summarise(string metric, List<double> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            return new MetricSummary(metric, 0, double.NaN, double.NaN);
        }

        errors.Sort();
        return new MetricSummary(metric, errors.Count, Percentile(errors, 0.5), Percentile(errors, 0.9));
    }

    /// <summary>Linear-interpolated percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        return Quantiles.Linear(sorted, q);
    }
}
