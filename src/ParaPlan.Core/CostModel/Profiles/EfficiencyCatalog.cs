using System.Globalization;
using ParaPlan.Catalog;
using ParaPlan.Domain;
using ParaPlan.Input;

namespace ParaPlan.CostModel.Profiles;

/// <summary>
/// The efficiency profiles of data/efficiency/profiles.json. A profile for (engine, GPU) overlays, in order,
/// generic/*, generic/architecture, generic/GPU, engine/*, engine/architecture, engine/GPU (the architecture is the
/// GPU catalog's, lower case: "hopper", "ampere"); an inline GPU's <c>mfu</c> and <c>bandwidth_utilization</c> then
/// replace the compute and bandwidth fractions.
/// </summary>
public sealed class EfficiencyCatalog : IProfileSource
{
    private const string Prefix = "ParaPlan.Data.Efficiency.";
    private const string FileName = "profiles.json";
    private const string FilePath = "data/efficiency/" + FileName;
    private static readonly Lazy<EfficiencyCatalog> Lazy = new(() => Parse(EmbeddedData.ReadText(Prefix, FileName), FilePath));

    private static readonly string[] ValueKeys =
    [
        "gemm_compute_efficiency", "gemm_8bit_compute_efficiency", "gemm_4bit_compute_efficiency", "gemm_half_efficiency_tokens",
        "gemm_half_efficiency_depth", "memory_bandwidth_efficiency", "kernel_launch_us", "moe_gemm_compute_efficiency", "moe_gemm_half_efficiency_tokens",
        "moe_memory_bandwidth_efficiency", "moe_kernel_us", "expert_overhead_us", "attention_compute_efficiency",
        "attention_half_efficiency_tokens", "attention_kv_bandwidth_efficiency", "intra_node_link_efficiency", "inter_node_link_efficiency",
        "collective_overhead_us", "inter_node_collective_us", "step_overhead_ms", "layer_overhead_us", "moe_layer_overhead_us", "sequence_overhead_us", "request_overhead_ms",
        "max_batched_tokens", "max_running_sequences", "runtime_reserve_gb", "prefill_first", "moe_communication_overlap", "moe_overlap_efficiency", "cpu_step_overlap", "api_server_request_ms", "api_server_token_us",
        "kv_reserve_initial", "kv_reserve_floor", "kv_reserve_decay_steps",
    ];

    /// <summary>Values that may be 0 besides the overheads: switches, half-efficiency points and KV reservations.</summary>
    private static readonly HashSet<string> ZeroAllowedKeys = new(StringComparer.Ordinal)
    {
        "prefill_first", "moe_communication_overlap", "cpu_step_overlap", "kv_reserve_initial", "kv_reserve_floor", "kv_reserve_decay_steps", "gemm_half_efficiency_tokens", "gemm_half_efficiency_depth",
        "moe_gemm_half_efficiency_tokens", "attention_half_efficiency_tokens", "kernel_launch_us", "moe_kernel_us", "inter_node_collective_us",
    };

    /// <summary>Values that are fractions of a peak (or of a remaining output): at most 1.</summary>
    private static readonly HashSet<string> FractionKeys = new(StringComparer.Ordinal)
    {
        "gemm_compute_efficiency", "gemm_8bit_compute_efficiency", "gemm_4bit_compute_efficiency", "memory_bandwidth_efficiency",
        "moe_gemm_compute_efficiency", "moe_memory_bandwidth_efficiency", "attention_compute_efficiency", "attention_kv_bandwidth_efficiency",
        "intra_node_link_efficiency", "inter_node_link_efficiency", "kv_reserve_initial", "kv_reserve_floor", "moe_overlap_efficiency",
    };

    /// <summary>The profile's on/off switches (0 or 1), each with what its two values mean.</summary>
    private static readonly Dictionary<string, string> Switches = new(StringComparer.Ordinal)
    {
        ["prefill_first"] = "must be 0 (decode and prompt chunks share a step) or 1 (new prompts run alone).",
        ["moe_communication_overlap"] = "must be 0 (the MoE all-to-all adds to compute) or 1 (two-batch overlap hides it behind compute).",
        ["cpu_step_overlap"] = "must be 0 (the step's CPU work adds to its GPU time) or 1 (an overlap scheduler runs it while the GPU runs the previous step).",
    };

    /// <summary>Largest value of a profile (docs/scenario-format.md, "Limits").</summary>
    public const double MaxValue = 10_000_000;

    /// <summary>Smallest efficiency (a fraction of a peak) of a profile: at a tiny fraction every time would be near infinite.</summary>
    public const double MinEfficiency = 0.001;

    private static readonly string[] EngineNames = [.. Enum.GetNames<EngineKind>().Select(n => n.ToLowerInvariant())];

    private readonly List<Entry> _entries;
    private readonly IReadOnlyList<(string Name, List<Entry> Entries)> _overlays;

    private EfficiencyCatalog(List<Entry> entries, IReadOnlyList<(string Name, List<Entry> Entries)>? overlays = null)
    {
        _entries = entries;
        _overlays = overlays ?? [];
    }

    public static EfficiencyCatalog BuiltIn => Lazy.Value;

    /// <summary>Reads a profiles file (the built-in one, or another for tests and fitting).</summary>
    public static EfficiencyCatalog Parse(string text, string file)
    {
        List<Entry> entries = ReadEntries(text, file, out MapReader root);
        if (!entries.Any(e => e.Engine == "generic" && e.Gpu == "*"))
        {
            throw root.Fail("profiles", "a generic/* profile with every value is required.");
        }

        EfficiencyCatalog catalog = new(entries);
        _ = catalog.Resolve(EngineKind.Generic, "*", new GpuEfficiency(null, null)); // every key present
        return catalog;
    }

    /// <summary>
    /// This catalog with a user's profiles file laid over it (<c>--profiles FILE</c>, e.g. what <c>paraplan
    /// calibrate</c> wrote): its entries, in the same order of levels, replace the values they give, and every other
    /// value stays the built-in one. The file need not give every value.
    /// </summary>
    public EfficiencyCatalog WithOverlay(string text, string file)
    {
        List<Entry> entries = ReadEntries(text, file, out _);
        EfficiencyCatalog layered = new(_entries, [.. _overlays, (Path.GetFileName(file), entries)]);
        _ = layered.Resolve(EngineKind.Generic, "*", new GpuEfficiency(null, null)); // fractions still fractions
        return layered;
    }

    private static List<Entry> ReadEntries(string text, string file, out MapReader root)
    {
        root = new MapReader(DocumentLoader.Parse(text, file), file);
        var entries = new List<Entry>();
        if (root.Get("profiles") is not ListNode list)
        {
            throw root.Missing("profiles", "a list of profiles");
        }

        foreach (InputNode node in list.Items)
        {
            var entry = new MapReader(node, file);
            entry.RejectUnknownKeys(["engine", "gpu", "fitted", "origin", "values", "sources", "notes"], "an efficiency profile");
            bool fitted = entry.Bool("fitted") ?? false;
            string engine = entry.RequiredString("engine").Trim().ToLowerInvariant();
            if (!EngineNames.Contains(engine, StringComparer.Ordinal))
            {
                throw entry.Fail("engine", $"unknown engine '{engine}'; known: {string.Join(", ", EngineNames)}.");
            }

            string gpu = entry.RequiredString("gpu").Trim().ToLowerInvariant();
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            var sources = new Dictionary<string, string>(StringComparer.Ordinal);
            if (entry.Map("values") is { } valueMap)
            {
                valueMap.RejectUnknownKeys(ValueKeys, "profile values");
                foreach (string key in valueMap.Keys)
                {
                    double value = valueMap.Number(key) ?? throw valueMap.Missing(key);
                    if (value < 0 || (value == 0 && !MayBeZero(key)))
                    {
                        throw valueMap.Fail(key, "must be above 0 (overheads may be 0).");
                    }

                    if (FractionKeys.Contains(key) && value > 1)
                    {
                        throw valueMap.Fail(key, string.Create(CultureInfo.InvariantCulture, $"must be a fraction of at most 1; got {value}."));
                    }

                    if (FractionKeys.Contains(key) && !ZeroAllowedKeys.Contains(key) && value < MinEfficiency)
                    {
                        throw valueMap.Fail(key, string.Create(CultureInfo.InvariantCulture, $"must be a fraction of at least {MinEfficiency}; got {value}."));
                    }

                    if (value > MaxValue)
                    {
                        throw valueMap.Fail(key, string.Create(CultureInfo.InvariantCulture, $"{valueMap.Get(key) switch { ScalarNode { Text: { } written } => written.Trim(), _ => value.ToString(CultureInfo.InvariantCulture) }} is more than {MaxValue:#,0}, the most ParaPlan accepts (no overhead, size or count of an engine is that large)."));
                    }

                    if (Switches.TryGetValue(key, out string? meaning) && value is not (0 or 1))
                    {
                        throw valueMap.Fail(key, meaning);
                    }

                    values[key] = value;
                }
            }

            if (entry.Map("sources") is { } sourceMap)
            {
                foreach (string key in sourceMap.Keys)
                {
                    sources[key] = sourceMap.String(key) ?? string.Empty;
                }
            }

            foreach (string key in values.Keys)
            {
                if (!sources.ContainsKey(key))
                {
                    throw entry.Fail("sources", $"the value '{key}' of profile {engine}/{gpu} has no source.");
                }
            }

            entries.Add(new Entry(engine, gpu, fitted, values, sources, entry.String("origin") ?? string.Empty));
        }

        return entries;
    }

    /// <summary>The profile for an engine on a GPU, with the GPU's own stated efficiency applied.</summary>
    public EfficiencyProfile Resolve(EngineKind engine, GpuSpec gpu)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        return Resolve(engine, gpu.Id, gpu.Efficiency, architecture: gpu.Architecture);
    }

    /// <summary>The profile without the values fitted to the measurements: where a fit starts.</summary>
    public EfficiencyProfile ResolveUnfitted(EngineKind engine, GpuSpec gpu)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        return Resolve(engine, gpu.Id, gpu.Efficiency, includeFitted: false, architecture: gpu.Architecture);
    }

    /// <param name="engine">The engine.</param>
    /// <param name="gpuId">The GPU's catalog id.</param>
    /// <param name="stated">Efficiency the scenario states for the GPU.</param>
    /// <param name="includeFitted">False to leave out values fitted to the measurements (a fit starts from the rest).</param>
    /// <param name="architecture">The GPU's architecture (Hopper, Ampere...), whose profiles sit between "*" and the GPU's own.</param>
    public EfficiencyProfile Resolve(EngineKind engine, string gpuId, GpuEfficiency stated, bool includeFitted = true, string? architecture = null)
    {
        ArgumentNullException.ThrowIfNull(stated);
        string engineName = engine.ToString().ToLowerInvariant();
        string gpu = gpuId.ToLowerInvariant();
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        var used = new List<string>();
        string arch = ArchitectureKey(architecture) ?? "*";
        var order = new[] { ("generic", "*"), ("generic", arch), ("generic", gpu), (engineName, "*"), (engineName, arch), (engineName, gpu) }.Distinct().ToList();
        var layers = order.Select(key => (key, fitted: false))
            .Concat(includeFitted ? order.Select(key => (key, fitted: true)) : []).ToList();
        foreach ((string name, List<Entry> entries) in _overlays.Prepend((string.Empty, _entries)))
        {
            foreach (((string e, string g), bool fitted) in layers)
            {
                // Every entry of this level, in file order (a kernel fit's entry beside a hand-written one).
                foreach (Entry entry in entries.Where(x => x.Engine == e && x.Gpu == g && x.Fitted == fitted))
                {
                    string label = (name.Length > 0 ? $"{name}: " : string.Empty) + $"{e}/{g}";
                    used.Add(fitted ? $"{label} (fitted)" : entry.Origin.Length > 0 ? $"{label} ({entry.Origin})" : label);
                    foreach ((string key, double value) in entry.Values)
                    {
                        values[key] = value;
                        sources[key] = $"{label}: {entry.Sources[key]}";
                    }
                }
            }
        }

        if (stated.ComputeUtilization is { } mfu)
        {
            foreach (string key in (string[])["gemm_compute_efficiency", "gemm_8bit_compute_efficiency", "gemm_4bit_compute_efficiency", "moe_gemm_compute_efficiency", "attention_compute_efficiency"])
            {
                values[key] = mfu;
                sources[key] = "stated by the scenario (hardware.gpu.mfu)";
            }

            used.Add("mfu stated");
        }

        if (stated.BandwidthUtilization is { } bw)
        {
            foreach (string key in (string[])["memory_bandwidth_efficiency", "moe_memory_bandwidth_efficiency", "attention_kv_bandwidth_efficiency"])
            {
                values[key] = bw;
                sources[key] = "stated by the scenario (hardware.gpu.bandwidth_utilization)";
            }

            used.Add("bandwidth stated");
        }

        foreach (string key in ValueKeys)
        {
            if (!values.ContainsKey(key))
            {
                throw new InputException(FilePath, "profiles", $"no profile gives '{key}' for {engineName}/{gpu}.");
            }
        }

        return new EfficiencyProfile
        {
            GemmComputeEfficiency = Fraction(values, "gemm_compute_efficiency"),
            Gemm8BitComputeEfficiency = Fraction(values, "gemm_8bit_compute_efficiency"),
            Gemm4BitComputeEfficiency = Fraction(values, "gemm_4bit_compute_efficiency"),
            GemmHalfEfficiencyTokens = values["gemm_half_efficiency_tokens"],
            GemmHalfEfficiencyDepth = values["gemm_half_efficiency_depth"],
            MemoryBandwidthEfficiency = Fraction(values, "memory_bandwidth_efficiency"),
            KernelLaunchUs = values["kernel_launch_us"],
            MoeGemmComputeEfficiency = Fraction(values, "moe_gemm_compute_efficiency"),
            MoeGemmHalfEfficiencyTokens = values["moe_gemm_half_efficiency_tokens"],
            MoeMemoryBandwidthEfficiency = Fraction(values, "moe_memory_bandwidth_efficiency"),
            MoeKernelUs = values["moe_kernel_us"],
            ExpertOverheadUs = values["expert_overhead_us"],
            AttentionComputeEfficiency = Fraction(values, "attention_compute_efficiency"),
            AttentionHalfEfficiencyTokens = values["attention_half_efficiency_tokens"],
            AttentionKvBandwidthEfficiency = Fraction(values, "attention_kv_bandwidth_efficiency"),
            IntraNodeLinkEfficiency = Fraction(values, "intra_node_link_efficiency"),
            InterNodeLinkEfficiency = Fraction(values, "inter_node_link_efficiency"),
            CollectiveOverheadUs = values["collective_overhead_us"],
            InterNodeCollectiveUs = values["inter_node_collective_us"],
            StepOverheadMs = values["step_overhead_ms"],
            LayerOverheadUs = values["layer_overhead_us"],
            MoeLayerOverheadUs = values["moe_layer_overhead_us"],
            SequenceOverheadUs = values["sequence_overhead_us"],
            RequestOverheadMs = values["request_overhead_ms"],
            MaxBatchedTokens = (int)values["max_batched_tokens"],
            MaxRunningSequences = (int)values["max_running_sequences"],
            RuntimeReserveGb = values["runtime_reserve_gb"],
            PrefillFirst = Switch(values, "prefill_first"),
            MoeCommunicationOverlap = Switch(values, "moe_communication_overlap"),
            MoeOverlapEfficiency = Fraction(values, "moe_overlap_efficiency"),
            CpuStepOverlap = Switch(values, "cpu_step_overlap"),
            ApiServerTokenUs = values["api_server_token_us"],
            ApiServerRequestMs = values["api_server_request_ms"],
            KvReserveInitial = Fraction(values, "kv_reserve_initial"),
            KvReserveFloor = Fraction(values, "kv_reserve_floor"),
            KvReserveDecaySteps = values["kv_reserve_decay_steps"],
            Sources = sources,
            Name = string.Join(" + ", used),
        };
    }

    /// <summary>How a profile names a GPU architecture: the catalog's name in lower case ("CDNA 3" -> "cdna 3").</summary>
    public static string? ArchitectureKey(string? architecture) =>
        string.IsNullOrWhiteSpace(architecture) ? null : architecture.Trim().ToLowerInvariant();

    private static bool MayBeZero(string key) =>
        key.EndsWith("overhead_us", StringComparison.Ordinal) || key.EndsWith("overhead_ms", StringComparison.Ordinal) || ZeroAllowedKeys.Contains(key);

    private static bool Switch(Dictionary<string, double> values, string key) => values[key] switch
    {
        0 => false,
        1 => true,
        _ => throw new InputException(FilePath, key, Switches[key]),
    };

    private static double Fraction(Dictionary<string, double> values, string key)
    {
        double value = values[key];
        if (value > 1)
        {
            throw new InputException(FilePath, key, string.Create(CultureInfo.InvariantCulture, $"must be a fraction of at most 1; got {value}."));
        }

        return value;
    }

    private sealed record Entry(string Engine, string Gpu, bool Fitted, Dictionary<string, double> Values, Dictionary<string, string> Sources, string Origin);
}
