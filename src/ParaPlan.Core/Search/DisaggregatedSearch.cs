using System.Diagnostics;
using ParaPlan.CostModel;
using ParaPlan.CostModel.Disaggregation;
using ParaPlan.CostModel.Profiles;
using ParaPlan.CostModel.Serving;
using ParaPlan.Domain;

namespace ParaPlan.Search;

/// <summary>A disaggregated candidate and its figures.</summary>
public sealed record DisaggregatedCandidate(DisaggregatedStrategy Strategy, EstimateFigures Figures)
{
    public bool Feasible { get; init; }

    public string? Miss { get; init; }
}

/// <summary>What the disaggregated search found: the best by the objective (null when no layout fits at all), how many were costed and feasible.</summary>
public sealed record DisaggregatedSearchResult(DisaggregatedCandidate? Best, long Evaluated, long Feasible, double ElapsedMs, IReadOnlyList<DisaggregatedCandidate> Ranked);

/// <summary>
/// The search over prefill/decode disaggregated layouts (docs/disaggregation.md, "Search"). Every instance shape the
/// engine can run and whose weights fit is rated once as a prefill instance (prompt tokens/s per GPU, the longest
/// prompt's prefill within the TTFT target) and once as a decode instance (output tokens/s per GPU at the most
/// sequences whose step meets the TPOT target); the best <see cref="Shapes"/> of each are paired, and for each pair
/// and each decode instance count the prefill instance count is the one that feeds the decode pool (and one fewer:
/// a prefill-bound layout). Each such layout is costed whole and ranked by the objective like an aggregated strategy.
/// </summary>
public static class DisaggregatedSearch
{
    /// <summary>Instance shapes kept per pool.</summary>
    public const int Shapes = 8;

    /// <summary>Decode instance counts tried per pair, at most (a 10% geometric grid beyond).</summary>
    public const int MaxDecodeCounts = 64;

    public static DisaggregatedSearchResult Run(Scenario scenario, EfficiencyProfile profile, int budget, IReadOnlyList<ParallelStrategy> instances, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(instances);
        var clock = Stopwatch.StartNew();
        Workload w = scenario.Workload;
        Requirements r = scenario.Requirements;
        double meanPrompt = w.InputTokens.Mean;
        double tpotLimit = r.TpotMs ?? r.TpotTarget?.Tightest ?? double.PositiveInfinity;
        double ttftLimit = r.TtftMs ?? r.TtftTarget?.Tightest ?? double.PositiveInfinity;

        // ---- rate each shape as a prefill and as a decode instance ----
        var prefillRated = new List<(ParallelStrategy Shape, double TokensPerGpu, double PerInstance)>();
        var decodeRated = new List<(ParallelStrategy Shape, double OutputPerGpu, double Sequences, double StepMs)>();
        foreach (ParallelStrategy shape in instances.Where(s => s.GpusPerInstance * 2 <= budget))
        {
            cancellation.ThrowIfCancellationRequested();
            var model = new ServingModel(scenario, shape, profile, 0, report: false);
            model.Compute(out EstimateFigures most, ConcurrencySetting.Max);
            if (!most.FitsMemory || most.Concurrency < 1)
            {
                continue;
            }

            double perInstance = model.PrefillTokensPerSecond(meanPrompt);
            if (model.PrefillOne(w.InputTokens.Max).Ms <= ttftLimit)
            {
                prefillRated.Add((shape, perInstance / shape.GpusPerInstance, perInstance));
            }

            // The most sequences (powers of two per DP group, and all that fit) whose step meets the TPOT target.
            int groups = shape.DataParallel;
            double bestSequences = 0, bestStep = 0;
            for (int perGroup = 1; ; perGroup *= 2)
            {
                double sequences = Math.Min((double)perGroup * groups, most.Concurrency);
                double step = model.DecodeStepMs(sequences / groups, meanPrompt + (w.OutputTokens / 2.0));
                if (step <= tpotLimit)
                {
                    bestSequences = sequences;
                    bestStep = step;
                }

                if (sequences >= most.Concurrency)
                {
                    break;
                }
            }

            if (bestSequences > 0)
            {
                decodeRated.Add((shape, bestSequences / (bestStep / 1000) / shape.GpusPerInstance, bestSequences, bestStep));
            }
        }

        var prefillShapes = prefillRated.OrderByDescending(p => p.TokensPerGpu).ThenBy(p => p.Shape.GpusPerInstance).Take(Shapes).ToList();
        var decodeShapes = decodeRated.OrderByDescending(d => d.OutputPerGpu).ThenBy(d => d.Shape.GpusPerInstance).Take(Shapes).ToList();

        // ---- pair them and size the pools ----
        var layouts = new List<DisaggregatedStrategy>();
        foreach ((ParallelStrategy prefill, _, double prefillPerInstance) in prefillShapes)
        {
            foreach ((ParallelStrategy decode, _, double sequences, double step) in decodeShapes)
            {
                int mostDecode = (int)((budget - prefill.GpusPerInstance) / decode.GpusPerInstance);
                foreach (int decodeInstances in Counts(mostDecode))
                {
                    // The prefill instances that feed the decode pool at its rate, at the plan's prefill utilization.
                    double decodeRate = decodeInstances * sequences / ((w.OutputTokens - 1) * step / 1000);
                    double needed = decodeRate * meanPrompt / (DisaggregatedServing.MaxPrefillUtilization * prefillPerInstance);
                    int feed = Math.Max(1, (int)Math.Ceiling(needed));
                    foreach (int prefillInstances in new[] { feed, feed - 1 }.Where(n => n >= 1).Distinct())
                    {
                        var layout = new DisaggregatedStrategy(prefill, decode, prefillInstances, decodeInstances);
                        if (layout.GpuCount <= budget)
                        {
                            layouts.Add(layout);
                        }
                    }
                }
            }
        }

        var candidates = new DisaggregatedCandidate[layouts.Count];
        Parallel.For(0, layouts.Count, new ParallelOptions { CancellationToken = cancellation }, i =>
        {
            EstimateFigures f = Estimator.FiguresDisaggregated(scenario, layouts[i], profile);
            string? miss = StrategySearch.MissOf(f, r);
            candidates[i] = new DisaggregatedCandidate(layouts[i], f) { Feasible = miss is null, Miss = miss };
        });

        Comparison<DisaggregatedCandidate> order = Order(scenario.Objective);
        var feasible = candidates.Where(c => c.Feasible).ToList();
        feasible.Sort(order);
        clock.Stop();
        return new DisaggregatedSearchResult(feasible.FirstOrDefault(), candidates.Length, feasible.Count, clock.Elapsed.TotalMilliseconds, [.. feasible.Take(8)]);
    }

    private static List<int> Counts(int most)
    {
        List<int> counts = [.. Enumerable.Range(1, Math.Max(0, most))];
        return counts.Count <= MaxDecodeCounts ? counts : StrategySearch.Thin(counts);
    }

    /// <summary>The objective's order, as for aggregated candidates (<see cref="SearchResult.Order"/>).</summary>
    public static Comparison<DisaggregatedCandidate> Order(Objective objective) => objective switch
    {
        Objective.Latency => (a, b) => a.Figures.TpotMs.CompareTo(b.Figures.TpotMs).Then(b.Figures.OutputTokensPerSPerGpu.CompareTo(a.Figures.OutputTokensPerSPerGpu)).Then(Name(a, b)),
        Objective.Gpus => (a, b) => a.Strategy.GpuCount.CompareTo(b.Strategy.GpuCount).Then(b.Figures.OutputTokensPerSPerGpu.CompareTo(a.Figures.OutputTokensPerSPerGpu)).Then(Name(a, b)),
        _ => (a, b) => b.Figures.OutputTokensPerSPerGpu.CompareTo(a.Figures.OutputTokensPerSPerGpu).Then(a.Strategy.GpuCount.CompareTo(b.Strategy.GpuCount)).Then(Name(a, b)),
    };

    private static int Name(DisaggregatedCandidate a, DisaggregatedCandidate b) => string.CompareOrdinal(a.Strategy.ToString(), b.Strategy.ToString());
}
