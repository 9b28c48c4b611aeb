using ParaPlan.Validation.Harness;

namespace ParaPlan.Validation.Fitting;

/// <summary>
/// What end-to-end measurements may set, each with its allowed range and the measurement behind the range
/// (docs/validation.md, "The fit").
/// </summary>
public static class FitParameters
{
    /// <summary>Each engine's own values (its serving loop's CPU work and the kernels around the GEMMs).</summary>
    public static IReadOnlyList<FitParameter> Engine { get; } =
    [
        new("step_overhead_ms", 0, 10, "CPU time between engine steps: 4-13 ms GPU bubbles per step in vLLM before its CPU fixes, a GPU step as short as 5 ms on H100 with comparable CPU work (data/kernels/overheads.json ov-0033, ov-0009); none left with an overlap scheduler, which prepares the next step while the GPU runs this one: SGLang v0.4's shows no GPU idle time across 5 consecutive decode batches (ov-0017), and TensorRT-LLM's PyTorch backend runs one by default (docs/research/engine-defaults.md, section 3), so 0 is a physical floor", FloorMeansNone: true),
        new("sequence_overhead_us", 0, 150, "CPU work per running sequence per step: vLLM V0 output processing 3.4 ms at batch 32 (106 us a sequence, ov-0035); V1's scheduler update 0.14 ms at batch 128 (1.1 us, ov-0037)", FloorMeansNone: true),
        new("layer_overhead_us", 0, 150, "kernels per layer beyond the ~10 the model counts: vLLM ran ~33 per layer before its fusions (ov-0016), 23 more at 3-6 us each (ov-0025) is ~70-140 us", FloorMeansNone: true),
        new("moe_layer_overhead_us", 0, 200, "kernels of an MoE layer beyond the fused-MoE kernels and the counted router: DeepSeek's grouped top-k, token permutation, activation quantisation of both expert GEMMs and the shared expert, the output reduction (vLLM fused_moe/layer.py, deepseek_v2.py): some 10-30 more kernels at 3-6 us each (ov-0025)", FloorMeansNone: true),
        new("request_overhead_ms", 0, 100, "time before the first token outside the engine loop and the front end's lane (HTTP, tokenising, first scheduling): a 100k-token prompt tokenises in 220 ms (ov-0021); scheduling and queue wait are 94% of the CPU overhead on MI300X (ov-0022)", FloorMeansNone: true),
    ];

    /// <summary>Each source's benchmark harness (nuisance values; validation only).</summary>
    public static IReadOnlyList<FitParameter> Harness { get; } =
    [
        new(HarnessKeys.ClientTokenUs, 0, 500, "a benchmark client's time per streamed token on the GPU host: the earlier fit of GPUStack's bursts needed 240-320 us per token on one lane for API server and client together (docs/validation.md, history), of which the API server's is 26-50 us", FloorMeansNone: true),
        new(HarnessKeys.ClientRequestMs, 0, 30, "a benchmark host's time per request it sends: GPUStack's 1000 x (128 in, 4 out) bursts imply 6-20 ms per request (docs/validation.md)", FloorMeansNone: true),
    ];
}
