using System.Globalization;
using ParaPlan.CostModel.Profiles;
using ParaPlan.CostModel.Serving;
using ParaPlan.CostModel.Serving.Simulation;
using ParaPlan.Domain;

namespace ParaPlan.CostModel.Disaggregation;

/// <summary>
/// A prefill/decode disaggregated deployment simulated request by request (docs/disaggregation.md, "Simulation"): the
/// prefill pool as its own engines (prompts only, each request done at its first token), then each prompt's KV
/// transfer, then the decode pool as engines whose requests arrive with their prompt cached. Both pools are
/// <see cref="RequestSimulation"/> runs with their own instances, DP groups, KV pools and step times; the second's
/// arrivals are the first's first tokens plus the transfer's exposed time. TTFT runs from the client's send to the
/// first token the decode instance streams; TPOT and ITL are the decode pool's.
/// </summary>
public static class DisaggregatedSimulation
{
    /// <summary>The simulation's figures (the same report as an aggregated simulation's).</summary>
    /// <param name="scenario">The conditions.</param>
    /// <param name="strategy">The two pools.</param>
    /// <param name="profile">The engine's efficiency profile (scheduler settings and step overheads).</param>
    /// <param name="requestsPerS">The analytical flow (requests/s): a closed loop or a saturating concurrency is simulated as arrivals at this rate.</param>
    public static ServingSimulationReport Simulate(Scenario scenario, DisaggregatedStrategy strategy, EfficiencyProfile profile, double requestsPerS)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(profile);
        Workload w = scenario.Workload;
        var notes = new List<string>();
        if (!w.IsOpenLoop && w.Form != WorkloadForm.Burst)
        {
            // The tandem of two pools has no client loop: the clients' flow is sent as Poisson arrivals at its rate.
            w = w with { Form = WorkloadForm.RequestRate, RequestRate = Math.Max(1e-3, requestsPerS), Burstiness = 1 };
            notes.Add(Text($"simulation: the closed loop is simulated as Poisson arrivals at its analytical flow of {requestsPerS:0.###} requests/s (a disaggregated simulation has no client loop)"));
        }

        List<SimulatedRequest> requests = WorkloadSimulator.Requests(w, 1, notes, out _, out _);
        var prefillModel = new ServingModel(scenario, strategy.PrefillPool, profile, 0, report: false);
        var decodeModel = new ServingModel(scenario, strategy.DecodePool, profile, 0, report: false);
        double prefillKv = KvTokensPerGroup(prefillModel, strategy.PrefillPool, w);
        double decodeKv = KvTokensPerGroup(decodeModel, strategy.DecodePool, w);

        // ---- the prefill pool: each request ends at its first token ----
        SimulationInput Pool(IReadOnlyList<SimulatedRequest> sent, int instances, int groups, double kv, ServingModel model) => new()
        {
            Requests = sent,
            Instances = instances,
            GroupsPerInstance = groups,
            MaxRunning = profile.MaxRunningSequences,
            KvTokenCapacity = kv,
            BatchedTokens = profile.MaxBatchedTokens,
            PrefillFirst = profile.PrefillFirst,
            StepOverheadMs = profile.SharedStepOverheadMs,
            DecodeStepMs = model.DecodeStepMs,
            PrefillStepMs = model.PrefillStepMs,
            Router = w.Router,
        };

        (ServingSimulationReport prefill, RequestTimes[] first) = RequestSimulation.RunTimed(
            Pool([.. requests.Select(r => r with { OutputTokens = 1 })], strategy.PrefillInstances, strategy.Prefill.DataParallel, prefillKv, prefillModel) with
            {
                ArrivalDelayMs = profile.RequestOverheadMs + profile.ApiServerRequestMs,
            });

        // ---- the KV transfer, then the decode pool ----
        var path = new KvTransferPath(scenario, strategy);
        var carried = new List<int>(requests.Count);
        var decodeRequests = new List<SimulatedRequest>(requests.Count);
        for (int i = 0; i < requests.Count; i++)
        {
            if (first[i].Rejected || double.IsNaN(first[i].FirstMs))
            {
                continue;
            }

            int prompt = Math.Max(1, requests[i].InputTokens);
            double lastChunk = prompt - ((Math.Ceiling((double)prompt / profile.MaxBatchedTokens) - 1) * profile.MaxBatchedTokens);
            carried.Add(i);
            decodeRequests.Add(new SimulatedRequest(first[i].FirstMs + path.ExposedMs(prompt, lastChunk), prompt, requests[i].OutputTokens));
        }

        // The decode pool sees the arrivals in time order.
        int[] order = [.. Enumerable.Range(0, decodeRequests.Count).OrderBy(k => decodeRequests[k].SentMs)];
        (ServingSimulationReport decode, RequestTimes[] last) = RequestSimulation.RunTimed(
            Pool([.. order.Select(k => decodeRequests[k])], strategy.DecodeInstances, strategy.Decode.DataParallel, decodeKv, decodeModel) with
            {
                PromptsCached = true,
            });

        // ---- each request end to end ----
        Requirements req = scenario.Requirements;
        var ttft = new List<double>(order.Length);
        var tpot = new List<double>(order.Length);
        var e2e = new List<double>(order.Length);
        int good = 0;
        for (int j = 0; j < order.Length; j++)
        {
            RequestTimes d = last[j];
            if (d.Rejected || double.IsNaN(d.FirstMs) || double.IsNaN(d.FinishMs))
            {
                continue;
            }

            int i = carried[order[j]];
            double sent = first[i].SentMs;
            double t = d.FirstMs - sent, e = d.FinishMs - sent;
            int output = Math.Max(1, requests[i].OutputTokens);
            double p = output > 1 ? (d.FinishMs - d.FirstMs) / (output - 1) : 0;
            ttft.Add(t);
            e2e.Add(e);
            if (output > 1)
            {
                tpot.Add(p);
            }

            bool ok = (req.TightestTtftMs is not { } gt || t <= gt) && (req.TightestTpotMs is not { } gp || p <= gp) && (req.TightestE2eMs is not { } ge || e <= ge);
            good += ok ? 1 : 0;
        }

        int served = ttft.Count;
        double goodFraction = served > 0 ? (double)good / served : 0;
        notes.Add(Text($"simulation (disaggregated): {strategy.PrefillInstances} prefill instance(s) of {strategy.Prefill.DataParallel} DP group(s) holding {prefillKv:#,0} KV tokens each, then the KV transfer ({path.Link.Technology}, {(path.Behaviour.ChunkOverlap ? "the last chunk's share exposed" : "all of it exposed")}), then {strategy.DecodeInstances} decode instance(s) of {strategy.Decode.DataParallel} DP group(s) holding {decodeKv:#,0} KV tokens each; the first token reaches the client when its decode instance admits it"));
        return new ServingSimulationReport
        {
            Latency = new LatencyPercentiles(Summary(ttft), Summary(tpot), decode.Latency.ItlMs, Summary(e2e)),
            Requests = requests.Count,
            WarmupRequests = 0,
            RejectedRequests = prefill.RejectedRequests + decode.RejectedRequests,
            OfferedRequestsPerS = prefill.OfferedRequestsPerS,
            AchievedRequestsPerS = decode.AchievedRequestsPerS,
            GoodputRequestsPerS = decode.AchievedRequestsPerS * goodFraction,
            GoodFraction = goodFraction,
            MeanRunningSequences = prefill.MeanRunningSequences + decode.MeanRunningSequences,
            MeanBatchSequences = decode.MeanBatchSequences,
            MeanKvPoolUse = decode.MeanKvPoolUse,
            PeakKvPoolUse = decode.PeakKvPoolUse,
            Preemptions = prefill.Preemptions + decode.Preemptions,
            OutputTokensPerS = decode.OutputTokensPerS,
            DurationMs = decode.DurationMs,
            Steps = prefill.Steps + decode.Steps,
            Saturated = prefill.Saturated || decode.Saturated,
            BacklogGrowth = Math.Max(prefill.BacklogGrowth, decode.BacklogGrowth),
            Cut = prefill.Cut || decode.Cut,
            Seed = w.Seed,
            Notes = notes,
        };
    }

    /// <summary>The estimate of a disaggregated strategy with its simulation, percentile checks and rate verdict attached.</summary>
    public static EstimateResult Attach(Scenario scenario, DisaggregatedStrategy strategy, EstimateResult estimate, EfficiencyProfile profile)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        double flow = estimate.Disaggregation?.RequestsPerS ?? 0;
        return WorkloadSimulator.With(scenario, estimate, Simulate(scenario, strategy, profile, flow));
    }

    /// <summary>KV tokens a DP group of the pool holds: the most sequences that fit, over its groups, times the longest context.</summary>
    private static double KvTokensPerGroup(ServingModel model, ParallelStrategy pool, Workload w)
    {
        model.Compute(out EstimateFigures most, ConcurrencySetting.Max);
        int groups = pool.Replicas * pool.DataParallel;
        return Math.Max(1, (double)Math.Max(0, most.Concurrency) / groups * w.MaxContextTokens);
    }

    private static LatencySummary Summary(List<double> values)
    {
        if (values.Count == 0)
        {
            return new LatencySummary(0, 0, 0, 0);
        }

        values.Sort();
        return new LatencySummary(values.Average(), Quantiles.Linear(values, 0.5), Quantiles.Linear(values, 0.9), Quantiles.Linear(values, 0.99));
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
