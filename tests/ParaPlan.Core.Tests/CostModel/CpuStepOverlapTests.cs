using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;

namespace ParaPlan.Tests.CostModel;

/// <summary>
/// The step's CPU work (step overhead + running sequences x sequence overhead) adds to the GPU step, or, with an
/// overlap scheduler (SGLang, TensorRT-LLM), runs beside it: the step then takes the longer of the two
/// (docs/cost-model.md, section 6).
/// </summary>
public sealed class CpuStepOverlapTests
{
    private const string Dense = """
        model: {name: small-dense, num_hidden_layers: 4, hidden_size: 1024, num_attention_heads: 8, intermediate_size: 4096, vocab_size: 1024}
        precision: {weights: bf16}
        hardware:
          gpu: {name: round, memory_gb: 80, tflops: {bf16: 100}, memory_bandwidth_tbps: 1.0, intra_node_gbps: 10, inter_node_gbps: 10}
          gpus: 1
        parallel: {tp: 1}
        workload: {input_tokens: 128, output_tokens: 128, concurrency: 16}
        """;

    private static double Step(EfficiencyProfile profile, double batch) => Scenarios.Estimate(Dense, profile).DecodeStepAtContext!(batch, 1000);

    [Fact]
    public void Cpu_work_adds_to_the_gpu_step_without_overlap_and_is_hidden_up_to_it_with()
    {
        double gpu = Step(Scenarios.Ideal(), 16);
        Assert.True(gpu > 0.05, $"GPU step {gpu} ms");

        // CPU work of half the GPU step: added in full, or hidden in full.
        EfficiencyProfile small = Scenarios.Ideal() with { StepOverheadMs = gpu / 2 };
        Assert.Equal(gpu * 1.5, Step(small, 16), 6);
        Assert.Equal(gpu, Step(small with { CpuStepOverlap = true }, 16), 6);

        // CPU work of 16 sequences at 3 x GPU step / 16 each: the step takes the CPU's 3 x GPU step with overlap, 4 x without.
        EfficiencyProfile large = Scenarios.Ideal() with { SequenceOverheadUs = gpu * 3 / 16 * 1000 };
        Assert.Equal(gpu * 4, Step(large, 16), 6);
        Assert.Equal(gpu * 3, Step(large with { CpuStepOverlap = true }, 16), 6);
    }

    [Fact]
    public void The_built_in_engines_leave_the_overlap_off_and_say_why()
    {
        // SGLang and TensorRT-LLM do run an overlap scheduler, but the held-out validation was worse at P90 with the
        // overlap costed (data/efficiency/profiles.json, docs/validation.md): the built-in profiles add the CPU work and
        // say it is an assumption, citing the scheduler.
        GpuSpec h200 = ParaPlan.Catalog.GpuCatalog.BuiltIn.TryGet("h200-sxm", out GpuSpec g) ? g : throw new InvalidOperationException("h200-sxm");
        foreach (EngineKind engine in new[] { EngineKind.Sglang, EngineKind.Trtllm, EngineKind.Vllm })
        {
            EfficiencyProfile profile = EfficiencyCatalog.BuiltIn.Resolve(engine, h200);
            Assert.False(profile.CpuStepOverlap);
            Assert.Equal(profile.StepOverheadMs, profile.SharedStepOverheadMs);
        }

        string sglang = EfficiencyCatalog.BuiltIn.Resolve(EngineKind.Sglang, h200).Sources["cpu_step_overlap"];
        Assert.Contains("assumption: the step's CPU work adds to its GPU time", sglang, StringComparison.Ordinal);
        Assert.Contains("ov-0017", sglang, StringComparison.Ordinal);
    }
}
