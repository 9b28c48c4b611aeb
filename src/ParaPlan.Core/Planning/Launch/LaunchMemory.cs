using ParaPlan.CostModel;

namespace ParaPlan.Planning;

/// <summary>
/// The memory settings of each engine, from the plan's memory of the busiest GPU (decimal GB), each in the engine's own
/// semantics (docs/research/engine-defaults.md, "Memory settings"). The KV pool an engine reserves is all the memory
/// the plan allows (its limit, <c>requirements.max_memory_utilization</c> of the capacity) after weights, activations
/// and the runtime (CUDA context, communication buffers), and never less than the KV cache the plan needs.
/// Fractions are rounded to two decimals, as printed.
/// </summary>
public sealed record LaunchMemory(double KvPoolGb, double VllmGpuMemoryUtilization, double SglangMemFractionStatic, double TrtLlmFreeGpuMemoryFraction)
{
    public static LaunchMemory Of(MemoryPerGpu m)
    {
        ArgumentNullException.ThrowIfNull(m);
        double capacity = Math.Max(m.Capacity, 1e-9);
        double beside = m.Weights + m.Activations + m.Runtime;
        double pool = Math.Max(m.KvCache, m.Limit - beside);

        // vLLM, vllm/config/cache.py (CacheConfig.gpu_memory_utilization): "The fraction of GPU memory to be used for
        // the model executor ... a per-instance limit": weights, activations and KV cache together.
        double vllm = (beside + pool) / capacity;

        // SGLang, python/sglang/srt/server_args.py (mem_fraction_static): "The fraction of the memory used for static
        // allocation (model weights and KV cache memory pool)"; activations and CUDA graphs live in the rest.
        double sglang = (m.Weights + pool) / capacity;

        // TensorRT-LLM, tensorrt_llm/llmapi/llm_args.py (KvCacheConfig.free_gpu_memory_fraction) and trtllm-serve's
        // --kv_cache_free_gpu_memory_fraction (tensorrt_llm/commands/serve.py): "Free GPU memory fraction reserved for
        // KV Cache, after allocating model weights and buffers": a fraction of what is left, not of the capacity.
        double free = Math.Max(capacity - beside, 1e-9);
        double trt = pool / free;

        return new LaunchMemory(pool, Round(vllm, 0.98), Round(sglang, 0.95), Round(trt, 0.95));
    }

    private static double Round(double fraction, double max) => Math.Clamp(Math.Round(fraction, 2, MidpointRounding.AwayFromZero), 0.05, max);
}
