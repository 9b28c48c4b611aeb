using BenchmarkDotNet.Attributes;
using ParaPlan.Catalog;
using ParaPlan.Dag;
using ParaPlan.Domain;
using ParaPlan.Input;

namespace ParaPlan.Benchmarks;

/// <summary>
/// Building deployment DAGs: a whole 16-layer, 64-expert model on 128 GPUs, two layers of Qwen3-235B on 256, and
/// the whole of DeepSeek-V3 with dp = ep = 256 (issue 19's case: 138,868 nodes, 197,888 edges) built and written as
/// JSON, DOT and a Chrome trace to a null stream.
/// </summary>
[MemoryDiagnoser]
public class DagBenchmarks
{
    private const string SmallMoe = """
        model: {name: moe-16x64, num_hidden_layers: 16, hidden_size: 1024, num_attention_heads: 16, num_experts: 64, num_experts_per_tok: 2, moe_intermediate_size: 2048}
        precision: {weights: fp8}
        hardware: {gpu: h100-sxm, gpus: 128}
        workload: {input_tokens: 1024, output_tokens: 256, concurrency: 1024}
        """;

    private const string Qwen = """
        model: qwen3-235b-a22b
        precision: {weights: fp8}
        hardware: {gpu: h100-sxm, gpus: 256}
        workload: {input_tokens: 1024, output_tokens: 256, concurrency: 2048}
        """;

    private const string DeepSeek = """
        model: deepseek-v3
        precision: {weights: fp8}
        hardware: {gpu: h200-sxm, gpus: 256, gpus_per_node: 8}
        engine: sglang
        workload: {input_tokens: 2048, output_tokens: 1024, concurrency: 4096}
        """;

    private static readonly ParallelStrategy DpEp256 = new(dataParallel: 256, expertParallel: 256);

    private Scenario _smallMoe = null!;
    private Scenario _qwen = null!;
    private Scenario _deepSeek = null!;

    [GlobalSetup]
    public void Setup()
    {
        _smallMoe = ScenarioReader.Read(DocumentLoader.Parse(SmallMoe, "moe.yaml"), "moe.yaml", null);
        _qwen = ScenarioReader.Read(DocumentLoader.Parse(Qwen, "qwen.yaml"), "qwen.yaml", null);
        _deepSeek = ScenarioReader.Read(DocumentLoader.Parse(DeepSeek, "deepseek.yaml"), "deepseek.yaml", null);
    }

    [Benchmark(Description = "Full DAG, 16 layers x 64 experts on 128 GPUs (tp2 dp64 ep64)")]
    public DeploymentDag SmallMoeOn128() => DagBuilder.Build(_smallMoe, new ParallelStrategy(tensorParallel: 2, dataParallel: 64, expertParallel: 64), DagPhase.Decode);

    [Benchmark(Description = "Qwen3-235B on 256 GPUs (tp4 dp64 ep128), layers 0..1")]
    public DeploymentDag QwenOn256() => DagBuilder.Build(_qwen, new ParallelStrategy(tensorParallel: 4, dataParallel: 64, expertParallel: 128), DagPhase.Decode, 0, 1);

    [Benchmark(Description = "DeepSeek-V3 on 256 GPUs (dp = ep = 256), whole model: build")]
    public DeploymentDag DeepSeekOn256() => DagBuilder.Build(_deepSeek, DpEp256, DagPhase.Decode);

    [Benchmark(Description = "DeepSeek-V3 on 256 GPUs (dp = ep = 256), whole model: build and write JSON")]
    public void DeepSeekOn256Json() => DagJson.Write(Stream.Null, DeepSeekOn256());

    [Benchmark(Description = "DeepSeek-V3 on 256 GPUs (dp = ep = 256), whole model: build and write DOT")]
    public void DeepSeekOn256Dot() => DagDot.Write(TextWriter.Null, DeepSeekOn256(), 8);

    [Benchmark(Description = "DeepSeek-V3 on 256 GPUs (dp = ep = 256), whole model: build both phases and write the trace")]
    public void DeepSeekOn256Trace() => DagTrace.Write(Stream.Null, 256, 8, new[] { DagPhase.Prefill, DagPhase.Decode }.Select(p => DagBuilder.Build(_deepSeek, DpEp256, p)));
}
