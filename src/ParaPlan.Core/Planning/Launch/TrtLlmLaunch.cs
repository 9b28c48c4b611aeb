using System.Globalization;
using System.Text;
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
    /// <param name="c">The instance to launch.</param>
    /// <param name="pool">A disaggregated plan's pool (<see cref="DisaggregatedTrtLlm"/>): its server port, the name of
    /// its extra-options file and the options the pool adds; null for an aggregated instance.</param>
    public static EngineLaunch Build(LaunchContext c, TrtLlmPool? pool = null)
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

        var args = new List<string> { serve };
        if (pool is not null)
        {
            args.Add("--host 0.0.0.0");
            args.Add(string.Create(CultureInfo.InvariantCulture, $"--port {pool.Port}"));
        }

        args.Add($"--tp_size {stage}");
        args.Add($"--pp_size {s.PipelineParallel}");
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

        options.AddRange(pool?.Options ?? []);
        string file = pool?.File ?? "extra.yaml";
        if (options.Count > 0)
        {
            args.Add("--extra_llm_api_options " + file);
            notes.Add(file + ": " + string.Join("; ", options));
        }

        if (c.Model.Quantize is { } quantize)
        {
            notes.Add($"trtllm-serve does not quantise on load: make a {quantize.FileName()} checkpoint first (NVIDIA TensorRT Model Optimizer) and give it as model_repo");
        }

        LaunchSettings.Common(scenario, s, notes);
        EngineLaunch launch = Make("trtllm", expressible, [args], notes, c.Model);
        return options.Count == 0 ? launch : launch with { Files = new Dictionary<string, string> { [file] = string.Join('\n', options) + "\n" } };
    }
}

/// <summary>One pool of a disaggregated TensorRT-LLM plan: the port its servers listen on, its extra-options file and what that file adds.</summary>
/// <param name="Port">The port of each of the pool's servers (the router config's urls name it).</param>
/// <param name="File">The extra-options file (prefill-extra.yaml, decode-extra.yaml).</param>
/// <param name="Options">YAML lines the pool adds to the instance's options (cache_transceiver_config, ...).</param>
internal sealed record TrtLlmPool(int Port, string File, IReadOnlyList<string> Options);

/// <summary>
/// TensorRT-LLM's disaggregated serving (docs/disaggregation.md, "Launch"; data/engines/trtllm-args.json,
/// <c>disaggregated</c>): one <c>trtllm-serve MODEL</c> per context (prefill) and generation (decode) instance, each with
/// an extra-options file holding <c>cache_transceiver_config</c> (the context pool also
/// <c>disable_overlap_scheduler: true</c>, which the docs require of context servers), and the router
/// <c>trtllm-serve disaggregated -c disagg_config.yaml</c> whose context_servers / generation_servers list the instances.
/// </summary>
internal static class DisaggregatedTrtLlm
{
    /// <summary>The port of every context (prefill) server.</summary>
    public const int PrefillPort = 8001;

    /// <summary>The port of every generation (decode) server.</summary>
    public const int DecodePort = 8002;

    /// <summary>The port the router (trtllm-serve disaggregated) listens on.</summary>
    public const int RouterPort = 8000;

    /// <summary>
    /// The cache transceiver backend: NIXL, whose default transport is UCX, moves the KV cache GPU to GPU over RDMA
    /// (NVLink within a node): the transfer the cost model prices at the link's bandwidth (data/engines/kv-transfer.json),
    /// the same library vLLM's launch uses (NixlConnector). MPI would stage through the host; DEFAULT leaves the choice to the build.
    /// </summary>
    public const string Backend = "NIXL";

    /// <summary>The router's command (a flag of data/engines/trtllm-args.json <c>disaggregated.flags</c>).</summary>
    public const string RouterCommand = "trtllm-serve disaggregated -c disagg_config.yaml --server_start_timeout 3600";

    /// <param name="scenario">The scenario (the longest prompt sizes the transfer buffer).</param>
    /// <param name="strategy">The disaggregated strategy: instance counts and each pool's degrees.</param>
    /// <param name="prefill">The prefill pool's launch context.</param>
    /// <param name="decode">The decode pool's launch context.</param>
    public static (EngineLaunch Prefill, EngineLaunch Decode, string Config) Build(Scenario scenario, DisaggregatedStrategy strategy, LaunchContext prefill, LaunchContext decode)
    {
        // max_tokens_in_buffer: the docs recommend at least the longest input (docs/source/features/disagg-serving.md).
        string transceiver = string.Create(CultureInfo.InvariantCulture, $"cache_transceiver_config: {{backend: {Backend}, max_tokens_in_buffer: {scenario.Workload.InputTokens.Max}}}");
        EngineLaunch p = TrtLlmLaunch.Build(prefill, new TrtLlmPool(PrefillPort, "prefill-extra.yaml", ["disable_overlap_scheduler: true", transceiver]));
        EngineLaunch d = TrtLlmLaunch.Build(decode, new TrtLlmPool(DecodePort, "decode-extra.yaml", [transceiver]));
        var config = new StringBuilder()
            .AppendLine(string.Create(CultureInfo.InvariantCulture, $"# trtllm-serve disaggregated -c disagg_config.yaml: the router of {strategy.PrefillInstances} context and {strategy.DecodeInstances} generation servers."))
            .AppendLine("# Replace PREFILL_i / DECODE_j with each instance's first node; instances sharing a node need distinct ports.")
            .AppendLine("hostname: 0.0.0.0")
            .AppendLine(string.Create(CultureInfo.InvariantCulture, $"port: {RouterPort}"))
            .AppendLine("backend: pytorch");
        Servers("context_servers", "PREFILL", PrefillPort, strategy.PrefillInstances, strategy.Prefill);
        Servers("generation_servers", "DECODE", DecodePort, strategy.DecodeInstances, strategy.Decode);
        return (p, d, config.ToString());

        void Servers(string section, string host, int port, int instances, ParallelStrategy s)
        {
            // TensorRT-LLM's sizes: tensor_parallel_size is the stage's GPUs (with enable_attention_dp, the attention-DP
            // size), moe_expert_parallel_size the expert degree (as trtllm-serve's --tp_size / --ep_size of the instance).
            config.AppendLine(section + ":")
                .AppendLine(string.Create(CultureInfo.InvariantCulture, $"  num_instances: {instances}"))
                .AppendLine(string.Create(CultureInfo.InvariantCulture, $"  tensor_parallel_size: {s.GpusPerStage}"))
                .AppendLine(string.Create(CultureInfo.InvariantCulture, $"  pipeline_parallel_size: {s.PipelineParallel}"));
            if (scenario.Model.IsMoe)
            {
                config.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  moe_expert_parallel_size: {s.ExpertParallel}"));
            }

            config.AppendLine(s.DataParallel > 1 ? "  enable_attention_dp: true" : "  enable_attention_dp: false")
                .AppendLine("  urls:");
            for (int i = 0; i < instances; i++)
            {
                config.AppendLine(string.Create(CultureInfo.InvariantCulture, $"    - \"{host}_{i}:{port}\""));
            }
        }
    }
}
