using System.Globalization;
using ParaPlan.CostModel;
using ParaPlan.CostModel.Serving.Simulation;
using ParaPlan.Domain;
using ParaPlan.Search;

namespace ParaPlan.Planning;

/// <summary>
/// The second stage of planning at a request rate or against percentile targets (docs/serving-at-a-rate.md,
/// "Planning at a rate"): the analytical search's first feasible candidates, in the objective's order, are each
/// simulated request by request; the first whose simulation meets every requirement and is not saturated is the plan.
/// When none does, the one with the most goodput per GPU is the closest, and the plan is infeasible.
/// </summary>
internal sealed record SimulationRanking(Candidate Chosen, EstimateResult Best, IReadOnlyList<EstimateResult> Others, string? Infeasible, string Note)
{
    public static SimulationRanking Rank(Scenario scenario, SearchResult search, Func<Candidate, EstimateResult> full, CancellationToken cancellation = default)
    {
        IReadOnlyList<Candidate> ranked = search.Ranked.Count > 0 ? search.Ranked : [search.Best];
        var results = new List<EstimateResult>();
        int pass = -1;
        // In batches, best first, until one meets every requirement: most plans are settled by the first batch.
        for (int start = 0; start < ranked.Count && pass < 0; start += Batch)
        {
            var batch = new EstimateResult[Math.Min(Batch, ranked.Count - start)];
            Parallel.For(0, batch.Length, new ParallelOptions { CancellationToken = cancellation }, i =>
                batch[i] = WorkloadSimulator.Attach(scenario, ranked[start + i].Strategy, full(ranked[start + i]), search.Profile));
            results.AddRange(batch);
            pass = results.FindIndex(r => r.Checks.All(c => c.Passed));
        }

        if (pass >= 0)
        {
            string note = string.Create(CultureInfo.InvariantCulture,
                $"ranked by simulation: {results.Count} of the analytical search's {ranked.Count} first feasible candidates were simulated request by request, in the objective's order; the first that met every requirement is the plan{(pass > 0 ? $" ({pass} ahead of it failed in simulation: {string.Join("; ", results.Take(Math.Min(pass, 3)).Select(Failure))}{(pass > 3 ? "; ..." : string.Empty)})" : string.Empty)}");
            return new SimulationRanking(ranked[pass], results[pass], [.. results.Where((_, i) => i != pass)], null, note);
        }

        int closest = Enumerable.Range(0, results.Count)
            .OrderByDescending(i => results[i].Simulation!.GoodputRequestsPerS / results[i].Parallel.Gpus)
            .First();
        string failures = string.Join("; ", results.Take(3).Select(Failure));
        string infeasible = string.Create(CultureInfo.InvariantCulture,
            $"no strategy meets every requirement in simulation: the analytical search's first {ranked.Count} feasible candidates were simulated and each misses ({failures}); the closest by goodput per GPU is {ranked[closest].Strategy}");
        return new SimulationRanking(ranked[closest], results[closest], [.. results.Where((_, i) => i != closest)], infeasible, infeasible);
    }

    /// <summary>Candidates simulated at once (one per core is enough; a batch of 12 keeps the wasted work small).</summary>
    private const int Batch = 12;

    private static string Failure(EstimateResult r) =>
        $"{r.Parallel.Gpus} GPUs tp{r.Parallel.Tp} dp{r.Parallel.Dp} pp{r.Parallel.Pp} ep{r.Parallel.Ep} x{r.Parallel.Replicas}: {string.Join(", ", r.Checks.Where(c => !c.Passed).Select(c => c.Name + " " + c.Detail))}";
}
