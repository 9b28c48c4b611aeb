using FsCheck;
using FsCheck.Fluent;
using ParaPlan.CostModel;
using ParaPlan.Domain;
using ParaPlan.Planning;
using ParaPlan.Search;
using ParaPlan.Tests.CostModel;

namespace ParaPlan.Tests.Search;

public class StrategySearchTests
{
    private static Scenario Qwen(int? gpus, string concurrency = "64", string requirements = "{tpot_ms: 80}")
    {
        string count = gpus is { } n ? $", gpus: {n}" : string.Empty;
        return Scenarios.Read(string.Join('\n',
            "model: qwen3-235b-a22b",
            "precision: {weights: fp8, kv_cache: fp8}",
            $"hardware: {{gpu: h100-sxm{count}}}",
            "engine: vllm",
            $"workload: {{input_tokens: 1024, output_tokens: 512, concurrency: {concurrency}}}",
            $"requirements: {requirements}"));
    }

    [Fact]
    public void Every_strategy_reported_is_valid()
    {
        SearchResult result = StrategySearch.Run(Qwen(16));
        foreach (Candidate candidate in result.Alternatives.Append(result.Best).Concat(result.Pareto))
        {
            Assert.Empty(StrategyRules.Check(candidate.Strategy, Qwen(16).Model, 16));
        }
    }

    [Fact]
    public void The_best_beats_every_feasible_alternative_listed()
    {
        SearchResult result = StrategySearch.Run(Qwen(16));
        Assert.Null(result.Infeasible);
        Assert.NotEmpty(result.Alternatives);
        foreach (Candidate alternative in result.Alternatives)
        {
            Assert.True(alternative.Feasible);
            Assert.True(result.Best.Figures.OutputTokensPerSPerGpu >= alternative.Figures.OutputTokensPerSPerGpu);
        }
    }

    [Fact]
    public void Property_adding_GPUs_never_makes_the_best_objective_worse()
    {
        Prop.ForAll(Gen.Choose(8, 24).ToArbitrary(), Gen.Choose(1, 16).ToArbitrary(), Gen.Elements("16", "64", "max").ToArbitrary(), (gpus, extra, concurrency) =>
        {
            SearchResult fewer = StrategySearch.Run(Qwen(gpus, concurrency));
            SearchResult more = StrategySearch.Run(Qwen(gpus + extra, concurrency));
            if (fewer.Infeasible is not null)
            {
                return true;
            }

            return more.Infeasible is null && more.Best.Figures.OutputTokensPerSPerGpu >= fewer.Best.Figures.OutputTokensPerSPerGpu - 1e-9;
        }).Check(Config.Quick.WithMaxTest(12).WithQuietOnSuccess(true));
    }

    [Fact]
    public void The_latency_objective_picks_the_lowest_TPOT()
    {
        Scenario scenario = Qwen(16) with { Objective = Objective.Latency };
        SearchResult result = StrategySearch.Run(scenario);
        Assert.All(result.Alternatives, a => Assert.True(result.Best.Figures.TpotLongestPromptMs <= a.Figures.TpotLongestPromptMs));
    }

    [Fact]
    public void The_gpus_objective_picks_the_fewest_GPUs()
    {
        Scenario scenario = Qwen(32) with { Objective = Objective.Gpus };
        SearchResult result = StrategySearch.Run(scenario);
        Assert.All(result.Alternatives, a => Assert.True(result.Best.Strategy.GpuCount <= a.Strategy.GpuCount));
        Assert.Equal(4, result.Best.Strategy.GpuCount); // 235 GB of fp8 weights over 72 GB allowed per H100: at least 4
    }

    [Fact]
    public void The_Pareto_front_is_not_dominated()
    {
        SearchResult result = StrategySearch.Run(Qwen(16, "max", "{}"));
        Assert.True(result.Pareto.Count >= 2);
        for (int i = 1; i < result.Pareto.Count; i++)
        {
            Assert.True(result.Pareto[i].TokensPerUser <= result.Pareto[i - 1].TokensPerUser);
            Assert.True(result.Pareto[i].Figures.OutputTokensPerSPerGpu > result.Pareto[i - 1].Figures.OutputTokensPerSPerGpu);
        }
    }

    [Fact]
    public void Rejections_are_counted_by_reason()
    {
        // A TPOT target some strategies miss at 64 sequences, so that not every costed candidate is feasible.
        SearchResult result = StrategySearch.Run(Qwen(16, requirements: "{tpot_ms: 25}"));
        Assert.Contains(result.Statistics.Rejected.Keys, k => k.StartsWith("memory: the weights alone", StringComparison.Ordinal));
        Assert.Contains(result.Statistics.Rejected.Keys, k => k.StartsWith("divisibility", StringComparison.Ordinal));
        Assert.True(result.Statistics.Evaluated > result.Statistics.Feasible);
    }

    [Fact]
    public void When_nothing_is_feasible_the_closest_candidate_and_its_misses_are_given()
    {
        SearchResult result = StrategySearch.Run(Qwen(8, "64", "{tpot_ms: 2}"));
        Assert.NotNull(result.Infeasible);
        RequirementMiss miss = Assert.Single(result.Misses);
        Assert.Equal("tpot_ms", miss.Requirement);
        Assert.Equal(2, miss.Required);
        Assert.True(miss.Achieved > 2);
    }

    [Fact]
    public void A_plan_is_reproduced_exactly_by_estimate()
    {
        Scenario scenario = Qwen(16, "max", "{tpot_ms: 60}");
        PlanResult plan = Planner.Plan(scenario, suggest: false);
        Scenario chosen = scenario with
        {
            Parallel = null,
            Workload = new Workload(scenario.Workload.InputTokens, scenario.Workload.OutputTokens, ConcurrencySetting.Of(plan.Best.Concurrency)),
        };
        var strategy = new ParallelStrategy(plan.Best.Parallel.Tp, plan.Best.Parallel.Sp, plan.Best.Parallel.Dp, plan.Best.Parallel.Pp, plan.Best.Parallel.Ep, plan.Best.Parallel.Replicas);
        EstimateResult estimate;
        if (plan.Best.Disaggregation is { } d)
        {
            // A disaggregated plan (docs/disaggregation.md) is reproduced by its two pools, at the scenario's own workload.
            var pools = new DisaggregatedStrategy(Instance(d.Prefill.Instance), Instance(d.Decode.Instance), d.Prefill.Instances, d.Decode.Instances);
            estimate = Estimator.EstimateDisaggregated(scenario with { Parallel = null, Disaggregated = pools }, pools, ParaPlan.CostModel.Profiles.EfficiencyCatalog.BuiltIn.Resolve(scenario.Engine, scenario.Hardware.Gpu));
        }
        else
        {
            estimate = Estimator.Estimate(chosen, strategy);
        }

        static ParallelStrategy Instance(ParaPlan.Reports.StrategySummary s) => new(s.Tp, s.Sp, s.Dp, s.Pp, s.Ep, 1);
        Assert.Equal(plan.Best.TtftMs, estimate.TtftMs);
        Assert.Equal(plan.Best.TpotMs, estimate.TpotMs);
        Assert.Equal(plan.Best.OutputTokensPerSPerGpu, estimate.OutputTokensPerSPerGpu);
        Assert.Equal(plan.Best.MemoryPerGpuGb, estimate.MemoryPerGpuGb);
    }

    [Fact]
    public void A_throughput_target_above_the_compute_bound_is_called_impossible()
    {
        // Llama-3.1-8B on H100: 1979 TFLOPS x efficiency / (2 x 7.5 B active) is well under 100,000 tokens/s per GPU.
        Scenario scenario = Scenarios.Read("""
            model: llama-3.1-8b
            precision: {weights: fp8}
            hardware: {gpu: h100-sxm, gpus: 8}
            workload: {input_tokens: 512, output_tokens: 256, concurrency: 64}
            requirements: {min_output_tokens_per_s_per_gpu: 100000}
            """);
        PlanResult plan = Planner.Plan(scenario);
        Assert.NotNull(plan.Infeasible);
        Assert.Contains(plan.Suggestions, s => s.StartsWith("physically impossible", StringComparison.Ordinal) && s.Contains("compute bound", StringComparison.Ordinal));
    }
}
