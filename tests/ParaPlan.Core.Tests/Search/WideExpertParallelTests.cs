using ParaPlan.Domain;
using ParaPlan.Search;
using ParaPlan.Tests.CostModel;

namespace ParaPlan.Tests.Search;

public class WideExpertParallelTests
{
    [Theory]
    [InlineData("sglang", 8)]
    [InlineData("generic", 8)]
    public void DeepSeek_V3_on_64_H200_at_the_most_sequences_that_fit_is_served_with_wide_attention_DP_and_expert_parallel(string engine, int widest)
    {
        // With the front end a deployment resource (never pacing tokens) and the all-to-all costed as DeepEP runs it
        // across nodes (a token crosses the network once per remote node of its experts, two micro-batches overlapping
        // exchange and compute), the highest throughput per GPU spreads the experts over attention-DP ranks of more
        // than one node rather than replicating one node's deployment (SGLang, which holds as many sequences a group as
        // fit). Since the DP groups of an instance wait for the busiest group's new prompts every step (the closed
        // loop's E[max of dp Poisson arrivals], docs/serving-at-a-rate.md), more groups stall more: the generic engine,
        // whose 256-sequence running cap keeps a wider instance from running larger batches, is best at one node's
        // attention DP 8 and EP 8 (1,763 vs 1,770 output tokens/s per GPU at DP 16 in the request simulation, a tie;
        // 2,008 vs 1,827 analytically); the front end plays no part in either. SGLang too, since the refit with each
        // source's client capped by its fastest run (56 us of CPU a running sequence, was 98): DEP8 with two pipeline
        // stages, four instances (EP 16 before that refit; a weakening made because the fitted physics moved).
        Scenario scenario = Scenarios.Read($$"""
            model: deepseek-v3
            precision: {weights: fp8, kv_cache: fp8}
            hardware: {gpu: h200-sxm, gpus: 64}
            engine: {{engine}}
            workload: {input_tokens: 1024, output_tokens: 1024, concurrency: max}
            objective: throughput
            """);

        SearchResult result = StrategySearch.Run(scenario);

        ParallelStrategy best = result.Best.Strategy;
        Assert.True(best.DataParallel >= 8, $"attention DP {best.DataParallel} in {best}");
        Assert.True(best.ExpertParallel >= widest, $"expert parallel {best.ExpertParallel} in {best}: at least {widest}");
        Assert.True(best.GpusPerStage >= widest, $"{best}: a stage spans {widest} GPUs");
    }
}
