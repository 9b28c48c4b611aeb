using ParaPlan.Catalog;
using ParaPlan.Domain;
using ParaPlan.Search;
using ParaPlan.Tests.CostModel;

namespace ParaPlan.Tests.Search;

/// <summary>
/// The search explores only what the scenario's engine can run (issue 20; rules and sources in
/// data/engines/capabilities.json): no sequence parallelism for vLLM, SGLang or TensorRT-LLM serving, vLLM's expert
/// parallelism over a whole stage (EP = TP x DP), TensorRT-LLM's attention DP with one attention GPU per rank.
/// </summary>
public class EngineCapabilityTests
{
    private static readonly ModelArchitecture DeepSeek = ModelCatalog.BuiltIn.TryGet("deepseek-v3", out CatalogModel entry) ? entry.Architecture : throw new InvalidOperationException("deepseek-v3 is not in the catalog");

    [Theory]
    [InlineData(EngineKind.Vllm)]
    [InlineData(EngineKind.Sglang)]
    [InlineData(EngineKind.Trtllm)]
    public void No_named_engine_serves_with_sequence_parallelism(EngineKind engine)
    {
        var violation = Assert.Single(EngineCapabilities.Check(new ParallelStrategy(tensorParallel: 8, sequenceParallel: 4, expertParallel: 32), DeepSeek, engine));
        Assert.Equal("parallel.sp", violation.Field);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(8, false)]   // half the stage: --enable-expert-parallel cannot express it
    [InlineData(16, true)]
    public void VLLM_expert_parallelism_spans_the_whole_stage_or_nothing(int ep, bool runs)
    {
        var strategy = new ParallelStrategy(tensorParallel: 2, dataParallel: 8, expertParallel: ep);
        Assert.Equal(runs, EngineCapabilities.Check(strategy, DeepSeek, EngineKind.Vllm).Count == 0);
        // SGLang and TensorRT-LLM split a MoE layer ep x (tp / ep): any ep dividing the stage.
        Assert.Empty(EngineCapabilities.Check(strategy, DeepSeek, EngineKind.Sglang));
    }

    [Fact]
    public void TensorRT_LLM_attention_DP_has_one_attention_GPU_per_rank()
    {
        Assert.Equal("parallel.dp", Assert.Single(EngineCapabilities.Check(new ParallelStrategy(tensorParallel: 2, dataParallel: 4, expertParallel: 8), DeepSeek, EngineKind.Trtllm)).Field);
        Assert.Empty(EngineCapabilities.Check(new ParallelStrategy(dataParallel: 8, expertParallel: 8), DeepSeek, EngineKind.Trtllm));
        Assert.Empty(EngineCapabilities.Check(new ParallelStrategy(tensorParallel: 8, expertParallel: 8), DeepSeek, EngineKind.Trtllm));
        // Attention DP with pipeline stages is not verified on TensorRT-LLM: planned with pp 1 only.
        Assert.Equal("parallel.pp", Assert.Single(EngineCapabilities.Check(new ParallelStrategy(dataParallel: 8, pipelineParallel: 2, expertParallel: 8), DeepSeek, EngineKind.Trtllm)).Field);
        Assert.Empty(EngineCapabilities.Check(new ParallelStrategy(dataParallel: 8, pipelineParallel: 2, expertParallel: 8), DeepSeek, EngineKind.Sglang));
    }

    [Fact]
    public void The_generic_engine_keeps_the_full_space()
    {
        Assert.Null(EngineCapabilities.For(EngineKind.Generic));
        Assert.Empty(EngineCapabilities.Check(new ParallelStrategy(tensorParallel: 2, sequenceParallel: 4, dataParallel: 2, expertParallel: 8), DeepSeek, EngineKind.Generic));
    }

    [Theory]
    [InlineData("vllm")]
    [InlineData("sglang")]
    [InlineData("trtllm")]
    public void Every_strategy_a_plan_reports_runs_on_its_engine(string engine)
    {
        Scenario scenario = Scenarios.Read(string.Join('\n',
            "model: deepseek-v3",
            "precision: {weights: fp8}",
            "hardware: {gpu: h200-sxm, gpus: 16}",
            $"engine: {engine}",
            "workload: {input_tokens: 1024, output_tokens: 1024, concurrency: max}"));

        SearchResult result = StrategySearch.Run(scenario);

        Assert.Null(result.Infeasible);
        foreach (Candidate candidate in result.Alternatives.Append(result.Best).Concat(result.Pareto))
        {
            Assert.Empty(EngineCapabilities.Check(candidate.Strategy, scenario.Model, scenario.Engine));
        }

        Assert.Contains(result.Statistics.Rejected.Keys, k => k.StartsWith("engine: ", StringComparison.Ordinal));
    }
}
