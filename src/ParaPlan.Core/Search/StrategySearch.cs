using System.Diagnostics;
using System.Globalization;
using ParaPlan.CostModel;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;

namespace ParaPlan.Search;

/// <summary>
/// Searches every valid strategy (tp, sp, dp, pp, ep, replicas) within the GPU budget, and the concurrency when the
/// scenario leaves it at <c>max</c>; prunes by divisibility and by weight memory before costing (each rejection
/// counted by its reason); ranks the candidates that meet every requirement by the objective; keeps the Pareto
/// front of output tokens/s per GPU against tokens/s per user.
/// </summary>
public static class StrategySearch
{
    /// <summary>Highest degree of sequence parallelism considered: beyond 8 the K/V ring outgrows the attention it splits for any context in the catalogs.</summary>
    public const int MaxSequenceParallel = 8;

    /// <summary>GPUs considered when the scenario says they are ample, at most.</summary>
    public const int AmpleCeiling = 1024;

    /// <summary>
    /// GPUs of one model instance (tp x sp x dp x pp), at most: the widest deployments published run one instance
    /// on a few hundred GPUs (DeepSeek-V3 with expert parallelism over 320 GPUs, a GB200 NVL72 rack per instance);
    /// GPUs beyond an instance serve as replicas. It keeps the search to seconds for budgets up to the
    /// scenario format's 1,048,576 GPUs.
    /// </summary>
    public const int MaxInstanceGpus = 1024;

    /// <param name="scenario">The deployment conditions.</param>
    /// <param name="options">How many runners-up and Pareto points to keep.</param>
    /// <param name="profiles">Where the efficiency profile comes from (<c>--profiles</c>); the built-in catalog by default.</param>
    public static SearchResult Run(Scenario scenario, SearchOptions? options = null, IProfileSource? profiles = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        SearchResult fastest = RunOnce(scenario, options, profiles);
        if (scenario.Objective != Objective.Latency || !scenario.Workload.Concurrency.IsMax || fastest.Infeasible is not null)
        {
            return fastest;
        }

        // Latency with concurrency max: the lowest TPOT alone is one sequence per DP group, which nobody deploys; the
        // plan is the most output tokens/s per GPU among candidates within LatencyTolerance of that TPOT.
        double within = fastest.Best.Figures.TpotLongestPromptMs * (1 + LatencyTolerance);
        Requirements r = scenario.Requirements;
        var bounded = new Requirements(r.TtftMs, Math.Min(r.TpotMs ?? double.MaxValue, within), r.MinOutputTokensPerSecondPerGpu, r.MaxMemoryUtilization);
        SearchResult result = RunOnce(scenario with { Requirements = bounded, Objective = Objective.Throughput }, options, profiles);
        return result.Infeasible is null ? result with { Statistics = Combined(fastest.Statistics, result.Statistics) } : fastest;
    }

    /// <summary>TPOT above the lowest any candidate reaches that the latency objective accepts for more throughput (10%).</summary>
    public const double LatencyTolerance = 0.10;

    private static SearchStatistics Combined(SearchStatistics a, SearchStatistics b) =>
        b with { Evaluated = a.Evaluated + b.Evaluated, ElapsedMs = a.ElapsedMs + b.ElapsedMs };

    private static SearchResult RunOnce(Scenario scenario, SearchOptions? options, IProfileSource? profiles)
    {
        options ??= new SearchOptions();
        var clock = Stopwatch.StartNew();
        EfficiencyProfile profile = (profiles ?? EfficiencyCatalog.BuiltIn).Resolve(scenario.Engine, scenario.Hardware.Gpu);
        ModelArchitecture model = scenario.Model;
        int budget = scenario.Hardware.GpuCount ?? AmpleBudget(scenario);
        var rejected = new SortedDictionary<string, long>(StringComparer.Ordinal);
        double weightBytes = WeightBytes(scenario);
        double limitBytes = scenario.Hardware.Gpu.MemoryGb * scenario.Requirements.MaxMemoryUtilization * 1e9;
        var instances = new List<ParallelStrategy>();
        var tooSmall = new List<ParallelStrategy>();
        foreach (ParallelStrategy instance in Instances(model, budget, rejected, scenario.Engine))
        {
            if (weightBytes / instance.GpusPerInstance > limitBytes)
            {
                // Even perfectly split, the weights alone exceed the memory allowed.
                tooSmall.Add(instance);
                continue;
            }

            instances.Add(instance);
        }

        // When the weights fit nowhere, the widest instances are still costed (and fail on memory), so that the
        // answer is the closest candidate and what would help rather than no answer at all.
        HashSet<ParallelStrategy> closest = instances.Count == 0 ? WidestInstances(tooSmall) : [];
        foreach (ParallelStrategy instance in tooSmall)
        {
            if (closest.Contains(instance))
            {
                instances.Add(instance);
            }
            else
            {
                Count(rejected, "memory: the weights alone do not fit on this many GPUs", ReplicaChoices(budget, instance.GpusPerInstance, scenario).Count());
            }
        }

        // Cost the instances on every core; each worker keeps its own tallies, merged at the end.
        var tallies = new List<Tally>();
        Parallel.ForEach(
            instances,
            new ParallelOptions { CancellationToken = options.Cancellation },
            () => new Tally(scenario.Objective, scenario.Requirements, options),
            (instance, _, tally) =>
            {
                options.Cancellation.ThrowIfCancellationRequested();
                foreach (int replicas in ReplicaChoices(budget, instance.GpusPerInstance, scenario))
                {
                    var strategy = new ParallelStrategy(instance.TensorParallel, instance.SequenceParallel, instance.DataParallel, instance.PipelineParallel, instance.ExpertParallel, replicas);
                    Estimator.PreparedEstimate prepared = Estimator.Prepare(scenario, strategy, profile);
                    if (scenario.Workload.IsOpenLoop)
                    {
                        tally.Add(new Candidate(strategy, prepared.Figures(), ConcurrencySetting.Max));
                    }
                    else
                    {
                        foreach (ConcurrencySetting concurrency in ConcurrencyChoices(scenario, strategy, prepared))
                        {
                            tally.Add(new Candidate(strategy, prepared.Figures(concurrency), concurrency));
                        }
                    }

                    tally.EndStrategy();
                }

                return tally;
            },
            tally =>
            {
                lock (tallies)
                {
                    tallies.Add(tally);
                }
            });

        Tally all = Tally.Merge(tallies, scenario.Objective, scenario.Requirements, options);
        foreach ((string reason, long count) in all.Rejected)
        {
            Count(rejected, reason, count);
        }

        clock.Stop();
        return SearchResult.From(scenario, profile, all, rejected, clock.Elapsed.TotalMilliseconds, budget, options);
    }

    /// <summary>Instances costed when the weights fit none: those with the most GPUs, at most this many.</summary>
    /// <summary>The single-instance shapes the engine can run within the budget whose weights fit (what the disaggregated search pairs).</summary>
    internal static List<ParallelStrategy> FittingInstances(Scenario scenario, out int budget)
    {
        budget = scenario.Hardware.GpuCount ?? AmpleBudget(scenario);
        double weightBytes = WeightBytes(scenario);
        double limitBytes = scenario.Hardware.Gpu.MemoryGb * scenario.Requirements.MaxMemoryUtilization * 1e9;
        var ignored = new SortedDictionary<string, long>(StringComparer.Ordinal);
        return [.. Instances(scenario.Model, budget, ignored, scenario.Engine).Where(i => weightBytes / i.GpusPerInstance <= limitBytes)];
    }

    internal const int ClosestWhenNothingFits = 32;

    private static HashSet<ParallelStrategy> WidestInstances(List<ParallelStrategy> instances) =>
        [.. instances.OrderByDescending(i => i.GpusPerInstance)
            .ThenBy(i => i.PipelineParallel)
            .ThenBy(i => i.ToString(), StringComparer.Ordinal)
            .Take(ClosestWhenNothingFits)];

    /// <summary>The requirement a candidate misses first, as a rejection reason, or null when it meets them all.</summary>
    internal static string? FirstMiss(Candidate candidate, Requirements requirements) => MissOf(candidate.Figures, requirements);

    /// <summary>The first requirement figures miss (memory, a rate the deployment cannot drain, TTFT, TPOT, throughput), or null.</summary>
    internal static string? MissOf(EstimateFigures f, Requirements requirements)
    {
        if (!f.FitsMemory)
        {
            return "memory: weights + KV cache + activations exceed the memory allowed";
        }

        if (f.Saturated)
        {
            return "request rate: more requests arrive than the deployment drains";
        }

        if (requirements.TtftMs is { } ttft && f.TtftMs > ttft)
        {
            return "ttft above the requirement";
        }

        if (requirements.TpotMs is { } tpot && f.TpotLongestPromptMs > tpot)
        {
            return "tpot above the requirement";
        }

        // Percentile targets are the simulation's to check; the analytical mean prunes: a mean above a P90, P99 or
        // mean bound will not meet it (a P50 may sit below the mean, so it prunes nothing).
        if (AboveTarget(f.TtftMs, requirements.TtftTarget))
        {
            return "ttft: the analytical mean is above a percentile requirement";
        }

        if (AboveTarget(f.TpotLongestPromptMs, requirements.TpotTarget) || AboveTarget(f.TpotMs, requirements.ItlTarget))
        {
            return "tpot: the analytical mean is above a percentile requirement";
        }

        if (requirements.MinOutputTokensPerSecondPerGpu is { } rate && f.OutputTokensPerSPerGpu < rate)
        {
            return "throughput below the requirement";
        }

        return null;
    }

    private static bool AboveTarget(double mean, LatencyTarget? target) =>
        target is not null && target.Bounds().Any(b => b.Key != "p50" && mean > b.Bound);

    /// <summary>
    /// Every valid single-instance strategy (replicas 1) of at most <paramref name="budget"/> GPUs. Strategies that
    /// break a rule are counted under the rule; dense models take dp = 1 and ep = 1 (for them attention DP is the same
    /// as replicas, which are searched separately).
    /// </summary>
    internal static IEnumerable<ParallelStrategy> Instances(ModelArchitecture model, int budget, IDictionary<string, long> rejected, EngineKind engine = EngineKind.Generic)
    {
        budget = Math.Min(budget, MaxInstanceGpus);
        int heads = model.Attention.HeadCount;
        int[] tps = [.. Enumerable.Range(1, Math.Min(heads, budget))];
        int[] sps = [.. PowersOfTwo(Math.Min(MaxSequenceParallel, budget))];
        int[] dps = model.IsMoe ? [.. PowersOfTwo(budget)] : [1];
        int maxPp = Math.Min(model.LayerCount, budget);
        int experts = model.Moe?.ExpertCount ?? 1;
        foreach (int tp in tps)
        {
            bool tpDividesHeads = heads % tp == 0;
            foreach (int sp in sps)
            {
                foreach (int dp in dps)
                {
                    long stage = (long)tp * sp * dp;
                    if (stage > budget)
                    {
                        continue;
                    }

                    int epChoices = model.IsMoe ? (int)Math.Min(stage, experts) : 1;
                    for (int pp = 1; pp <= maxPp && stage * pp <= budget; pp++)
                    {
                        if (!tpDividesHeads)
                        {
                            // Counted without costing: no ep choice can rescue a tp that splits a head.
                            Count(rejected, "divisibility: tp vs attention heads", epChoices);
                            continue;
                        }

                        for (int ep = 1; ep <= epChoices; ep++)
                        {
                            if (stage % ep != 0)
                            {
                                Count(rejected, "divisibility: ep vs the stage's GPUs", 1);
                                continue;
                            }

                            var strategy = new ParallelStrategy(tp, sp, dp, pp, ep, 1);
                            IReadOnlyList<StrategyViolation> violations = StrategyRules.Check(strategy, model, budget);
                            if (violations.Count > 0)
                            {
                                Count(rejected, "divisibility: " + Rule(violations[0]), 1);
                                continue;
                            }

                            if (EngineCapabilities.FirstUnsupported(strategy, model, engine) is { } field)
                            {
                                Count(rejected, $"engine: {EngineCapabilities.Name(engine)} cannot run this {field}", 1);
                                continue;
                            }

                            yield return strategy;
                        }
                    }
                }
            }
        }
    }

    private static string Rule(StrategyViolation violation) => violation.Problem switch
    {
        var p when p.Contains("num_attention_heads", StringComparison.Ordinal) => "tp vs attention heads",
        var p when p.Contains("num_key_value_heads", StringComparison.Ordinal) => "tp vs KV heads",
        var p when p.Contains("GPUs of a stage", StringComparison.Ordinal) => "ep vs the stage's GPUs",
        var p when p.Contains("routed experts", StringComparison.Ordinal) => "ep vs experts",
        var p when p.Contains("moe_intermediate_size", StringComparison.Ordinal) => "expert tensor split vs expert width",
        _ => violation.Field,
    };

    /// <summary>
    /// Replica counts tried for an instance. With a fixed concurrency C, an instance's per-GPU figures depend only on
    /// the sequences each of its DP groups runs, k = ceil(C / (replicas x dp)): for every k the fewest replicas that
    /// give it, ceil(C / (k x dp)), is tried (more replicas with the same k only add GPUs). With concurrency max the
    /// replica count does not change per-GPU figures: the budget is filled (one replica for the 'gpus' objective).
    /// Either way a larger budget only adds choices.
    /// </summary>
    internal static IEnumerable<int> ReplicaChoices(int budget, long instanceGpus, Scenario scenario)
    {
        int most = (int)Math.Max(1, budget / instanceGpus);
        if (scenario.Workload.IsOpenLoop)
        {
            // At a request rate every replica count is a different deployment: the fewest that drain the rate and
            // meet the targets is the answer.
            List<int> all = [.. Enumerable.Range(1, most)];
            return all.Count <= MaxReplicaChoices ? all : Thin(all);
        }

        if (scenario.Workload.Concurrency.IsMax)
        {
            return [scenario.Objective == Objective.Gpus ? 1 : most];
        }

        int concurrency = scenario.Workload.Concurrency.Sequences!.Value;
        var choices = new List<int>();
        for (int replicas = 1; replicas <= Math.Min(most, concurrency); replicas++)
        {
            // Keep the fewest replicas for each value of ceil(C / replicas).
            if (replicas == 1 || Ceiling(concurrency, replicas) != Ceiling(concurrency, replicas - 1))
            {
                choices.Add(replicas);
            }
        }

        return choices.Count <= MaxReplicaChoices ? choices : Thin(choices);
    }

    /// <summary>
    /// Replica counts tried per instance, at most: about 2 sqrt(C) values of ceil(C / replicas) exist, so a
    /// concurrency of a million on a hundred thousand GPUs would cost thousands per instance. Beyond this many the
    /// choices are thinned to a geometric grid (each about 10% above the last, the first and the last kept), which
    /// moves the sequences per DP group by at most about 10% from a choice left out.
    /// </summary>
    internal const int MaxReplicaChoices = 64;

    internal static List<int> Thin(List<int> choices)
    {
        var thinned = new List<int> { choices[0] };
        foreach (int replicas in choices)
        {
            if (replicas >= thinned[^1] * 1.1)
            {
                thinned.Add(replicas);
            }
        }

        if (thinned[^1] != choices[^1])
        {
            thinned.Add(choices[^1]);
        }

        return thinned;
    }

    private static int Ceiling(int a, int b) => (a + b - 1) / b;

    /// <summary>
    /// The concurrencies tried: the scenario's own; for max, the most that fits memory and every power of two below
    /// it down to one sequence per DP group, so that the best meeting the latency targets can be chosen.
    /// </summary>
    private static IEnumerable<ConcurrencySetting> ConcurrencyChoices(Scenario scenario, ParallelStrategy strategy, Estimator.PreparedEstimate prepared)
    {
        if (!scenario.Workload.Concurrency.IsMax)
        {
            yield return scenario.Workload.Concurrency;
            yield break;
        }

        int groups = strategy.Replicas * strategy.DataParallel;
        int most = prepared.Figures(ConcurrencySetting.Max).Concurrency;
        yield return ConcurrencySetting.Of(most);
        for (int perGroup = 1; (long)perGroup * groups < most; perGroup *= 2)
        {
            yield return ConcurrencySetting.Of(perGroup * groups);
        }
    }

    /// <summary>
    /// Bytes of all weights at the scenario's precision (16-bit embeddings and LM head when the weights are smaller);
    /// with a format per module, each module at its own and routers and norms at 16 bits.
    /// </summary>
    internal static double WeightBytes(Scenario scenario)
    {
        ModelArchitecture model = scenario.Model;
        Precision precision = scenario.Precision;
        double bytes = precision.Weights.BytesPerElement();
        double edges = model.Parameters.Embedding + model.Parameters.LmHead;
        if (precision.IsPerModule)
        {
            ParameterBreakdown p = model.Parameters;
            return (p.Attention * precision.AttentionWeights.BytesPerElement())
                + (p.RoutedExperts * precision.ExpertWeights.BytesPerElement())
                + ((p.DenseFeedForward + p.SharedExperts) * precision.DenseWeights.BytesPerElement())
                + (edges * precision.EmbeddingWeights.BytesPerElement())
                + ((p.Routers + p.Norms) * 2.0);
        }

        return ((model.TotalParameters - edges) * bytes) + (edges * Math.Max(2, bytes));
    }

    /// <summary>
    /// The GPU ceiling when the scenario says GPUs are ample: four times the GPUs the weights need at the memory
    /// allowed, in whole nodes, at least one node and at most <see cref="AmpleCeiling"/>.
    /// </summary>
    internal static int AmpleBudget(Scenario scenario)
    {
        double perGpu = scenario.Hardware.Gpu.MemoryGb * scenario.Requirements.MaxMemoryUtilization * 1e9;
        int needed = (int)Math.Ceiling(WeightBytes(scenario) / perGpu);
        int node = scenario.Hardware.GpusPerNode;
        int ceiling = (int)Math.Ceiling(4.0 * needed / node) * node;
        return Math.Clamp(ceiling, Math.Min(node, AmpleCeiling), AmpleCeiling);
    }

    private static IEnumerable<int> PowersOfTwo(int max)
    {
        for (int value = 1; value <= max; value *= 2)
        {
            yield return value;
        }
    }

    private static void Count(IDictionary<string, long> rejected, string reason, long count)
    {
        if (count <= 0)
        {
            return;
        }

        rejected[reason] = rejected.TryGetValue(reason, out long existing) ? existing + count : count;
    }

    internal static string Num(double value, string format = "0.##") => value.ToString(format, CultureInfo.InvariantCulture);
}
