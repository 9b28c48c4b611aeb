using BenchmarkDotNet.Attributes;
using ParaPlan.Catalog;
using ParaPlan.CostModel;
using ParaPlan.CostModel.Profiles;
using ParaPlan.CostModel.Serving.Simulation;
using ParaPlan.Domain;
using ParaPlan.Input;
using ParaPlan.Planning;

namespace ParaPlan.Benchmarks;

/// <summary>
/// Issue 21's speed targets: 10,000 requests simulated on a 94-layer MoE (Qwen3-235B-A22B, 8 x H100, vLLM) in under
/// 1 s, and a plan at a request rate over up to 1,024 GPUs (DeepSeek-V3, H200, SGLang) in under 10 s.
/// </summary>
[MemoryDiagnoser]
public class ServingBenchmarks
{
    private const string QwenText = """
        model: qwen3-235b-a22b
        precision: {weights: fp8, kv_cache: fp8}
        hardware: {gpu: h100-sxm, gpus: 8}
        engine: vllm
        parallel: {tp: 8, ep: 8}
        workload: {input_tokens: {distribution: sharegpt}, output_tokens: {distribution: sharegpt}, request_rate: 20, requests: 10000}
        """;

    private const string PlanText = """
        model: deepseek-v3
        precision: {weights: fp8}
        hardware: {gpu: h200-sxm, gpus: 1024}
        engine: sglang
        workload: {input_tokens: 4096, output_tokens: 1024, request_rate: 40}
        requirements: {ttft_ms: {p90: 2000}, tpot_ms: {p90: 50}}
        objective: gpus
        """;

    private const string DisaggregatedText = """
        model: deepseek-v3
        precision: {weights: fp8}
        hardware: {gpu: h200-sxm, gpus: 1024}
        engine: sglang
        workload: {input_tokens: 8192, output_tokens: 1024, concurrency: max}
        requirements: {tpot_ms: 30}
        """;

    private Scenario _disaggregated = null!;
    private Scenario _qwen = null!;
    private EstimateResult _estimate = null!;
    private EfficiencyProfile _profile = null!;
    private Scenario _plan = null!;

    [GlobalSetup]
    public void Setup()
    {
        _qwen = ScenarioReader.Read(DocumentLoader.Parse(QwenText, "bench.yaml"), "bench.yaml", null);
        _profile = EfficiencyCatalog.BuiltIn.Resolve(_qwen.Engine, _qwen.Hardware.Gpu);
        _estimate = Estimator.Estimate(_qwen, _qwen.Parallel!.Value, _profile);
        _plan = ScenarioReader.Read(DocumentLoader.Parse(PlanText, "bench.yaml"), "bench.yaml", null);
        _disaggregated = ScenarioReader.Read(DocumentLoader.Parse(DisaggregatedText, "bench.yaml"), "bench.yaml", null);
    }

    /// <summary>Issue 22's target: a plan over up to 1,024 GPUs with disaggregated layouts searched beside the aggregated ones in under 5 s.</summary>
    [Benchmark(Description = "Plan, aggregated and disaggregated, DeepSeek-V3 8k/1k, up to 1024 x H200, TPOT 30 ms")]
    public PlanResult PlanWithDisaggregation() => Planner.Plan(_disaggregated);

    [Benchmark(Description = "Simulate 10,000 requests, Qwen3-235B (94 MoE layers) on 8 x H100, ShareGPT at 20/s")]
    public ServingSimulationReport Simulate10k() => WorkloadSimulator.Simulate(_qwen, _qwen.Parallel!.Value, _estimate, _profile);

    [Benchmark(Description = "Plan at 40 requests/s, DeepSeek-V3 4k/1k, up to 1024 x H200, P90 targets")]
    public PlanResult PlanAtRate() => Planner.Plan(_plan);
}
