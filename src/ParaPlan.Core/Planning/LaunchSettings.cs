using System.Globalization;
using ParaPlan.CostModel;
using ParaPlan.Domain;

namespace ParaPlan.Planning;

/// <summary>How to launch one model instance of a plan with one engine, or why the engine cannot express it.</summary>
public sealed record EngineLaunch(string Engine, bool Expressible, string Command, IReadOnlyList<string> Notes);

/// <summary>
/// Launch settings for vLLM, SGLang and TensorRT-LLM (trtllm-serve) for a strategy, with the engines' own flag names
/// (docs/research/engine-defaults.md) and a plain statement of what an engine cannot express.
/// </summary>
public static class LaunchSettings
{
    public static IReadOnlyList<EngineLaunch> For(Scenario scenario, ParallelStrategy strategy, EstimateResult estimate, string modelName)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(estimate);
        return [Vllm(scenario, strategy, estimate, modelName), Sglang(scenario, strategy, estimate, modelName), TensorRt(scenario, strategy, estimate, modelName)];
    }

    private static EngineLaunch Vllm(Scenario scenario, ParallelStrategy s, EstimateResult e, string model)
    {
        var notes = new List<string>();
        bool expressible = true;
        if (s.SequenceParallel > 1)
        {
            expressible = false;
            notes.Add($"sp {s.SequenceParallel}: vLLM has no context parallelism for prefill; it cannot split the sequence this way");
        }

        bool moe = scenario.Model.IsMoe;
        long stage = s.GpusPerStage;
        bool expertParallel = moe && s.ExpertParallel > 1;
        if (moe && expertParallel && s.ExpertParallel != stage)
        {
            expressible = false;
            notes.Add($"ep {s.ExpertParallel} of {stage} GPUs: with --enable-expert-parallel vLLM spreads the experts over all tp x dp GPUs (ep = {stage}); it cannot also tensor-split each expert");
        }

        if (moe && s.DataParallel > 1 && !expertParallel)
        {
            expressible = false;
            notes.Add("dp > 1 with ep 1: vLLM's data parallelism without expert parallelism replicates the experts in every DP rank instead of sharing them");
        }

        var args = new List<string> { $"vllm serve {model}", $"--tensor-parallel-size {s.TensorParallel}" };
        if (s.PipelineParallel > 1)
        {
            args.Add($"--pipeline-parallel-size {s.PipelineParallel}");
        }

        if (s.DataParallel > 1)
        {
            args.Add($"--data-parallel-size {s.DataParallel}");
        }

        if (expertParallel)
        {
            args.Add("--enable-expert-parallel");
        }

        if (e.FrontEnd.ApiServers > 1)
        {
            // The front end the plan sized (docs/cost-model.md, "The front end"): more API-server processes than one.
            args.Add($"--api-server-count {e.FrontEnd.ApiServers}");
        }

        args.Add($"--max-num-seqs {Whole(e.RunningSequencesPerGroup)}");
        args.Add($"--max-model-len {scenario.Workload.MaxContextTokens}");
        args.Add("--max-num-batched-tokens 8192");
        args.Add($"--gpu-memory-utilization {Num(scenario.Requirements.MaxMemoryUtilization)}");
        if (scenario.Precision.KvCache == NumericFormat.Fp8)
        {
            args.Add("--kv-cache-dtype fp8");
        }

        Common(scenario, s, notes, "vLLM");
        return new EngineLaunch("vllm", expressible, string.Join(" \\\n  ", args), notes);
    }

    private static EngineLaunch Sglang(Scenario scenario, ParallelStrategy s, EstimateResult e, string model)
    {
        var notes = new List<string>();
        bool expressible = true;
        if (s.SequenceParallel > 1)
        {
            expressible = false;
            notes.Add($"sp {s.SequenceParallel}: SGLang's launcher has no context-parallel degree for these models");
        }

        long stage = s.GpusPerStage;
        var args = new List<string> { $"python -m sglang.launch_server --model-path {model}", $"--tp-size {stage}" };
        if (s.DataParallel > 1)
        {
            args.Add($"--dp-size {s.DataParallel}");
            args.Add("--enable-dp-attention");
        }

        if (scenario.Model.IsMoe && s.ExpertParallel > 1)
        {
            args.Add($"--ep-size {s.ExpertParallel}");
            if (s.DataParallel > 1)
            {
                args.Add("--moe-a2a-backend deepep");
                if (scenario.Engine == EngineKind.Sglang)
                {
                    // The plan's SGLang profile costs the all-to-all as overlapped with the other micro-batch's compute.
                    args.Add("--enable-two-batch-overlap");
                }
            }
        }

        if (s.PipelineParallel > 1)
        {
            args.Add($"--pp-size {s.PipelineParallel}");
        }

        args.Add($"--max-running-requests {Whole(e.RunningSequencesPerGroup * s.DataParallel)}");
        args.Add($"--context-length {scenario.Workload.MaxContextTokens}");
        args.Add("--chunked-prefill-size 8192");
        double staticFraction = (e.MemoryPerGpuGb.Weights + e.MemoryPerGpuGb.KvCache) / e.MemoryPerGpuGb.Capacity;
        args.Add($"--mem-fraction-static {Num(Math.Min(0.95, Math.Ceiling(staticFraction * 100) / 100))}");
        if (scenario.Precision.KvCache == NumericFormat.Fp8)
        {
            args.Add("--kv-cache-dtype fp8_e4m3");
        }

        notes.Add($"SGLang's --tp-size counts every GPU of a pipeline stage ({stage} = tp {s.TensorParallel} x dp {s.DataParallel} x sp {s.SequenceParallel}); --dp-size splits attention inside it");
        Common(scenario, s, notes, "SGLang");
        return new EngineLaunch("sglang", expressible, string.Join(" \\\n  ", args), notes);
    }

    private static EngineLaunch TensorRt(Scenario scenario, ParallelStrategy s, EstimateResult e, string model)
    {
        var notes = new List<string>();
        bool expressible = true;
        if (s.SequenceParallel > 1)
        {
            expressible = false;
            notes.Add($"sp {s.SequenceParallel}: trtllm-serve does not expose context parallelism for these models");
        }

        if (s.DataParallel > 1 && s.TensorParallel > 1)
        {
            expressible = false;
            notes.Add($"attention dp {s.DataParallel} with attention tp {s.TensorParallel}: TensorRT-LLM's enable_attention_dp runs attention on one GPU per DP rank (attention tp 1)");
        }

        long stage = s.GpusPerStage;
        var args = new List<string>
        {
            $"trtllm-serve {model}",
            $"--tp_size {stage}",
            $"--pp_size {s.PipelineParallel}",
        };
        if (scenario.Model.IsMoe)
        {
            args.Add($"--ep_size {s.ExpertParallel}");
        }

        args.Add($"--max_batch_size {Whole(e.RunningSequencesPerGroup)}");
        args.Add("--max_num_tokens 8192");
        args.Add($"--max_seq_len {scenario.Workload.MaxContextTokens}");
        double free = e.MemoryPerGpuGb.Capacity - e.MemoryPerGpuGb.Weights - e.MemoryPerGpuGb.Runtime;
        args.Add($"--kv_cache_free_gpu_memory_fraction {Num(Math.Clamp(Math.Ceiling(e.MemoryPerGpuGb.KvCache / Math.Max(free, 1e-9) * 100) / 100, 0.05, 0.95))}");
        var options = new List<string>();
        if (s.DataParallel > 1)
        {
            options.Add("enable_attention_dp: true");
        }

        if (scenario.Precision.KvCache == NumericFormat.Fp8)
        {
            options.Add("kv_cache_config: {dtype: fp8}");
        }

        if (options.Count > 0)
        {
            args.Add("--extra_llm_api_options extra.yaml");
            notes.Add("extra.yaml: " + string.Join("; ", options));
        }

        Common(scenario, s, notes, "TensorRT-LLM");
        return new EngineLaunch("trtllm", expressible, string.Join(" \\\n  ", args), notes);
    }

    private static void Common(Scenario scenario, ParallelStrategy s, List<string> notes, string engine)
    {
        long instance = s.GpusPerInstance;
        int perNode = scenario.Hardware.GpusPerNode;
        if (instance > perNode)
        {
            notes.Add($"one instance spans {(instance + perNode - 1) / perNode} nodes: start {engine} on every node with the multi-node options (node rank, master address)");
        }

        if (s.Replicas > 1)
        {
            notes.Add($"run {s.Replicas} such instances ({instance} GPUs each) behind a load balancer");
        }
    }

    private static string Whole(double value) => Math.Max(1, Math.Ceiling(value)).ToString(CultureInfo.InvariantCulture);

    private static string Num(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
