using System.Globalization;
using ParaPlan.CostModel;
using ParaPlan.Domain;

namespace ParaPlan.Planning;

/// <summary>
/// How to launch one model instance of a plan with one engine, or why the engine cannot express it.
/// <see cref="Commands"/> holds one command per node of the instance (a single one when the instance fits a node, or
/// when one launcher such as mpirun starts every node); <see cref="Command"/> is all of them, each under a comment
/// line naming its node when there are several.
/// </summary>
public sealed record EngineLaunch(string Engine, bool Expressible, string Command, IReadOnlyList<string> Notes)
{
    /// <summary>What the engine loads: a Hugging Face repo id, a local directory, or a placeholder to replace.</summary>
    public string Model { get; init; } = string.Empty;

    /// <summary>One command per node (node rank order); the first runs on the node whose address the others are given.</summary>
    public IReadOnlyList<string> Commands { get; init; } = [];

    /// <summary>Files the commands read, by name (TensorRT-LLM's extra.yaml), with their text.</summary>
    public IReadOnlyDictionary<string, string> Files { get; init; } = new Dictionary<string, string>();

    /// <summary>A disaggregated plan: one prefill instance's commands (one per node); null otherwise.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? PrefillCommands { get; init; }

    /// <summary>A disaggregated plan: one decode instance's commands (one per node); null otherwise.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? DecodeCommands { get; init; }
}

/// <summary>
/// Launch settings for vLLM, SGLang and TensorRT-LLM (trtllm-serve) for a strategy, with the engines' own flag names
/// (docs/research/engine-defaults.md) and a plain statement of what an engine cannot express.
/// </summary>
public static class LaunchSettings
{
    /// <summary>Placeholder for the address of an instance's first node, which the user replaces.</summary>
    public const string LeaderHost = "NODE0_ADDR";

    /// <param name="scenario">The scenario (model reference, precision, hardware, workload).</param>
    /// <param name="strategy">The plan's strategy.</param>
    /// <param name="estimate">The plan's estimate: sequences per group and memory of the busiest GPU.</param>
    /// <param name="modelName">Kept for callers; the model the engines load comes from <see cref="ModelReference.Of"/>.</param>
    public static IReadOnlyList<EngineLaunch> For(Scenario scenario, ParallelStrategy strategy, EstimateResult estimate, string? modelName = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(estimate);
        ModelReference model = ModelReference.Of(scenario);
        LaunchMemory memory = LaunchMemory.Of(estimate.MemoryPerGpuGb);
        var context = new LaunchContext(scenario, strategy, estimate, model, memory);
        return [VllmLaunch.Build(context), SglangLaunch.Build(context), TrtLlmLaunch.Build(context)];
    }

    /// <summary>A disaggregated plan's launches (<see cref="DisaggregatedLaunch"/>).</summary>
    public static IReadOnlyList<EngineLaunch> ForDisaggregated(Scenario scenario, DisaggregatedStrategy strategy, EstimateResult estimate) =>
        DisaggregatedLaunch.Build(scenario, strategy, estimate);

    /// <summary>
    /// Whether <paramref name="engine"/> can run the plan's strategy, by the same rules the search applies
    /// (<see cref="EngineCapabilities"/>, data/engines/capabilities.json); each rule broken becomes a note.
    /// </summary>
    internal static bool Expressible(LaunchContext c, EngineKind engine, List<string> notes)
    {
        IReadOnlyList<StrategyViolation> unsupported = EngineCapabilities.Check(c.Strategy, c.Scenario.Model, engine);
        notes.AddRange(unsupported.Select(v => v.ToString()));
        return unsupported.Count == 0;
    }

    /// <summary>
    /// When the checkpoint is 16-bit and the plan FP8, vLLM and SGLang quantise on load (<c>--quantization fp8</c>);
    /// other formats need a pre-quantised checkpoint, which a note asks for.
    /// </summary>
    internal static void QuantizeOnLoad(LaunchContext c, List<string> args, List<string> notes, string engine, string how)
    {
        if (c.Model.Quantize is not { } quantize)
        {
            return;
        }

        if (quantize == NumericFormat.Fp8)
        {
            args.Add("--quantization fp8");
            notes.Add($"quantise to FP8 on load: --quantization fp8 ({how})");
        }
        else
        {
            notes.Add($"{engine} cannot quantise to {quantize.FileName()} on load: give a pre-quantised checkpoint as model_repo");
        }
    }

    /// <summary>Nodes one instance spans: its GPUs over the GPUs of a node, rounded up.</summary>
    internal static int Nodes(Scenario scenario, ParallelStrategy s)
    {
        int perNode = Math.Max(1, scenario.Hardware.GpusPerNode);
        return (int)((s.GpusPerInstance + perNode - 1) / perNode);
    }

    /// <summary>The launch of one engine from its per-node commands (each a list of arguments, joined with line continuations).</summary>
    internal static EngineLaunch Make(string engine, bool expressible, IReadOnlyList<IReadOnlyList<string>> nodes, List<string> notes, ModelReference model)
    {
        var commands = nodes.Select(args => string.Join(" \\\n  ", args)).ToList();
        string command = commands.Count == 1
            ? commands[0]
            : string.Join("\n\n", commands.Select((c, i) => $"# node {i} of {commands.Count}{(i == 0 ? $" ({LeaderHost})" : string.Empty)}\n{c}"));
        return new EngineLaunch(engine, expressible, command, [.. model.Notes, .. notes]) { Model = model.Name, Commands = commands };
    }

    internal static void Common(Scenario scenario, ParallelStrategy s, List<string> notes)
    {
        int nodes = Nodes(scenario, s);
        if (nodes > 1)
        {
            notes.Add($"one instance spans {nodes} nodes ({s.GpusPerInstance} GPUs, {scenario.Hardware.GpusPerNode} per node): replace {LeaderHost} with the address of node 0, reachable from the other nodes");
        }

        if (s.Replicas > 1)
        {
            notes.Add($"run {s.Replicas} such instances ({s.GpusPerInstance} GPUs each) behind a load balancer");
        }
    }

    internal static string Whole(double value) => Math.Max(1, Math.Ceiling(value)).ToString(CultureInfo.InvariantCulture);

    internal static string Num(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}

/// <summary>What every engine's launch is built from.</summary>
internal sealed record LaunchContext(Scenario Scenario, ParallelStrategy Strategy, EstimateResult Estimate, ModelReference Model, LaunchMemory Memory);

/// <summary>
/// Launch settings of a prefill/decode disaggregated plan (docs/disaggregation.md, "Launch"): each pool's instance
/// launched as an aggregated one, with the engine's disaggregation flags (SGLang <c>--disaggregation-mode</c> and its
/// transfer backend; vLLM's NixlConnector through <c>--kv-transfer-config</c>; TensorRT-LLM's cache_transceiver_config
/// in each pool's extra-options file), and the router that sends each request to a prefill and a decode instance.
/// </summary>
public static class DisaggregatedLaunch
{
    internal const string NixlConfig = "'{\"kv_connector\":\"NixlConnector\",\"kv_role\":\"kv_both\"}'";

    public static IReadOnlyList<EngineLaunch> Build(Scenario scenario, DisaggregatedStrategy strategy, EstimateResult estimate)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(estimate);
        ModelReference model = ModelReference.Of(scenario);
        LaunchMemory prefillMemory = LaunchMemory.Of(estimate.Disaggregation!.Prefill.Memory);
        LaunchMemory decodeMemory = LaunchMemory.Of(estimate.Disaggregation!.Decode.Memory);
        // Each pool's engine runs its own batch: a decode DP group the sequences the decode pool holds over its groups,
        // a prefill DP group the prompts of one step's token budget (8,192, the launches' chunk) at the mean prompt.
        double decodePerGroup = Math.Ceiling(estimate.Disaggregation.DecodeSequences / (strategy.DecodeInstances * (double)strategy.Decode.DataParallel));
        double prefillPerGroup = Math.Max(1, Math.Ceiling(8192 / Math.Max(1, scenario.Workload.InputTokens.Mean)));
        var prefill = new LaunchContext(scenario, strategy.PrefillPool, estimate with { RunningSequencesPerGroup = prefillPerGroup }, model, prefillMemory);
        var decode = new LaunchContext(scenario, strategy.DecodePool, estimate with { RunningSequencesPerGroup = Math.Max(1, decodePerGroup) }, model, decodeMemory);
        return
        [
            Pair("vllm", VllmLaunch.Build(prefill), VllmLaunch.Build(decode), ["--kv-transfer-config " + NixlConfig], ["--kv-transfer-config " + NixlConfig], strategy,
                "route with vLLM's P/D proxy (tests/v1/kv_connector/nixl_integration/toy_proxy_server.py --prefiller-hosts ... --prefiller-ports ... --decoder-hosts ... --decoder-ports ..., a test tool) or NVIDIA Dynamo (python3 -m dynamo.vllm --is-prefill-worker on the prefill instances); NixlConnector's decode side pulls each request's KV after its prefill (VLLM_NIXL_SIDE_CHANNEL_PORT, default 5600)"),
            Pair("sglang", SglangLaunch.Build(prefill), SglangLaunch.Build(decode), ["--disaggregation-mode prefill", "--disaggregation-transfer-backend mooncake"], ["--disaggregation-mode decode", "--disaggregation-transfer-backend mooncake"], strategy,
                "route with the SGLang router: python -m sglang_router.launch_router --pd-disaggregation --prefill http://PREFILL_i:30000 (once per prefill instance) --decode http://DECODE_j:30000 (once per decode instance) --host 0.0.0.0 --port 8000 (docs/advanced_features/pd_disaggregation.md); give --disaggregation-ib-device for the RDMA NIC (e.g. mlx5_0)"),
            TrtLlm(scenario, strategy, prefill, decode),
        ];
    }

    /// <summary>
    /// TensorRT-LLM (<see cref="DisaggregatedTrtLlm"/>): the context and generation servers, each with its pool's
    /// extra-options file, and the router <c>trtllm-serve disaggregated -c disagg_config.yaml</c>, whose command is in
    /// <see cref="EngineLaunch.Command"/> and a note, not in <see cref="EngineLaunch.Commands"/> (it is not a <c>trtllm-serve MODEL</c> command).
    /// </summary>
    private static EngineLaunch TrtLlm(Scenario scenario, DisaggregatedStrategy strategy, LaunchContext prefill, LaunchContext decode)
    {
        (EngineLaunch p, EngineLaunch d, string config) = DisaggregatedTrtLlm.Build(scenario, strategy, prefill, decode);
        EngineLaunch pair = Pair("trtllm", p, d, [], [], strategy, string.Create(
            CultureInfo.InvariantCulture,
            $"route with {DisaggregatedTrtLlm.RouterCommand} (port {DisaggregatedTrtLlm.RouterPort}; disagg_config.yaml lists the context servers PREFILL_i:{DisaggregatedTrtLlm.PrefillPort} and generation servers DECODE_j:{DisaggregatedTrtLlm.DecodePort}: replace the host names); KV cache over cache_transceiver_config backend {DisaggregatedTrtLlm.Backend} (RDMA through UCX; TRTLLM_NIXL_KVCACHE_BACKEND=LIBFABRIC on AWS EFA); context servers run with disable_overlap_scheduler: true"));
        var files = new Dictionary<string, string>(StringComparer.Ordinal) { ["disagg_config.yaml"] = config };
        foreach ((string name, string text) in p.Files.Concat(d.Files))
        {
            files[name] = text;
        }

        return pair with
        {
            Command = pair.Command + $"\n\n# router (disagg_config.yaml)\n{DisaggregatedTrtLlm.RouterCommand}",
            Files = files,
        };
    }

    private static EngineLaunch Pair(string engine, EngineLaunch prefill, EngineLaunch decode, IReadOnlyList<string> prefillFlags, IReadOnlyList<string> decodeFlags, DisaggregatedStrategy strategy, string router)
    {
        static IReadOnlyList<string> With(EngineLaunch launch, IReadOnlyList<string> flags) =>
            [.. launch.Commands.Select(c => c + string.Concat(flags.Select(f => " \\\n  " + f)))];
        IReadOnlyList<string> prefillCommands = With(prefill, prefillFlags);
        IReadOnlyList<string> decodeCommands = With(decode, decodeFlags);
        string command = $"# prefill instance (run {strategy.PrefillInstances} of them)\n{string.Join("\n\n", prefillCommands)}\n\n# decode instance (run {strategy.DecodeInstances} of them)\n{string.Join("\n\n", decodeCommands)}";
        var notes = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"disaggregated {strategy.PrefillInstances}P{strategy.DecodeInstances}D: {strategy.PrefillInstances} prefill instance(s) of {strategy.Prefill.GpusPerInstance} GPUs and {strategy.DecodeInstances} decode instance(s) of {strategy.Decode.GpusPerInstance} GPUs"),
            router,
        };
        notes.AddRange(prefill.Notes.Select(n => "prefill: " + n));
        notes.AddRange(decode.Notes.Select(n => "decode: " + n));
        return new EngineLaunch(engine, prefill.Expressible && decode.Expressible, command, notes)
        {
            Model = prefill.Model,
            Commands = [.. prefillCommands, .. decodeCommands],
            PrefillCommands = prefillCommands,
            DecodeCommands = decodeCommands,
        };
    }
}
