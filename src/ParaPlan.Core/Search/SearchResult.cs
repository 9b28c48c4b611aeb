using System.Globalization;
using ParaPlan.CostModel;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;

namespace ParaPlan.Search;

/// <summary>What a search looks for beyond the objective.</summary>
public sealed record SearchOptions(int Alternatives = 5, int ParetoPoints = 24)
{
    /// <summary>Feasible candidates kept in the objective's order for the simulation to rank (request rates, percentile targets).</summary>
    public int Ranked { get; init; } = 48;

    /// <summary>Stops the search when signalled (a web client gone, a time limit passed): the search throws <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken Cancellation { get; init; }
}

/// <summary>One costed (strategy, concurrency).</summary>
public sealed record Candidate(ParallelStrategy Strategy, EstimateFigures Figures, ConcurrencySetting Concurrency)
{
    public bool Feasible { get; init; }

    public string? Miss { get; init; }

    public double TokensPerUser => Figures.TpotMs > 0 ? 1000 / Figures.TpotMs : 0;
}

/// <summary>A requirement the closest candidate misses, and by how much.</summary>
public sealed record RequirementMiss(string Requirement, double Required, double Achieved, string Detail);

/// <summary>Counts of the search.</summary>
public sealed record SearchStatistics(long Evaluated, long Feasible, double ElapsedMs, int GpuBudget, IReadOnlyDictionary<string, long> Rejected);

/// <summary>
/// The outcome of a search: the winning candidate and runners-up (as candidates; the plan turns them into full
/// estimates), the Pareto front, the statistics and, when nothing is feasible, how the closest candidate misses.
/// </summary>
public sealed record SearchResult
{
    public required Candidate Best { get; init; }

    public required IReadOnlyList<Candidate> Alternatives { get; init; }

    public required IReadOnlyList<Candidate> Pareto { get; init; }

    public required SearchStatistics Statistics { get; init; }

    /// <summary>Null when a candidate meets every requirement; else why none does.</summary>
    public string? Infeasible { get; init; }

    public IReadOnlyList<RequirementMiss> Misses { get; init; } = [];

    /// <summary>The first feasible candidates in the objective's order (<see cref="SearchOptions.Ranked"/>); empty when none is feasible.</summary>
    public IReadOnlyList<Candidate> Ranked { get; init; } = [];

    public required EfficiencyProfile Profile { get; init; }

    internal static SearchResult From(
        Scenario scenario, EfficiencyProfile profile, Tally tally, IReadOnlyDictionary<string, long> rejected,
        double elapsedMs, int budget, SearchOptions options)
    {
        var stats = new SearchStatistics(tally.Evaluated, tally.Feasible, elapsedMs, budget, rejected);
        if (tally.Evaluated == 0)
        {
            throw new InvalidOperationException("no strategy could be costed: every one was rejected before costing (see the rejection counts)");
        }

        Comparison<Candidate> order = Order(scenario.Objective);
        var feasible = tally.BestPerStrategy.ToList();
        feasible.Sort(order);
        IReadOnlyList<Candidate> pareto = ParetoFront(tally.Pareto, options.ParetoPoints);
        if (feasible.Count > 0)
        {
            return new SearchResult
            {
                Best = feasible[0],
                Alternatives = [.. feasible.Skip(1).Take(options.Alternatives)],
                Ranked = [.. feasible.Take(Math.Max(options.Ranked, options.Alternatives + 1))],
                Pareto = pareto,
                Statistics = stats,
                Profile = profile,
            };
        }

        var closest = tally.Closest
            .OrderBy(c => Shortfall(c, scenario.Requirements))
            .ThenBy(c => c.Strategy.ToString(), StringComparer.Ordinal)
            .ToList();
        Candidate best = closest[0];
        var misses = MissesOf(best, scenario.Requirements);
        string why = misses.Count > 0
            ? string.Join("; ", misses.Select(m => m.Detail))
            : best.Figures.Saturated
                ? "the request rate (more requests arrive than it drains: saturated)"
                : "no requirement on its analytical figures; it was rejected on its memory or on a simulated percentile";
        return new SearchResult
        {
            Best = best,
            Alternatives = [.. closest.Skip(1).Take(options.Alternatives)],
            Pareto = pareto,
            Statistics = stats,
            Infeasible = $"no strategy meets every requirement; the closest ({best.Strategy}, concurrency {best.Figures.Concurrency}) misses: {why}",
            Misses = misses,
            Profile = profile,
        };
    }

    /// <summary>The objective's order: best first.</summary>
    public static Comparison<Candidate> Order(Objective objective) => objective switch
    {
        Objective.Latency => (a, b) => Compare(a.Figures.TpotLongestPromptMs, b.Figures.TpotLongestPromptMs)
            .Then(Compare(a.Figures.TtftMs, b.Figures.TtftMs))
            .Then(Compare(b.Figures.OutputTokensPerSPerGpu, a.Figures.OutputTokensPerSPerGpu))
            .Then(a.Strategy.GpuCount.CompareTo(b.Strategy.GpuCount))
            .Then(string.CompareOrdinal(a.Strategy.ToString(), b.Strategy.ToString())),
        Objective.Gpus => (a, b) => a.Strategy.GpuCount.CompareTo(b.Strategy.GpuCount)
            .Then(Compare(b.Figures.OutputTokensPerSPerGpu, a.Figures.OutputTokensPerSPerGpu))
            .Then(Compare(a.Figures.TpotMs, b.Figures.TpotMs))
            .Then(string.CompareOrdinal(a.Strategy.ToString(), b.Strategy.ToString())),
        _ => (a, b) => Compare(b.Figures.OutputTokensPerSPerGpu, a.Figures.OutputTokensPerSPerGpu)
            .Then(Compare(a.Figures.TpotMs, b.Figures.TpotMs))
            .Then(a.Strategy.GpuCount.CompareTo(b.Strategy.GpuCount))
            .Then(string.CompareOrdinal(a.Strategy.ToString(), b.Strategy.ToString())),
    };

    /// <summary>
    /// Candidates no other beats on both output tokens/s per GPU and tokens/s per user (1000 / TPOT), fastest per
    /// user first, thinned evenly to at most <paramref name="limit"/> points.
    /// </summary>
    public static IReadOnlyList<Candidate> ParetoFront(IEnumerable<Candidate> candidates, int limit)
    {
        var sorted = candidates.OrderByDescending(c => c.TokensPerUser).ThenByDescending(c => c.Figures.OutputTokensPerSPerGpu)
            .ThenBy(c => c.Strategy.ToString(), StringComparer.Ordinal).ThenBy(c => c.Figures.Concurrency).ToList();
        var front = new List<Candidate>();
        double bestThroughput = double.NegativeInfinity;
        foreach (Candidate candidate in sorted)
        {
            if (candidate.Figures.OutputTokensPerSPerGpu > bestThroughput)
            {
                front.Add(candidate);
                bestThroughput = candidate.Figures.OutputTokensPerSPerGpu;
            }
        }

        if (front.Count <= limit)
        {
            return front;
        }

        return [.. Enumerable.Range(0, limit).Select(i => front[(int)Math.Round(i * (front.Count - 1) / (double)(limit - 1))]).Distinct()];
    }

    /// <summary>How far a candidate is from meeting everything: the sum of log factors by which it misses.</summary>
    internal static double Shortfall(Candidate candidate, Requirements requirements)
    {
        EstimateFigures f = candidate.Figures;
        double total = Over(f.MemoryTotalGb, f.MemoryLimitGb) * 4; // memory first: a plan that does not fit cannot run
        if (requirements.TtftMs is { } ttft)
        {
            total += Over(f.TtftMs, ttft);
        }

        if (requirements.TpotMs is { } tpot)
        {
            total += Over(f.TpotLongestPromptMs, tpot);
        }

        if (requirements.MinOutputTokensPerSecondPerGpu is { } rate)
        {
            total += Over(rate, f.OutputTokensPerSPerGpu);
        }

        return total;
    }

    private static List<RequirementMiss> MissesOf(Candidate candidate, Requirements requirements)
    {
        EstimateFigures f = candidate.Figures;
        var misses = new List<RequirementMiss>();
        if (!f.FitsMemory)
        {
            misses.Add(new("memory", f.MemoryLimitGb, f.MemoryTotalGb, $"memory {Num(f.MemoryTotalGb)} GB per GPU vs {Num(f.MemoryLimitGb)} GB allowed ({Num(f.MemoryTotalGb / f.MemoryLimitGb, "0.00")}x)"));
        }

        if (requirements.TtftMs is { } ttft && f.TtftMs > ttft)
        {
            misses.Add(new("ttft_ms", ttft, f.TtftMs, $"TTFT {Num(f.TtftMs, "0")} ms vs {Num(ttft, "0")} ms ({Num(f.TtftMs / ttft, "0.00")}x)"));
        }

        if (requirements.TpotMs is { } tpot && f.TpotLongestPromptMs > tpot)
        {
            misses.Add(new("tpot_ms", tpot, f.TpotLongestPromptMs, $"TPOT {Num(f.TpotLongestPromptMs, "0.0")} ms vs {Num(tpot, "0.0")} ms ({Num(f.TpotLongestPromptMs / tpot, "0.00")}x)"));
        }

        if (requirements.MinOutputTokensPerSecondPerGpu is { } rate && f.OutputTokensPerSPerGpu < rate)
        {
            misses.Add(new("min_output_tokens_per_s_per_gpu", rate, f.OutputTokensPerSPerGpu, $"throughput {Num(f.OutputTokensPerSPerGpu, "0")} vs {Num(rate, "0")} output tokens/s per GPU ({Num(rate / Math.Max(f.OutputTokensPerSPerGpu, 1e-9), "0.00")}x short)"));
        }

        return misses;
    }

    private static double Over(double value, double limit) => value > limit ? Math.Log(value / limit) : 0;

    private static int Compare(double a, double b) => a.CompareTo(b);

    private static string Num(double value, string format = "0.##") => value.ToString(format, CultureInfo.InvariantCulture);
}

internal static class ComparisonChain
{
    public static int Then(this int first, int next) => first != 0 ? first : next;
}
