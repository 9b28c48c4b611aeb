using System.Globalization;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;

namespace ParaPlan.CostModel.Serving.Simulation;

/// <summary>
/// Runs the scenario's workload through <see cref="RequestSimulation"/> for one costed strategy and adds what it
/// finds to the estimate: the <c>latency</c> percentiles, achieved and good request rates, the percentile
/// requirements' checks and the saturated verdict (docs/serving-at-a-rate.md).
/// </summary>
public static class WorkloadSimulator
{
    /// <summary>Requests an open-loop or closed-loop simulation serves when the scenario does not say.</summary>
    public const int DefaultMinRequests = 2_000;

    public const int DefaultMaxRequests = 20_000;

    /// <summary>The estimate with the simulation's figures and checks.</summary>
    public static EstimateResult Attach(Scenario scenario, ParallelStrategy strategy, EstimateResult estimate, EfficiencyProfile profile)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(estimate);
        ArgumentNullException.ThrowIfNull(profile);
        if (estimate.ConcurrencyLimitByMemory < 1 || estimate.DecodeStepAtContext is null)
        {
            return estimate with { Assumptions = [.. estimate.Assumptions, "not simulated: not one sequence fits the KV cache memory left"] };
        }

        return With(scenario, estimate, Simulate(scenario, strategy, estimate, profile));
    }

    /// <summary>The estimate with a simulation's figures, its percentile checks and, at a rate, its verdict on the rate.</summary>
    public static EstimateResult With(Scenario scenario, EstimateResult estimate, ServingSimulationReport sim)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(estimate);
        ArgumentNullException.ThrowIfNull(sim);
        var checks = estimate.Checks.ToList();
        checks.AddRange(PercentileChecks(scenario.Requirements, sim));
        if (scenario.Workload.IsOpenLoop)
        {
            checks.RemoveAll(c => c.Name == "request_rate");
            checks.Add(new CheckResult("request_rate", !sim.Saturated, sim.Saturated
                ? Text($"saturated: {sim.OfferedRequestsPerS:0.##} requests/s offered, {sim.AchievedRequestsPerS:0.##} drained; the backlog grows by {sim.BacklogGrowth:0.##} per request sent")
                : Text($"{sim.AchievedRequestsPerS:0.##} requests/s served of {sim.OfferedRequestsPerS:0.##} offered; backlog steady")));
        }

        var assumptions = estimate.Assumptions.ToList();
        assumptions.AddRange(sim.Notes);
        return estimate with { Simulation = sim, Checks = checks, Assumptions = assumptions };
    }

    /// <summary>The simulation of the scenario's workload on <paramref name="strategy"/>, with the step times of <paramref name="estimate"/>.</summary>
    public static ServingSimulationReport Simulate(Scenario scenario, ParallelStrategy strategy, EstimateResult estimate, EfficiencyProfile profile)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(estimate);
        ArgumentNullException.ThrowIfNull(profile);
        Workload w = scenario.Workload;
        var notes = new List<string>();
        int groups = strategy.Replicas * strategy.DataParallel;
        List<SimulatedRequest> requests = Requests(w, estimate.Concurrency, notes, out int? clients, out int warmup);
        if (w.InputLaw.Kind != LengthKind.Fixed || w.OutputLaw.Kind != LengthKind.Fixed)
        {
            notes.Add($"simulation lengths: prompts {w.InputLaw}, outputs {w.OutputLaw}");
        }

        double kvTokens = (double)estimate.ConcurrencyLimitByMemory / groups * w.MaxContextTokens;
        Requirements req = scenario.Requirements;
        var input = new SimulationInput
        {
            Requests = requests,
            Clients = clients,
            Instances = strategy.Replicas,
            GroupsPerInstance = strategy.DataParallel,
            MaxRunning = profile.MaxRunningSequences,
            KvTokenCapacity = Math.Max(1, kvTokens),
            BatchedTokens = profile.MaxBatchedTokens,
            PrefillFirst = profile.PrefillFirst,
            StepOverheadMs = profile.SharedStepOverheadMs,
            ArrivalDelayMs = profile.RequestOverheadMs + profile.ApiServerRequestMs,
            DecodeStepMs = estimate.DecodeStepAtContext ?? throw new ArgumentException("the estimate carries no step functions.", nameof(estimate)),
            PrefillStepMs = estimate.PrefillStepAtPrompt ?? throw new ArgumentException("the estimate carries no step functions.", nameof(estimate)),
            Router = w.Router,
            GoodTtftMs = req.TightestTtftMs,
            GoodTpotMs = req.TightestTpotMs,
            GoodE2eMs = req.TightestE2eMs,
            WarmupRequests = warmup,
            ClientStaggerMs = clients is null ? 0 : estimate.MeanTtftMs + (Math.Max(0, w.OutputLaw.Mean - 1) * estimate.TpotMs),
        };
        notes.Add(Text($"simulation: each DP group holds {kvTokens:#,0} KV tokens and runs at most {profile.MaxRunningSequences} sequences and {profile.MaxBatchedTokens:#,0} tokens a step ({profile.Name}); preemption recomputes the newest sequence"));
        ServingSimulationReport report = RequestSimulation.Run(input);
        if (report.Cut)
        {
            notes.Add("simulation cut at its bound of 20 million events: the figures are those of the requests finished by then; give workload.requests fewer requests");
        }

        return report with { Seed = w.Seed, Notes = notes };
    }

    /// <summary>
    /// The requests of the workload, in send order: a rate's arrivals (gamma gaps), a trace's, a burst's, or a closed
    /// loop's lengths (<paramref name="clients"/> set, the first <paramref name="warmup"/> left out of the percentiles).
    /// </summary>
    internal static List<SimulatedRequest> Requests(Workload w, int concurrency, List<string> notes, out int? clients, out int warmup)
    {
        var random = new SplitMix64(unchecked((ulong)w.Seed * 0x9E3779B97F4A7C15UL) ^ 0xD1B54A32D192ED03UL);
        List<SimulatedRequest> requests;
        clients = null;
        warmup = 0;
        switch (w.Form)
        {
            case WorkloadForm.Trace:
                requests = FromTrace(w, notes);
                break;
            case WorkloadForm.RequestRate:
            {
                int n = w.Requests ?? DefaultCount(concurrency);
                requests = new List<SimulatedRequest>(n);
                double rate = w.RequestRate!.Value;
                double t = 0;
                for (int i = 0; i < n; i++)
                {
                    // vLLM bench serve's arrivals: gamma gaps of shape b and scale 1 / (rate x b); b = 1 is Poisson.
                    t += i == 0 ? 0 : random.NextGamma(w.Burstiness) / (rate * w.Burstiness) * 1000;
                    requests.Add(new SimulatedRequest(t, w.InputLaw.Sample(random), w.OutputLaw.Sample(random)));
                }

                notes.Add(Text($"simulation: {n:#,0} requests arriving at {rate:0.###}/s ({(w.Burstiness == 1 ? "Poisson" : $"gamma gaps, burstiness {w.Burstiness:0.##}")}), seed {w.Seed}, {RouterName(w.Router)} routing"));
                break;
            }

            case WorkloadForm.Burst:
            {
                int n = w.Requests ?? concurrency;
                requests = [.. Enumerable.Range(0, n).Select(_ => new SimulatedRequest(0, w.InputLaw.Sample(random), w.OutputLaw.Sample(random)))];
                notes.Add(Text($"simulation: {n:#,0} requests sent at once, seed {w.Seed}"));
                break;
            }

            default:
            {
                int c = concurrency;
                int n = w.Requests ?? Math.Max(DefaultCount(c), 5 * c);
                clients = c;
                warmup = n >= 3 * c ? c : 0;
                requests = [.. Enumerable.Range(0, n).Select(_ => new SimulatedRequest(0, w.InputLaw.Sample(random), w.OutputLaw.Sample(random)))];
                notes.Add(Text($"simulation: {c:#,0} clients in a closed loop serving {n:#,0} requests, seed {w.Seed}{(warmup > 0 ? $"; the clients' first requests, sent evenly over one request's latency, are left out of the percentiles ({warmup:#,0}, the engine filling)" : string.Empty)}"));
                break;
            }
        }

        return requests;
    }

    /// <summary>Checks of the requirements stated as percentiles, against the simulated requests.</summary>
    public static IEnumerable<CheckResult> PercentileChecks(Requirements requirements, ServingSimulationReport sim)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        ArgumentNullException.ThrowIfNull(sim);
        foreach ((string name, LatencyTarget? target, LatencySummary figures) in new[]
        {
            ("ttft", requirements.TtftTarget, sim.Latency.TtftMs),
            ("tpot", requirements.TpotTarget, sim.Latency.TpotMs),
            ("itl", requirements.ItlTarget, sim.Latency.ItlMs),
            ("e2e", requirements.E2eTarget, sim.Latency.E2eMs),
        })
        {
            if (target is null)
            {
                continue;
            }

            foreach ((string key, double bound) in target.Bounds())
            {
                double value = figures.At(key);
                yield return new CheckResult($"{name}_{key}", value <= bound && !sim.Saturated, Text($"{key.ToUpperInvariant()} {value:0.#} ms vs {bound:0.#} ms required (simulated, {sim.Requests - sim.WarmupRequests:#,0} requests){(sim.Saturated ? "; saturated: it grows with the run's length" : string.Empty)}"));
            }
        }
    }

    private static int DefaultCount(int concurrency) => Math.Clamp(10 * concurrency, DefaultMinRequests, DefaultMaxRequests);

    private static List<SimulatedRequest> FromTrace(Workload w, List<string> notes)
    {
        IReadOnlyList<TracedRequest> trace = w.Trace!;
        int n = Math.Min(trace.Count, w.Requests ?? trace.Count);
        double ownRate = trace.Count > 1 && trace[^1].ArrivalMs > 0 ? (trace.Count - 1) / (trace[^1].ArrivalMs / 1000) : 0;
        double scale = ownRate > 0 && w.RequestRate is { } rate ? ownRate / rate : 1;
        notes.Add(Text($"simulation: {n:#,0} requests of the trace{(Math.Abs(scale - 1) > 1e-9 ? $", arrival times scaled by {scale:0.###} to {w.RequestRate:0.###} requests/s" : string.Empty)}"));
        return [.. trace.Take(n).Select(t => new SimulatedRequest(t.ArrivalMs * scale, t.InputTokens, t.OutputTokens))];
    }

    private static string RouterName(RouterPolicy router) => router == RouterPolicy.LeastLoaded ? "least-loaded" : "round-robin";

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
