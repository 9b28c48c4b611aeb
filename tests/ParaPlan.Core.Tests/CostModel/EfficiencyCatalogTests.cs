using ParaPlan.Catalog;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;
using ParaPlan.Input;

namespace ParaPlan.Tests.CostModel;

public class EfficiencyCatalogTests
{
    /// <summary>The profile's numeric values a fit may set (those <see cref="EfficiencyProfile.Get"/> reads), but the three the architecture test states itself.</summary>
    private static readonly string[] FittableKeys =
    [
        "gemm_compute_efficiency", "gemm_8bit_compute_efficiency", "gemm_4bit_compute_efficiency", "gemm_half_efficiency_depth",
        "memory_bandwidth_efficiency", "kernel_launch_us", "moe_gemm_compute_efficiency", "moe_memory_bandwidth_efficiency", "moe_kernel_us",
        "expert_overhead_us", "attention_compute_efficiency", "attention_half_efficiency_tokens", "attention_kv_bandwidth_efficiency",
        "intra_node_link_efficiency", "collective_overhead_us", "inter_node_collective_us", "step_overhead_ms", "layer_overhead_us",
        "moe_layer_overhead_us", "sequence_overhead_us", "request_overhead_ms", "api_server_token_us", "api_server_request_ms",
    ];

    [Theory]
    [InlineData(EngineKind.Generic)]
    [InlineData(EngineKind.Vllm)]
    [InlineData(EngineKind.Sglang)]
    [InlineData(EngineKind.Trtllm)]
    public void Every_engine_resolves_with_a_source_for_every_value(EngineKind engine)
    {
        Assert.True(GpuCatalog.BuiltIn.TryGet("h100-sxm", out GpuSpec gpu));
        EfficiencyProfile profile = EfficiencyCatalog.BuiltIn.Resolve(engine, gpu);
        foreach (string key in EfficiencyProfile.NumericKeys)
        {
            Assert.True(profile.Sources.TryGetValue(key, out string? source) && source.Length > 20, $"{engine}: {key} has a source");
            Assert.True(profile.Get(key) >= 0);
        }

        Assert.InRange(profile.GemmComputeEfficiency, 0.01, 1);
        Assert.InRange(profile.MemoryBandwidthEfficiency, 0.01, 1);
    }

    [Fact]
    public void Engine_settings_override_the_generic_ones()
    {
        Assert.True(GpuCatalog.BuiltIn.TryGet("h100-sxm", out GpuSpec h100));
        Assert.True(GpuCatalog.BuiltIn.TryGet("a100-sxm-80gb", out GpuSpec a100));
        Assert.Equal(1024, EfficiencyCatalog.BuiltIn.Resolve(EngineKind.Vllm, h100).MaxRunningSequences);
        Assert.Equal(256, EfficiencyCatalog.BuiltIn.Resolve(EngineKind.Vllm, a100).MaxRunningSequences);

        // SGLang's KV reservation for output still to come: new_token_ratio 0.7 falling to 0.7 x 0.14 over 600
        // decode steps (sglang/srt/environ.py); vLLM V1 keeps none.
        EfficiencyProfile sglang = EfficiencyCatalog.BuiltIn.Resolve(EngineKind.Sglang, h100);
        Assert.Equal(0.7, sglang.KvReserveInitial, 9);
        Assert.Equal(0.7 * 0.14, sglang.KvReserveFloor, 9);
        Assert.Equal(600, sglang.KvReserveDecaySteps, 9);
        Assert.Equal(0, EfficiencyCatalog.BuiltIn.Resolve(EngineKind.Vllm, h100).KvReserveInitial);
    }

    [Fact]
    public void A_GPU_s_stated_mfu_and_bandwidth_replace_the_profile()
    {
        Scenario scenario = Scenarios.Read("""
            model: llama-3.1-8b
            hardware: {gpu: {name: seed, memory_gb: 64, tflops: 400, memory_bandwidth_tbps: 1.8, mfu: 0.6, bandwidth_utilization: 0.8}}
            """);
        EfficiencyProfile profile = EfficiencyCatalog.BuiltIn.Resolve(scenario.Engine, scenario.Hardware.Gpu);
        Assert.Equal(0.6, profile.GemmComputeEfficiency);
        Assert.Equal(0.6, profile.MoeGemmComputeEfficiency);
        Assert.Equal(0.6, profile.AttentionComputeEfficiency);
        Assert.Equal(0.8, profile.MemoryBandwidthEfficiency);
        Assert.Contains("hardware.gpu.mfu", profile.Sources["gemm_compute_efficiency"], StringComparison.Ordinal);
    }

    [Fact]
    public void A_profile_value_without_a_source_is_refused()
    {
        InputException error = Assert.Throws<InputException>(() => EfficiencyCatalog.Parse("""
            {"profiles": [{"engine": "generic", "gpu": "*", "values": {"step_overhead_ms": 1}, "sources": {}}]}
            """, "p.json"));
        Assert.Contains("no source", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_architecture_s_profile_sits_between_every_GPU_s_and_the_GPU_s_own()
    {
        // generic/* gives 0.5, generic/hopper 0.6, generic/h100-sxm 0.7: H100 takes its own, H200 (Hopper) the
        // architecture's, A100 (Ampere) the shared value. vllm/hopper's step overhead applies to vLLM on Hopper only.
        string[] given = ["gemm_half_efficiency_tokens", "moe_gemm_half_efficiency_tokens", "inter_node_link_efficiency"];
        string all = string.Join(", ", EfficiencyProfile.NumericKeys.Except(given).Select(k => $"\"{k}\": 1"));
        string sources = "{" + Sources("max_batched_tokens", "max_running_sequences", "runtime_reserve_gb", "prefill_first", "moe_communication_overlap", "moe_overlap_efficiency", "cpu_step_overlap", "kv_reserve_initial", "kv_reserve_floor", "kv_reserve_decay_steps") + "}";
        string text = $$$"""
            {"profiles": [
              {"engine": "generic", "gpu": "*", "values": {"gemm_half_efficiency_tokens": 32, "moe_gemm_half_efficiency_tokens": 100, "inter_node_link_efficiency": 0.8, "max_batched_tokens": 8192, "max_running_sequences": 256, "runtime_reserve_gb": 3, "prefill_first": 0, "moe_communication_overlap": 0, "moe_overlap_efficiency": 1, "cpu_step_overlap": 0, "kv_reserve_initial": 0, "kv_reserve_floor": 0, "kv_reserve_decay_steps": 0, {{{all}}}},
               "sources": {{{sources}}}},
              {"engine": "generic", "gpu": "*", "fitted": true, "values": {"gemm_compute_efficiency": 0.5}, "sources": {"gemm_compute_efficiency": "test"}},
              {"engine": "generic", "gpu": "hopper", "fitted": true, "values": {"gemm_compute_efficiency": 0.6}, "sources": {"gemm_compute_efficiency": "test"}},
              {"engine": "generic", "gpu": "h100-sxm", "fitted": true, "values": {"gemm_compute_efficiency": 0.7}, "sources": {"gemm_compute_efficiency": "test"}},
              {"engine": "vllm", "gpu": "hopper", "values": {"step_overhead_ms": 3}, "sources": {"step_overhead_ms": "test"}}
            ]}
            """;
        EfficiencyCatalog catalog = EfficiencyCatalog.Parse(text, "p.json");
        GpuSpec Gpu(string id) => GpuCatalog.BuiltIn.TryGet(id, out GpuSpec g) ? g : throw new InvalidOperationException(id);
        Assert.Equal(0.7, catalog.Resolve(EngineKind.Generic, Gpu("h100-sxm")).GemmComputeEfficiency);
        Assert.Equal(0.6, catalog.Resolve(EngineKind.Generic, Gpu("h200-sxm")).GemmComputeEfficiency);
        Assert.Equal(0.5, catalog.Resolve(EngineKind.Generic, Gpu("a100-sxm-80gb")).GemmComputeEfficiency);
        Assert.Equal(3, catalog.Resolve(EngineKind.Vllm, Gpu("h200-sxm")).StepOverheadMs);
        Assert.Equal(1, catalog.Resolve(EngineKind.Vllm, Gpu("a100-sxm-80gb")).StepOverheadMs);
        Assert.Equal(1, catalog.Resolve(EngineKind.Sglang, Gpu("h200-sxm")).StepOverheadMs);
    }

    private static string Sources(params string[] extra) =>
        string.Join(", ", EfficiencyProfile.NumericKeys.Concat(extra).Select(k => $"\"{k}\": \"test\""));
}
