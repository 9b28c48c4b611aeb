using System.Globalization;
using ParaPlan.Catalog;
using ParaPlan.CostModel;
using ParaPlan.CostModel.Disaggregation;
using ParaPlan.CostModel.Profiles;
using ParaPlan.CostModel.Serving.Simulation;
using ParaPlan.Domain;
using ParaPlan.Reports;
using ParaPlan.Search;

namespace ParaPlan.Planning;

/// <summary>
/// What <c>paraplan plan</c> answers. <c>best</c>, <c>alternatives</c>, <c>pareto</c>, <c>search</c> and
/// <c>infeasible</c> are the contract's keys; the rest is the deployment plan behind them.
/// </summary>
public sealed record PlanResult
{
    public required EstimateResult Best { get; init; }

    public required IReadOnlyList<EstimateResult> Alternatives { get; init; }

    public required IReadOnlyList<EstimateResult> Pareto { get; init; }

    public required SearchStatistics Search { get; init; }

    public string? Infeasible { get; init; }

    public required string Objective { get; init; }

    /// <summary>One line per runner-up: how it compares with the best and what costs it.</summary>
    public required IReadOnlyList<string> Why { get; init; }

    public required IReadOnlyList<RequirementMiss> Misses { get; init; }

    public required IReadOnlyList<string> Suggestions { get; init; }

    public required IReadOnlyList<GpuAssignment> Mapping { get; init; }

    public required ModuleDivisionCheck ModuleDivision { get; init; }

    public required IReadOnlyList<EngineLaunch> Launch { get; init; }

    /// <summary>The command that reproduces the best plan's figures with <c>paraplan estimate</c>.</summary>
    public required string Reproduce { get; init; }

    /// <summary>With <c>engine: any</c>: each engine's best plan, the chosen one first; empty otherwise.</summary>
    public IReadOnlyList<string> EngineChoice { get; init; } = [];

    /// <summary>Aggregated against prefill/decode disaggregated serving (docs/disaggregation.md): the best of each, which wins and by how much.</summary>
    public LayoutComparison? Layouts { get; init; }
}

/// <summary>The best aggregated and the best disaggregated layout, and the objective's verdict.</summary>
/// <param name="Aggregated">The best aggregated plan in one line (or why there is none).</param>
/// <param name="Disaggregated">The best disaggregated layout in one line (or why there is none).</param>
/// <param name="Winner">"aggregated" or "disaggregated".</param>
/// <param name="Why">The verdict in words: by how much, on the objective.</param>
/// <param name="Evaluated">Disaggregated layouts costed.</param>
/// <param name="Feasible">Of them, meeting every requirement.</param>
/// <param name="ElapsedMs">Time of the disaggregated search.</param>
public sealed record LayoutComparison(string Aggregated, string Disaggregated, string Winner, string Why, long Evaluated, long Feasible, double ElapsedMs);

/// <summary>From deployment conditions to a plan: search, then the full estimate, mapping and launch settings of the best.</summary>
public static class Planner
{
    private static readonly int[] ConcurrencyFactors = [2, 4, 8, 16];

    /// <param name="scenario">The deployment conditions.</param>
    /// <param name="options">How many runners-up and Pareto points to keep.</param>
    /// <param name="suggest">False to skip the searches for what would make an infeasible scenario feasible.</param>
    /// <param name="profiles">Where the efficiency profile comes from (<c>--profiles</c>); the built-in catalog by default.</param>
    public static PlanResult Plan(Scenario scenario, SearchOptions? options = null, bool suggest = true, IProfileSource? profiles = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (scenario.AnyEngine)
        {
            return PlanAnyEngine(scenario, options, suggest, profiles);
        }

        SearchResult search = StrategySearch.Run(scenario, options, profiles);
        EstimateResult Full(Candidate c) => Complete(scenario, c, search.Profile);
        Candidate chosen = search.Best;
        EstimateResult best;
        string? infeasible = search.Infeasible;
        List<EstimateResult> alternatives;
        var notes = new List<string>();
        if (search.Infeasible is null && (scenario.Workload.IsOpenLoop || scenario.Requirements.HasPercentiles))
        {
            // The analytical path pruned; the simulation ranks the survivors (docs/serving-at-a-rate.md, "Planning at a rate").
            SimulationRanking ranking = SimulationRanking.Rank(scenario, search, Full, options?.Cancellation ?? default);
            chosen = ranking.Chosen;
            best = ranking.Best;
            infeasible = ranking.Infeasible;
            alternatives = [.. ranking.Others.Take(options?.Alternatives ?? new SearchOptions().Alternatives)];
            notes.Add(ranking.Note);
        }
        else
        {
            best = WorkloadSimulator.Attach(scenario, search.Best.Strategy, Full(search.Best), search.Profile);
            alternatives = [.. search.Alternatives.Select(Full)];
        }

        var pareto = search.Pareto.Select(Full).ToList();
        IReadOnlyList<GpuAssignment> map = RankLayout.Map(chosen.Strategy, scenario.Model, scenario.Hardware.GpusPerNode);
        PlanResult aggregated = new PlanResult
        {
            Best = notes.Count == 0 ? best : best with { Assumptions = [.. best.Assumptions, .. notes] },
            Alternatives = alternatives,
            Pareto = pareto,
            Search = search.Statistics with { ElapsedMs = Math.Round(search.Statistics.ElapsedMs, 1) },
            Infeasible = infeasible,
            Objective = scenario.Objective.ToString().ToLowerInvariant(),
            Why = [.. alternatives.Select(a => WhyNot(best, a, scenario.Objective))],
            Misses = search.Misses,
            Suggestions = search.Infeasible is null || !suggest ? [] : Suggestions(scenario, search, profiles, options?.Cancellation ?? default),
            Mapping = map,
            ModuleDivision = ModuleDivisionCheck.Of(map, chosen.Strategy, scenario.Model),
            Launch = LaunchSettings.For(scenario, chosen.Strategy, best),
            Reproduce = Reproduction(scenario, chosen),
        };
        return WithDisaggregation(scenario, aggregated, search.Profile, options?.Cancellation ?? default);
    }

    /// <summary>
    /// The disaggregated search beside the aggregated one (docs/disaggregation.md): the best layout of each by the
    /// objective; when the disaggregated one wins, it is the plan.
    /// </summary>
    private static PlanResult WithDisaggregation(Scenario scenario, PlanResult aggregated, EfficiencyProfile profile, CancellationToken cancellation)
    {
        if (scenario.Workload.Form == WorkloadForm.Burst || scenario.Workload.OutputTokens < 2)
        {
            return aggregated;
        }

        List<ParallelStrategy> instances = StrategySearch.FittingInstances(scenario, out int budget);
        DisaggregatedSearchResult pd = DisaggregatedSearch.Run(scenario, profile, budget, instances, cancellation);
        EstimateResult a = aggregated.Best;
        string aggregatedLine = aggregated.Infeasible is null
            ? Invariant($"{a.Parallel.Gpus} GPUs (tp{a.Parallel.Tp} sp{a.Parallel.Sp} dp{a.Parallel.Dp} pp{a.Parallel.Pp} ep{a.Parallel.Ep} x{a.Parallel.Replicas}): {a.OutputTokensPerSPerGpu:0} output tokens/s per GPU, TPOT {a.TpotMs:0.0} ms, TTFT {a.TtftMs:0} ms")
            : "none meets every requirement";
        if (pd.Best is not { } best)
        {
            string none = pd.Evaluated == 0 ? "none to cost: no instance shape suits both pools within the GPUs" : Invariant($"none of {pd.Evaluated:#,0} layouts meets every requirement");
            return aggregated with { Layouts = new LayoutComparison(aggregatedLine, none, "aggregated", "aggregated: no disaggregated layout is feasible", pd.Evaluated, pd.Feasible, Math.Round(pd.ElapsedMs, 1)) };
        }

        bool Wins(DisaggregatedCandidate c) => aggregated.Infeasible is not null || scenario.Objective switch
        {
            Objective.Latency => c.Figures.TpotMs < a.TpotMs * 0.999,
            Objective.Gpus => c.Strategy.GpuCount < a.Parallel.Gpus || (c.Strategy.GpuCount == a.Parallel.Gpus && c.Figures.OutputTokensPerSPerGpu > a.OutputTokensPerSPerGpu * 1.001),
            _ => c.Figures.OutputTokensPerSPerGpu > a.OutputTokensPerSPerGpu * 1.001,
        };
        string Margin(EstimateFigures f) => aggregated.Infeasible is not null
            ? "no aggregated strategy meets every requirement"
            : scenario.Objective switch
            {
                Objective.Latency => Invariant($"TPOT {f.TpotMs:0.0} vs {a.TpotMs:0.0} ms ({(f.TpotMs / a.TpotMs) - 1:+0%;-0%})"),
                Objective.Gpus => Invariant($"{f.OutputTokensPerSPerGpu:0} vs {a.OutputTokensPerSPerGpu:0} output tokens/s per GPU"),
                _ => Invariant($"{f.OutputTokensPerSPerGpu:0} vs {a.OutputTokensPerSPerGpu:0} output tokens/s per GPU ({(f.OutputTokensPerSPerGpu / a.OutputTokensPerSPerGpu) - 1:+0%;-0%})"),
            };
        string Line(DisaggregatedCandidate c) => Invariant($"{c.Strategy.GpuCount} GPUs ({c.Strategy}): {c.Figures.OutputTokensPerSPerGpu:0} output tokens/s per GPU, TPOT {c.Figures.TpotMs:0.0} ms, TTFT {c.Figures.TtftMs:0} ms");
        EstimateResult Simulated(DisaggregatedCandidate c)
        {
            Scenario with = scenario with { Disaggregated = c.Strategy, Parallel = null };
            EstimateResult estimate = Estimator.EstimateDisaggregated(with, c.Strategy, profile);
            return DisaggregatedSimulation.Attach(with, c.Strategy, estimate, profile);
        }

        bool pdWins = Wins(best);
        string why = Invariant($"{(pdWins ? "disaggregated" : "aggregated")} wins on the objective '{scenario.Objective.ToString().ToLowerInvariant()}': {Margin(best.Figures)}; prompts never stall the disaggregated decode steps (TPOT {best.Figures.TpotMs:0.0} ms), at the cost of the KV transfer and a prefill queue in TTFT");
        EstimateResult? e = null;
        if (pdWins && scenario.Requirements.HasPercentiles)
        {
            // Percentile targets are checked by simulating both pools request by request (docs/disaggregation.md,
            // "Simulation"): the layouts that lead on the analytical figures, in the objective's order, until one passes.
            var failed = new List<string>();
            foreach (DisaggregatedCandidate c in pd.Ranked.Where(Wins))
            {
                cancellation.ThrowIfCancellationRequested();
                EstimateResult simulated = Simulated(c);
                if (simulated.Checks.All(k => k.Passed))
                {
                    best = c;
                    e = simulated;
                    break;
                }

                failed.Add(Invariant($"{c.Strategy}: {string.Join(", ", simulated.Checks.Where(k => !k.Passed).Select(k => k.Name + " " + k.Detail))}"));
            }

            if (e is null)
            {
                pdWins = false;
                why = Invariant($"aggregated kept: the disaggregated layouts that lead on the analytical figures ({Margin(best.Figures)} for the first) miss the percentile targets when simulated request by request ({string.Join("; ", failed.Take(2))}{(failed.Count > 2 ? "; ..." : string.Empty)})");
            }
            else
            {
                why = Invariant($"disaggregated wins on the objective '{scenario.Objective.ToString().ToLowerInvariant()}': {Margin(best.Figures)}, and meets the percentile targets when both pools are simulated request by request{(failed.Count > 0 ? Invariant($" ({failed.Count} layout(s) ahead of it on the analytical figures did not)") : string.Empty)}");
            }
        }

        string pdLine = Line(best);
        var comparison = new LayoutComparison(aggregatedLine, pdLine, pdWins ? "disaggregated" : "aggregated", why, pd.Evaluated, pd.Feasible, Math.Round(pd.ElapsedMs, 1));
        if (!pdWins)
        {
            return aggregated with { Layouts = comparison };
        }

        Scenario chosen = scenario with { Disaggregated = best.Strategy, Parallel = null };
        e ??= Simulated(best);
        e = e with
        {
            Assumptions = [.. scenario.Assumptions, .. e.Assumptions],
            Warnings = [.. scenario.Warnings, .. e.Warnings],
        };
        IReadOnlyList<GpuAssignment> map = RankLayout.Map(best.Strategy, scenario.Model, scenario.Hardware.GpusPerNode);
        string load = scenario.Workload.IsOpenLoop && scenario.Workload.RequestRate is { } rate ? Invariant($" --request-rate {rate:0.####}") : string.Empty;
        return aggregated with
        {
            Best = e,
            Infeasible = null,
            Misses = [],
            Suggestions = [],
            Layouts = comparison,
            Alternatives = [aggregated.Best, .. aggregated.Alternatives.Take(4)],
            Why = [Invariant($"the best aggregated plan, {aggregatedLine}: {why}"), .. aggregated.Why.Take(4)],
            Mapping = map,
            ModuleDivision = ModuleDivisionCheck.Of(RankLayout.Map(best.Strategy.DecodePool, scenario.Model, scenario.Hardware.GpusPerNode), best.Strategy.DecodePool, scenario.Model),
            Launch = LaunchSettings.ForDisaggregated(chosen, best.Strategy, e),
            Reproduce = Invariant($"paraplan estimate {scenario.SourcePath}{load}   # with the scenario's parallel set to {{prefill: {{tp: {best.Strategy.Prefill.TensorParallel}, sp: {best.Strategy.Prefill.SequenceParallel}, dp: {best.Strategy.Prefill.DataParallel}, pp: {best.Strategy.Prefill.PipelineParallel}, ep: {best.Strategy.Prefill.ExpertParallel}}}, decode: {{tp: {best.Strategy.Decode.TensorParallel}, sp: {best.Strategy.Decode.SequenceParallel}, dp: {best.Strategy.Decode.DataParallel}, pp: {best.Strategy.Decode.PipelineParallel}, ep: {best.Strategy.Decode.ExpertParallel}}}, prefill_instances: {best.Strategy.PrefillInstances}, decode_instances: {best.Strategy.DecodeInstances}}}"),
        };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static readonly EngineKind[] NamedEngines = [EngineKind.Vllm, EngineKind.Sglang, EngineKind.Trtllm];

    /// <summary>
    /// <c>engine: any</c>: the plan of each named engine; the best by the objective among the feasible ones (else the
    /// closest), named with every engine's best beside it.
    /// </summary>
    private static PlanResult PlanAnyEngine(Scenario scenario, SearchOptions? options, bool suggest, IProfileSource? profiles)
    {
        var plans = NamedEngines
            .Select(engine => (Engine: engine, Plan: Plan(scenario with { Engine = engine, AnyEngine = false }, options, suggest, profiles)))
            .ToList();
        Comparison<EstimateResult> order = scenario.Objective switch
        {
            Objective.Latency => (a, b) => a.TpotMs.CompareTo(b.TpotMs),
            Objective.Gpus => (a, b) => a.Parallel.Gpus != b.Parallel.Gpus ? a.Parallel.Gpus.CompareTo(b.Parallel.Gpus) : b.OutputTokensPerSPerGpu.CompareTo(a.OutputTokensPerSPerGpu),
            _ => (a, b) => b.OutputTokensPerSPerGpu.CompareTo(a.OutputTokensPerSPerGpu),
        };
        var ranked = plans.OrderBy(p => p.Plan.Infeasible is null ? 0 : 1)
            .ThenBy(p => p.Plan.Best, Comparer<EstimateResult>.Create(order))
            .ToList();
        (EngineKind chosen, PlanResult best) = ranked[0];
        string Line((EngineKind Engine, PlanResult Plan) p) => string.Create(CultureInfo.InvariantCulture,
            $"{EngineCapabilities.Name(p.Engine)}: {p.Plan.Best.Parallel.Gpus} GPUs (tp{p.Plan.Best.Parallel.Tp} sp{p.Plan.Best.Parallel.Sp} dp{p.Plan.Best.Parallel.Dp} pp{p.Plan.Best.Parallel.Pp} ep{p.Plan.Best.Parallel.Ep} x{p.Plan.Best.Parallel.Replicas}), {p.Plan.Best.OutputTokensPerSPerGpu:0} output tokens/s per GPU, TPOT {p.Plan.Best.TpotMs:0.0} ms{(p.Plan.Infeasible is null ? string.Empty : " (not feasible)")}");
        string note = $"engine any: {EngineCapabilities.Name(chosen)} chosen by the objective '{scenario.Objective.ToString().ToLowerInvariant()}' among vLLM, SGLang and TensorRT-LLM";
        return best with
        {
            Best = best.Best with { Assumptions = [.. best.Best.Assumptions, note] },
            EngineChoice = [.. ranked.Select(Line)],
            Reproduce = $"{best.Reproduce} --engine {chosen.ToString().ToLowerInvariant()}",
        };
    }

    /// <summary>The estimate command that gives exactly the best candidate's figures.</summary>
    public static string Reproduction(Scenario scenario, Candidate candidate)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(candidate);
        ParallelStrategy s = candidate.Strategy;
        string load = scenario.Workload.IsOpenLoop && scenario.Workload.RequestRate is { } rate
            ? string.Create(CultureInfo.InvariantCulture, $"--request-rate {rate:0.####}")
            : string.Create(CultureInfo.InvariantCulture, $"--concurrency {candidate.Figures.Concurrency}");
        return string.Create(CultureInfo.InvariantCulture,
            $"paraplan estimate {scenario.SourcePath} --parallel tp={s.TensorParallel},sp={s.SequenceParallel},dp={s.DataParallel},pp={s.PipelineParallel},ep={s.ExpertParallel},replicas={s.Replicas} {load}");
    }

    /// <summary>The full estimate of a candidate, with the scenario's assumptions and warnings.</summary>
    private static EstimateResult Complete(Scenario scenario, Candidate candidate, EfficiencyProfile profile)
    {
        // At a request rate the sequences in flight follow from the rate (Little's law); otherwise the search's choice.
        Scenario fixedConcurrency = scenario.Workload.IsOpenLoop ? scenario : scenario with
        {
            Workload = scenario.Workload.WithConcurrency(ConcurrencySetting.Of(candidate.Figures.Concurrency)),
        };
        EstimateResult e = Estimator.Estimate(fixedConcurrency, candidate.Strategy, profile);
        var assumptions = new List<string>(scenario.Assumptions);
        if (scenario.Workload.IsOpenLoop)
        {
            assumptions.Add(string.Create(CultureInfo.InvariantCulture, $"sequences in flight at {scenario.Workload.RequestRate:0.###} requests/s: {candidate.Figures.Concurrency} (Little's law on the analytical latency; memory allows {candidate.Figures.ConcurrencyLimitByMemory})"));
        }
        else if (scenario.Workload.Concurrency.IsMax)
        {
            assumptions.Add($"concurrency chosen by the search: {candidate.Figures.Concurrency} (memory allows {candidate.Figures.ConcurrencyLimitByMemory})");
            if (scenario.Objective == Objective.Latency)
            {
                assumptions.Add(string.Create(CultureInfo.InvariantCulture,
                    $"objective latency with concurrency max: the most output tokens/s per GPU among candidates whose TPOT is within {StrategySearch.LatencyTolerance:0%} of the lowest any strategy reaches (one sequence per DP group alone is not a deployment)"));
            }
        }

        if (scenario.Engine == EngineKind.Generic && !scenario.AnyEngine)
        {
            assumptions.Add("engine generic: the full strategy space was searched, so no single engine may run this strategy as is; name the engine (vllm, sglang, trtllm) or 'any' to plan only what an engine runs");
        }

        assumptions.AddRange(e.Assumptions);
        return e with { Assumptions = assumptions, Warnings = [.. scenario.Warnings, .. e.Warnings] };
    }

    private static string WhyNot(EstimateResult best, EstimateResult other, Objective objective)
    {
        StrategySummary p = other.Parallel;
        string name = string.Create(CultureInfo.InvariantCulture, $"tp{p.Tp} sp{p.Sp} dp{p.Dp} pp{p.Pp} ep{p.Ep} x{p.Replicas} ({p.Gpus} GPUs, concurrency {other.Concurrency})");
        string figures = string.Create(
            CultureInfo.InvariantCulture,
            $"{other.OutputTokensPerSPerGpu:0} output tokens/s per GPU ({Delta(other.OutputTokensPerSPerGpu, best.OutputTokensPerSPerGpu)}), TPOT {other.TpotMs:0.0} ms ({Delta(other.TpotMs, best.TpotMs)}), TTFT {other.TtftMs:0} ms");

        // What the runner-up spends more on, per output token per GPU, in a decode step.
        double Per(EstimateResult e, double ms) => ms / Math.Max(e.Decode.TokensPerStep, 1e-9) * e.Parallel.Gpus / Math.Max(1, e.Parallel.Replicas);
        var deltas = new (string What, double Delta)[]
        {
            ("compute", Per(other, other.Decode.ComputeMs) - Per(best, best.Decode.ComputeMs)),
            ("memory traffic (weights and KV cache)", Per(other, other.Decode.MemoryMs) - Per(best, best.Decode.MemoryMs)),
            ("communication", Per(other, other.Decode.CommunicationMs) - Per(best, best.Decode.CommunicationMs)),
            ("per-step overheads", Per(other, other.Decode.OverheadMs) - Per(best, best.Decode.OverheadMs)),
        };
        (string what, double delta) = deltas.MaxBy(d => d.Delta);
        // Only a runner-up with less throughput spends more GPU time per token; one with more ranks below for
        // another reason (the objective's first criterion, or, when nothing is feasible, a larger shortfall).
        string reason = other.OutputTokensPerSPerGpu < best.OutputTokensPerSPerGpu
            ? (delta > 0 ? $"; per output token it spends more GPU time on {what}" : string.Empty)
            : other.OutputTokensPerSPerGpu > best.OutputTokensPerSPerGpu
                ? objective switch
                {
                    Objective.Latency => "; more throughput, but a higher TPOT, which the latency objective ranks first",
                    Objective.Gpus => "; more throughput, but the gpus objective ranks GPU count first",
                    _ => "; more throughput, but it misses the requirements by more",
                }
                : string.Empty;
        string objectiveNote = objective == Objective.Gpus && other.Parallel.Gpus > best.Parallel.Gpus ? $"; needs {other.Parallel.Gpus - best.Parallel.Gpus} more GPUs" : string.Empty;
        return $"{name}: {figures}{reason}{objectiveNote}";
    }

    private static string Delta(double value, double reference) =>
        reference == 0 ? "n/a" : (value / reference - 1).ToString("+0%;-0%;0%", CultureInfo.InvariantCulture);

    /// <summary>What would make the scenario feasible: physics first, then more GPUs, less load, a faster GPU.</summary>
    private static List<string> Suggestions(Scenario scenario, SearchResult search, IProfileSource? profiles, CancellationToken cancellation)
    {
        var suggestions = new List<string>();
        Requirements r = scenario.Requirements;
        EfficiencyProfile profile = search.Profile;
        GpuSpec gpu = scenario.Hardware.Gpu;
        NumericFormat fastestFormat = scenario.Precision.LayerWeightFormats.MaxBy(gpu.PeakTflopsFor);   // the fastest module's
        double peak = gpu.PeakTflopsFor(fastestFormat) * 1e12;
        double gemmEfficiency = profile.GemmEfficiencyFor(gpu.ComputeFormatFor(fastestFormat));
        double computeBound = peak * gemmEfficiency / (2.0 * scenario.Model.ActiveParameters);
        if (search.Misses.Any(m => m.Requirement == "memory"))
        {
            double weightGb = StrategySearch.WeightBytes(scenario) / 1e9;
            double allowedGb = gpu.MemoryGb * r.MaxMemoryUtilization;
            int needed = (int)Math.Ceiling(weightGb / allowedGb);
            suggestions.Add(string.Create(CultureInfo.InvariantCulture,
                $"memory: the weights alone are {weightGb:0.#} GB ({(scenario.Precision.IsPerModule ? "per-module formats" : scenario.Precision.Weights.FileName())}); at {allowedGb:0.#} GB allowed per {gpu.Id} (max_memory_utilization {r.MaxMemoryUtilization:0.##}) they need at least {needed} GPUs before any KV cache, activations or runtime reserve"));
        }

        if (r.MinOutputTokensPerSecondPerGpu is { } rate && rate > computeBound)
        {
            suggestions.Add(string.Create(CultureInfo.InvariantCulture,
                $"physically impossible: {rate:0} output tokens/s per GPU exceeds the compute bound of {computeBound:0} ({peak / 1e12:0.#} TFLOPS x {gemmEfficiency:0.##} / (2 x {scenario.Model.ActiveParameters / 1e9:0.##} B active parameters)) on any number of {gpu.Id} GPUs"));
        }

        if (r.MinOutputTokensPerSecondPerGpu is { } wanted && search.Misses.Any(m => m.Requirement == "min_output_tokens_per_s_per_gpu"))
        {
            Scenario unconstrained = scenario with
            {
                Workload = scenario.Workload.WithConcurrency(ConcurrencySetting.Max),
                Requirements = new Requirements(maxMemoryUtilization: r.MaxMemoryUtilization),
                Objective = Objective.Throughput,
            };
            SearchResult most = StrategySearch.Run(unconstrained, new SearchOptions { Cancellation = cancellation }, profiles);
            if (most.Best.Figures.OutputTokensPerSPerGpu < wanted)
            {
                suggestions.Add(string.Create(CultureInfo.InvariantCulture,
                    $"out of reach on {gpu.Name}: the most any strategy reaches, at any concurrency that fits memory and ignoring the latency targets, is {most.Best.Figures.OutputTokensPerSPerGpu:0} output tokens/s per GPU ({most.Best.Strategy}, concurrency {most.Best.Figures.Concurrency}) vs {wanted:0} required (compute bound {computeBound:0})"));
            }
        }

        if (r.TpotMs is { } tpot)
        {
            Scenario single = scenario with { Workload = scenario.Workload.WithConcurrency(ConcurrencySetting.Of(1)), Requirements = new Requirements(maxMemoryUtilization: r.MaxMemoryUtilization) };
            SearchResult fastest = StrategySearch.Run(single with { Objective = Objective.Latency }, new SearchOptions { Cancellation = cancellation }, profiles);
            double lowest = fastest.Best.Figures.TpotLongestPromptMs;
            if (lowest > tpot)
            {
                suggestions.Add(string.Create(CultureInfo.InvariantCulture,
                    $"physically out of reach here: the lowest TPOT any strategy reaches with one sequence is {lowest:0.0} ms ({fastest.Best.Strategy}) vs {tpot:0.0} ms required"));
            }
        }

        if (scenario.Hardware.GpuCount is { } gpus)
        {
            foreach (int factor in new[] { 2, 4 })
            {
                Scenario more = scenario with { Hardware = new HardwareSpec(gpu, gpus * factor, scenario.Hardware.GpusPerNode) };
                SearchResult wider = StrategySearch.Run(more, new SearchOptions { Cancellation = cancellation }, profiles);
                if (wider.Infeasible is null)
                {
                    suggestions.Add(string.Create(CultureInfo.InvariantCulture,
                        $"more GPUs: with {gpus * factor} the best plan ({wider.Best.Strategy}) meets every requirement at {wider.Best.Figures.OutputTokensPerSPerGpu:0} output tokens/s per GPU"));
                    break;
                }
            }
        }

        if (scenario.Workload.Concurrency.Sequences is { } concurrency && concurrency > 1)
        {
            for (int lower = concurrency / 2; lower >= 1; lower /= 2)
            {
                Scenario fewer = scenario with { Workload = scenario.Workload.WithConcurrency(ConcurrencySetting.Of(lower)) };
                SearchResult result = StrategySearch.Run(fewer, new SearchOptions { Cancellation = cancellation }, profiles);
                if (result.Infeasible is null)
                {
                    suggestions.Add($"lower concurrency: at {lower} sequences the best plan ({result.Best.Strategy}) meets every requirement");
                    break;
                }
            }
        }

        if (scenario.Workload.Concurrency.Sequences is { } current && search.Misses.Any(m => m.Requirement == "min_output_tokens_per_s_per_gpu"))
        {
            // Per-GPU throughput grows with the batch: more sequences in flight amortise the weight reads.
            foreach (ConcurrencySetting more in ConcurrencyFactors.Select(f => ConcurrencySetting.Of(current * f)).Append(ConcurrencySetting.Max))
            {
                SearchResult result = StrategySearch.Run(scenario with { Workload = scenario.Workload.WithConcurrency(more) }, new SearchOptions { Cancellation = cancellation }, profiles);
                if (result.Infeasible is null)
                {
                    suggestions.Add(string.Create(CultureInfo.InvariantCulture,
                        $"higher concurrency: at {result.Best.Figures.Concurrency} sequences in flight the best plan ({result.Best.Strategy}) reaches {result.Best.Figures.OutputTokensPerSPerGpu:0} output tokens/s per GPU and meets every requirement"));
                    break;
                }
            }
        }

        if (search.Misses.Any(m => m.Requirement == "ttft_ms") && scenario.Workload.InputTokens.Max > 256)
        {
            TokenRange shorter = new(Math.Min(scenario.Workload.InputTokens.Min, scenario.Workload.InputTokens.Max / 2), scenario.Workload.InputTokens.Max / 2);
            SearchResult result = StrategySearch.Run(scenario with { Workload = scenario.Workload with { InputTokens = shorter, InputLengths = null } }, new SearchOptions { Cancellation = cancellation }, profiles);
            if (result.Infeasible is null)
            {
                suggestions.Add($"shorter inputs: with prompts up to {shorter.Max} tokens the best plan ({result.Best.Strategy}) meets every requirement");
            }
        }

        foreach (GpuSpec other in GpuCatalog.BuiltIn.All.Where(g => g.Id != gpu.Id && g.MemoryBandwidthTbps > gpu.MemoryBandwidthTbps))
        {
            SearchResult result = StrategySearch.Run(scenario with { Hardware = new HardwareSpec(other, scenario.Hardware.GpuCount, other.GpusPerNode) }, new SearchOptions { Cancellation = cancellation }, profiles);
            if (result.Infeasible is null)
            {
                suggestions.Add($"a faster GPU: on {other.Id} the best plan ({result.Best.Strategy}) meets every requirement");
            }
        }

        if (suggestions.Count == 0)
        {
            suggestions.Add("no single change tried (2x or 4x the GPUs, half or up to 16x the concurrency, half the prompt length, a faster catalog GPU) makes it feasible; relax the requirements");
        }

        return suggestions;
    }
}
