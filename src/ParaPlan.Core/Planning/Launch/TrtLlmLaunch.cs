using ParaPlan.Domain;
using static ParaPlan.Planning.LaunchSettings;

namespace ParaPlan.Planning;

/// <summary>
/// TensorRT-LLM (<c>trtllm-serve</c>), option names of tensorrt_llm/commands/serve.py. An instance over several nodes
/// is started once, from node 0, by MPI: <c>mpirun</c> (or Slurm's <c>srun</c>) runs <c>trtllm-llmapi-launch
/// trtllm-serve ...</c> with one rank per GPU (TensorRT-LLM docs, "trtllm-serve" multi-node).
/// </summary>
internal static class TrtLlmLaunch
{
    public static EngineLaunch Build(LaunchContext c)
    {
        Scenario scenario = c.Scenario;
        ParallelStrategy s = c.Strategy;
        var notes = new List<string>();
        bool expressible = Expressible(c, EngineKind.Trtllm, notes);

        long stage = s.GpusPerStage;
        int nodes = Nodes(scenario, s);
        string serve = $"trtllm-serve {c.Model.Name}";
        if (nodes > 1)
        {
            int perNode = Math.Max(1, scenario.Hardware.GpusPerNode);
            long gpus = s.GpusPerInstance;
            string hosts = string.Join(",", Enumerable.Range(0, nodes).Select(i => $"{(i == 0 ? LeaderHost : $"NODE{i}_ADDR")}:{Math.Min(perNode, gpus - ((long)i * perNode))}"));
            serve = $"mpirun -H {hosts} -n {gpus} trtllm-llmapi-launch {serve}";
            notes.Add($"one mpirun from node 0 starts all {gpus} ranks (one per GPU, {perNode} per node); replace the NODEi_ADDR host names; under Slurm: srun -N {nodes} -n {gpus} --mpi=pmix trtllm-llmapi-launch trtllm-serve ... with the same options");
        }

        var args = new List<string> { serve, $"--tp_size {stage}", $"--pp_size {s.PipelineParallel}" };
        if (scenario.Model.IsMoe)
        {
            args.Add($"--ep_size {s.ExpertParallel}");
        }

        args.Add($"--max_batch_size {Whole(c.Estimate.RunningSequencesPerGroup)}");
        args.Add("--max_num_tokens 8192");
        args.Add($"--max_seq_len {scenario.Workload.MaxContextTokens}");

        // The KV pool over the memory free after weights, activations and runtime (LaunchMemory); sets
        // kv_cache_config.free_gpu_memory_fraction.
        args.Add($"--kv_cache_free_gpu_memory_fraction {Num(c.Memory.TrtLlmFreeGpuMemoryFraction)}");
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

        if (c.Model.Quantize is { } quantize)
        {
            notes.Add($"trtllm-serve does not quantise on load: make a {quantize.FileName()} checkpoint first (NVIDIA TensorRT Model Optimizer) and give it as model_repo");
        }

        LaunchSettings.Common(scenario, s, notes);
        EngineLaunch launch = Make("trtllm", expressible, [args], notes, c.Model);
        return options.Count == 0 ? launch : launch with { Files = new Dictionary<string, string> { ["extra.yaml"] = string.Join('\n', options) + "\n" } };
    }
}
