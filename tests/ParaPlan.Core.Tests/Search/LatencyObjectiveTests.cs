using ParaPlan.Domain;
using ParaPlan.Search;
using ParaPlan.Tests.CostModel;

namespace ParaPlan.Tests.Search;

/// <summary>
/// Objective latency with concurrency max (issue 20): not one sequence per DP group, but the most throughput among
/// candidates within 10% of the lowest TPOT.
/// </summary>
public class LatencyObjectiveTests
{
    private static Scenario Qwen(string concurrency) => Scenarios.Read(string.Join('\n',
        "model: qwen3-235b-a22b",
        "precision: {weights: fp8, kv_cache: fp8}",
        "hardware: {gpu: h100-sxm, gpus: 8}",
        "engine: vllm",
        "objective: latency",
        $"workload: {{input_tokens: 1024, output_tokens: 1024, concurrency: {concurrency}}}"));

    [Fact]
    public void With_concurrency_max_the_plan_runs_more_than_one_sequence_within_the_tolerance()
    {
        // The lowest TPOT any strategy reaches: one sequence (concurrency 1 and latency objective).
        double lowest = StrategySearch.Run(Qwen("1")).Best.Figures.TpotLongestPromptMs;

        SearchResult result = StrategySearch.Run(Qwen("max"));

        Assert.True(result.Best.Figures.Concurrency > result.Best.Strategy.DataParallel * result.Best.Strategy.Replicas,
            $"concurrency {result.Best.Figures.Concurrency} on {result.Best.Strategy}");
        Assert.InRange(result.Best.Figures.TpotLongestPromptMs, lowest, lowest * (1 + StrategySearch.LatencyTolerance) + 1e-9);
    }
}
