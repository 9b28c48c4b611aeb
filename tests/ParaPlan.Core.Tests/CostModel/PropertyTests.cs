using FsCheck;
using FsCheck.Fluent;
using ParaPlan.CostModel;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;

namespace ParaPlan.Tests.CostModel;

/// <summary>Properties the physics guarantees, over many strategies and workloads.</summary>
public class PropertyTests
{
    private static readonly Scenario Qwen = Scenarios.Read("""
        model: qwen3-235b-a22b
        precision: {weights: fp8, kv_cache: fp8}
        hardware: {gpu: h100-sxm}
        engine: vllm
        workload: {input_tokens: 1024, output_tokens: 512, concurrency: 64}
        """);

    private static readonly EfficiencyProfile Profile = EfficiencyCatalog.BuiltIn.Resolve(EngineKind.Vllm, Qwen.Hardware.Gpu);

    private static Arbitrary<ParallelStrategy> ValidStrategies() =>
        (from tp in Gen.Elements(1, 2, 4, 8, 16)
         from dp in Gen.Elements(1, 2, 4, 8)
         from pp in Gen.Elements(1, 2, 3, 4)
         from ep in Gen.Elements(1, 2, 4, 8, 16, 32)
         select new ParallelStrategy(tp, 1, dp, pp, ep, 1))
        .Where(s => StrategyRules.Check(s, Qwen.Model, null).Count == 0)
        .ToArbitrary();

    [Fact]
    public void Output_per_GPU_never_exceeds_the_compute_bound()
    {
        Prop.ForAll(ValidStrategies(), Gen.Choose(1, 4096).ToArbitrary(), (strategy, concurrency) =>
        {
            Scenario scenario = Qwen with { Workload = new Workload(TokenRange.Fixed(1024), 512, ConcurrencySetting.Of(concurrency)) };
            EstimateResult e = Estimator.Estimate(scenario, strategy, Profile);
            return e.OutputTokensPerSPerGpu <= e.Bounds.ComputeOutputTokensPerSPerGpu;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Doubling_tensor_parallelism_never_raises_weights_per_GPU()
    {
        Prop.ForAll(Gen.Elements(1, 2, 4, 8).ToArbitrary(), Gen.Elements(1, 2, 4).ToArbitrary(), (tp, pp) =>
        {
            EstimateFigures narrow = Estimator.Figures(Qwen, new ParallelStrategy(tp, 1, 1, pp, tp, 1), Profile);
            EstimateFigures wide = Estimator.Figures(Qwen, new ParallelStrategy(tp * 2, 1, 1, pp, tp * 2, 1), Profile);
            return wide.WeightsGb <= narrow.WeightsGb;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void The_fast_path_agrees_with_the_full_estimate()
    {
        Prop.ForAll(ValidStrategies(), strategy =>
        {
            EstimateResult full = Estimator.Estimate(Qwen, strategy, Profile);
            EstimateFigures fast = Estimator.Figures(Qwen, strategy, Profile);
            return full.TtftMs == fast.TtftMs && full.TpotMs == fast.TpotMs && full.OutputTokensPerSPerGpu == fast.OutputTokensPerSPerGpu
                && full.MemoryPerGpuGb.Total == fast.MemoryTotalGb && full.Concurrency == fast.Concurrency;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void More_concurrency_never_shortens_the_decode_step()
    {
        Prop.ForAll(ValidStrategies(), Gen.Choose(1, 512).ToArbitrary(), (strategy, concurrency) =>
        {
            Scenario low = Qwen with { Workload = new Workload(TokenRange.Fixed(1024), 512, ConcurrencySetting.Of(concurrency)) };
            Scenario high = Qwen with { Workload = new Workload(TokenRange.Fixed(1024), 512, ConcurrencySetting.Of(concurrency * 2)) };
            return Estimator.Figures(high, strategy, Profile).TpotMs >= Estimator.Figures(low, strategy, Profile).TpotMs - 1e-9;
        }).QuickCheckThrowOnFailure();
    }
}
