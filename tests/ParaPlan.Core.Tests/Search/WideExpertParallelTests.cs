using ParaPlan.Domain;
using ParaPlan.Search;
using ParaPlan.Tests.CostModel;

namespace ParaPlan.Tests.Search;

public class WideExpertParallelTests
{
    [Theory]
    [InlineData("sglang")]
    [InlineData("generic")]
    public void DeepSeek_V3_on_64_H200_at_the_most_sequences_that_fit_is_served_with_wide_attention_DP_and_expert_parallel(string engine)
    {
        // With the front end a deployment resource (never pacing tokens) and the all-to-all costed as DeepEP runs it
        // across nodes (a token crosses the network once per remote node of its experts, two micro-batches overlapping
        // exchange and compute), the highest throughput per GPU spreads the experts over attention-DP ranks of more
        // than one node rather than replicating one node's deployment.
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
        Assert.True(best.ExpertParallel > 8, $"expert parallel {best.ExpertParallel} in {best}: wider than one 8-GPU node");
        Assert.True(best.GpusPerStage > scenario.Hardware.GpusPerNode, $"{best}: a stage spans more than one node");
    }
}
