using ParaPlan.Domain;
using ParaPlan.Search;
using ParaPlan.Tests.CostModel;

namespace ParaPlan.Tests.Search;

/// <summary>
/// The search stays bounded for any budget the scenario format allows (issue 19: 131,072 GPUs at a concurrency of a
/// million ran for minutes): one instance has at most 1,024 GPUs and at most a grid of replica counts is tried.
/// </summary>
public class SearchBoundsTests
{
    private static Scenario Qwen(int gpus, int concurrency) => Scenarios.Read(string.Join('\n',
        "model: qwen3-235b-a22b",
        "precision: {weights: fp8, kv_cache: fp8}",
        $"hardware: {{gpu: h100-sxm, gpus: {gpus}}}",
        "engine: vllm",
        $"workload: {{input_tokens: 1024, output_tokens: 512, concurrency: {concurrency}}}"));

    [Fact]
    public void No_instance_has_more_than_1024_GPUs_whatever_the_budget()
    {
        Scenario scenario = Qwen(4096, 64);
        var rejected = new Dictionary<string, long>();

        var instances = StrategySearch.Instances(scenario.Model, 4096, rejected).ToList();

        Assert.NotEmpty(instances);
        Assert.All(instances, i => Assert.True(i.GpusPerInstance <= StrategySearch.MaxInstanceGpus, i.ToString()));
        // Qwen3-235B has 64 attention heads: tp 64 x sp 8 x dp 2 = 1,024 GPUs is still an instance.
        Assert.Contains(instances, i => i.GpusPerInstance == 1024);
    }

    [Fact]
    public void Replica_counts_are_thinned_to_a_geometric_grid_beyond_64()
    {
        // 131,072 GPUs and instances of 8: up to 16,384 replicas; a million sequences give a distinct
        // ceil(C / replicas) for every count up to 1,000 and many beyond: thousands of choices before thinning.
        Scenario scenario = Qwen(131_072, 1_000_000);

        var choices = StrategySearch.ReplicaChoices(131_072, 8, scenario).ToList();

        Assert.Equal(1, choices[0]);
        // The last: 16,384 replicas give ceil(10^6 / 16,384) = 62 sequences each, as do 16,130 = ceil(10^6 / 62), the fewest.
        Assert.Equal(16_130, choices[^1]);
        // 1..10 each (10% above the last is the next whole count), then x1.1 per step up to 16,130:
        // at most 11 + ln(16130 / 11) / ln(1.1) + 1 = 88.6 counts (fewer where the distinct counts above 1,000 leave gaps).
        Assert.InRange(choices.Count, 64, 89);
        for (int i = 1; i < choices.Count - 1; i++)
        {
            Assert.True(choices[i] >= choices[i - 1] * 1.1, $"{choices[i]} after {choices[i - 1]}");
        }
    }

    [Fact]
    public void A_small_concurrency_keeps_every_replica_count_that_changes_the_groups()
    {
        // C = 64 on 64 instances: ceil(64 / r) takes 15 values (64, 32, 22, 16, 13, 11, 10, 8, 7, 6, 5, 4, 3, 2, 1),
        // each at its fewest replicas: 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 13, 16, 22, 32, 64.
        Scenario scenario = Qwen(512, 64);

        var choices = StrategySearch.ReplicaChoices(512, 8, scenario).ToList();

        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 13, 16, 22, 32, 64], choices);
    }
}
