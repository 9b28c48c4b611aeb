using FsCheck;
using FsCheck.Fluent;
using ParaPlan.Catalog;
using ParaPlan.Domain;

namespace ParaPlan.Tests.Domain;

public class StrategyRulesTests
{
    private static ModelArchitecture Model(string id)
    {
        Assert.True(ModelCatalog.BuiltIn.TryGet(id, out CatalogModel model));
        return model.Architecture;
    }

    private static IReadOnlyList<StrategyViolation> Check(string model, ParallelStrategy strategy, int? gpus = null) =>
        StrategyRules.Check(strategy, Model(model), gpus);

    [Fact]
    public void Qwen3_235B_tp8_ep8_on_8_GPUs_is_valid()
    {
        Assert.Empty(Check("qwen3-235b-a22b", new ParallelStrategy(tensorParallel: 8, expertParallel: 8), 8));
    }

    [Fact]
    public void GPU_count_is_replicas_times_pp_tp_sp_dp_and_ep_does_not_multiply()
    {
        var strategy = new ParallelStrategy(tensorParallel: 4, sequenceParallel: 2, dataParallel: 2, pipelineParallel: 3, expertParallel: 16, replicas: 2);
        Assert.Equal(2 * 3 * 4 * 2 * 2, strategy.GpuCount);
        Assert.Equal(16, strategy.GpusPerStage);
        Assert.Equal(1.0, strategy.ExpertTensorParallel);
    }

    [Fact]
    public void Ep_must_divide_the_GPUs_of_a_stage()
    {
        // Seed 0's strategy: EP128 over a stage of tp8 x sp4 = 32 GPUs.
        IReadOnlyList<StrategyViolation> violations = Check("qwen3-235b-a22b", new ParallelStrategy(8, 4, 1, 8, 128));
        StrategyViolation violation = Assert.Single(violations);
        Assert.Equal("parallel.ep", violation.Field);
        Assert.Contains("ep 128 does not divide the 32 GPUs", violation.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Tp_must_divide_the_attention_heads()
    {
        IReadOnlyList<StrategyViolation> violations = Check("llama-3.1-70b", new ParallelStrategy(tensorParallel: 3));
        Assert.Contains(violations, v => v.Field == "parallel.tp" && v.Problem.Contains("does not divide num_attention_heads 64", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Field == "parallel.tp" && v.Problem.Contains("does not divide num_key_value_heads 8", StringComparison.Ordinal));
    }

    [Fact]
    public void Tp_above_the_KV_heads_replicates_them_when_it_is_a_multiple()
    {
        // Llama-3.1-70B has 8 KV heads: tp 16 and 32 replicate each 2 and 4 times, as vLLM does.
        Assert.Empty(Check("llama-3.1-70b", new ParallelStrategy(tensorParallel: 16)));
        Assert.Empty(Check("llama-3.1-70b", new ParallelStrategy(tensorParallel: 32)));
    }

    [Fact]
    public void Tp_above_the_KV_heads_that_is_not_a_multiple_is_refused()
    {
        var model = new ModelArchitecture("m", 4, 768, new GroupedQueryAttention(12, 4, 64), 2048, null, null, 1000);
        StrategyViolation violation = Assert.Single(StrategyRules.Check(new ParallelStrategy(tensorParallel: 6), model, null));
        Assert.Contains("not a multiple", violation.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Tp_below_the_KV_heads_must_divide_them()
    {
        var model = new ModelArchitecture("m", 4, 768, new GroupedQueryAttention(12, 12, 64), 2048, null, null, 1000);
        StrategyViolation violation = Assert.Single(StrategyRules.Check(new ParallelStrategy(tensorParallel: 8), model, null), v => v.Problem.Contains("KV", StringComparison.Ordinal));
        Assert.Equal("parallel.tp", violation.Field);
    }

    [Fact]
    public void A_dense_model_takes_no_expert_parallelism()
    {
        StrategyViolation violation = Assert.Single(Check("llama-3.1-70b", new ParallelStrategy(tensorParallel: 2, expertParallel: 2)));
        Assert.Equal("parallel.ep", violation.Field);
        Assert.Contains("dense", violation.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Ep_must_not_exceed_or_unevenly_split_the_experts()
    {
        // Mixtral has 8 experts; a stage of 16 GPUs with ep 16 leaves ranks without experts.
        Assert.Contains(Check("mixtral-8x7b", new ParallelStrategy(tensorParallel: 8, dataParallel: 2, expertParallel: 16)), v => v.Problem.Contains("exceeds the 8 routed experts", StringComparison.Ordinal));
        // Qwen3-235B has 128 experts: ep 6 would split them 21.33 per rank; 4 redundant slots make 132 = 6 x 22.
        var uneven = new ParallelStrategy(tensorParallel: 2, dataParallel: 3, expertParallel: 6);
        StrategyViolation v = Assert.Single(Check("qwen3-235b-a22b", uneven), v => v.Field == "parallel.ep");
        Assert.Contains("does not divide the 128 expert slots", v.Problem, StringComparison.Ordinal);
        Assert.Contains("4 of them here", v.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain(Check("qwen3-235b-a22b", uneven with { RedundantExperts = 4 }), x => x.Field is "parallel.ep" or "parallel.redundant_experts");
        Assert.Contains(Check("qwen3-235b-a22b", uneven with { RedundantExperts = 3 }), x => x.Problem.Contains("131 expert slots (128 routed + 3 redundant)", StringComparison.Ordinal));
        Assert.Contains(Check("qwen3-235b-a22b", new ParallelStrategy(tensorParallel: 8) { RedundantExperts = 8 }), x => x.Field == "parallel.redundant_experts");
        Assert.Contains(Check("llama-3.1-70b", new ParallelStrategy(tensorParallel: 8) { RedundantExperts = 8 }), x => x.Field == "parallel.redundant_experts");
    }

    [Fact]
    public void Expert_tensor_split_must_divide_the_expert_width()
    {
        // Experts 1000 wide on a stage of 3 GPUs with ep 1: each expert would be split 3 ways, 333.3 columns each.
        var model = new ModelArchitecture("m", 2, 512, new GroupedQueryAttention(6, 6, 64), null,
            new MixtureOfExperts(8, 2, 1000), null, 1000);
        IReadOnlyList<StrategyViolation> violations = StrategyRules.Check(new ParallelStrategy(tensorParallel: 3, expertParallel: 1), model, null);
        Assert.Contains(violations, v => v.Problem.Contains("moe_intermediate_size 1000", StringComparison.Ordinal));
    }

    [Fact]
    public void Pp_must_not_exceed_the_layers()
    {
        StrategyViolation violation = Assert.Single(Check("llama-3.1-8b", new ParallelStrategy(pipelineParallel: 33)));
        Assert.Equal("parallel.pp", violation.Field);
    }

    [Fact]
    public void Uneven_pipeline_splits_are_allowed()
    {
        Assert.Empty(Check("qwen3-235b-a22b", new ParallelStrategy(tensorParallel: 8, pipelineParallel: 8, expertParallel: 8)));
    }

    [Fact]
    public void The_strategy_must_fit_the_GPUs_available()
    {
        StrategyViolation violation = Assert.Single(Check("llama-3.1-70b", new ParallelStrategy(tensorParallel: 8, replicas: 2), 8));
        Assert.Equal("parallel", violation.Field);
        Assert.Contains("16 GPUs but hardware.gpus is 8", violation.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_or_negative_degrees_are_refused_when_built()
    {
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => new ParallelStrategy(tensorParallel: 0));
        Assert.Equal("tensorParallel", error.ParamName);
    }

    [Fact]
    public void Property_expert_tp_times_ep_is_the_stage_whenever_ep_divides_it()
    {
        Prop.ForAll(
            Gen.Elements(1, 2, 4, 8).ToArbitrary(),
            Gen.Elements(1, 2, 4).ToArbitrary(),
            Gen.Elements(1, 2, 4, 8).ToArbitrary(),
            (tp, sp, dp) =>
            {
                var model = Model("qwen3-235b-a22b");
                foreach (int ep in new[] { 1, 2, 4, 8, 16, 32, 64, 128 })
                {
                    var strategy = new ParallelStrategy(tp, sp, dp, 1, ep);
                    bool epDivides = strategy.GpusPerStage % ep == 0;
                    bool flagged = StrategyRules.Check(strategy, model, null).Any(v => v.Field == "parallel.ep" && v.Problem.Contains("does not divide the", StringComparison.Ordinal) && v.Problem.Contains("GPUs of a stage", StringComparison.Ordinal));
                    if (epDivides == flagged || (epDivides && strategy.ExpertTensorParallel * ep != strategy.GpusPerStage))
                    {
                        return false;
                    }
                }

                return true;
            }).QuickCheckThrowOnFailure();
    }
}
