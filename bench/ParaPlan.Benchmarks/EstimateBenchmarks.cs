using BenchmarkDotNet.Attributes;
using ParaPlan.Catalog;
using ParaPlan.CostModel;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;
using ParaPlan.Input;

namespace ParaPlan.Benchmarks;

/// <summary>
/// One estimate of Qwen3-235B-A22B (94 MoE layers) on 8 x H100: the fast path the strategy search calls
/// (<see cref="Estimator.Figures"/>) and the full report (<see cref="Estimator.Estimate(Scenario, ParallelStrategy, EfficiencyProfile, double)"/>).
/// </summary>
[MemoryDiagnoser]
public class EstimateBenchmarks
{
    private const string ScenarioText = """
        model: qwen3-235b-a22b
        precision: {weights: fp8, kv_cache: fp8}
        hardware: {gpu: h100-sxm, gpus: 8}
        engine: vllm
        workload: {input_tokens: 1024, output_tokens: 1024, concurrency: max}
        """;

    private Scenario _scenario = null!;
    private EfficiencyProfile _profile = null!;
    private readonly ParallelStrategy _tensorExpert = new(tensorParallel: 8, expertParallel: 8);
    private readonly ParallelStrategy _dataExpert = new(dataParallel: 8, expertParallel: 8);

    [GlobalSetup]
    public void Setup()
    {
        _scenario = ScenarioReader.Read(DocumentLoader.Parse(ScenarioText, "bench.yaml"), "bench.yaml", null);
        _profile = EfficiencyCatalog.BuiltIn.Resolve(_scenario.Engine, _scenario.Hardware.Gpu);
    }

    [Benchmark(Baseline = true, Description = "Figures, 94-layer MoE, tp8 ep8")]
    public EstimateFigures FiguresTensorExpert() => Estimator.Figures(_scenario, _tensorExpert, _profile);

    [Benchmark(Description = "Figures, 94-layer MoE, dp8 ep8 (attention DP)")]
    public EstimateFigures FiguresDataExpert() => Estimator.Figures(_scenario, _dataExpert, _profile);

    [Benchmark(Description = "Full estimate with breakdown, tp8 ep8")]
    public EstimateResult FullEstimate() => Estimator.Estimate(_scenario, _tensorExpert, _profile);
}
