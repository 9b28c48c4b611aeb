using System.Globalization;
using ParaPlan.Domain;
using ParaPlan.Input;

namespace ParaPlan.Catalog;

/// <summary>
/// Reads a scenario file (YAML or JSON, the same keys) as the interface contract describes it. Unknown keys are
/// errors with the closest known key suggested; every default applied is recorded in
/// <see cref="Scenario.Assumptions"/>; a declared parameter count the architecture does not produce is a warning.
/// The strategy is read as written: whether it is valid is for <see cref="StrategyRules"/> to say.
/// </summary>
public static class ScenarioReader
{
    /// <summary>Relative difference between declared and counted parameters beyond which a warning is given.</summary>
    public const double DeclaredParameterTolerance = 0.05;

    private static readonly string[] TopKeys =
        ["name", "description", "model", "model_repo", "hf_repo", "precision", "hardware", "engine", "parallel", "workload", "requirements", "objective", "claims"];

    private static readonly string[] PrecisionKeys = ["weights", "kv_cache", "activations", "attention", "experts", "dense", "embeddings"];
    private static readonly string[] HardwareKeys = ["gpu", "gpus", "gpus_per_node"];

    public static Scenario ReadFile(string path)
    {
        InputNode root = DocumentLoader.LoadFile(path);
        return Read(root, path, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    /// <summary>
    /// A scenario sent as text (the web API's request body): read like a file, except that it may not name files
    /// (a config.json path, a trace): a server reads none of its own files on a client's behalf.
    /// </summary>
    /// <param name="text">The scenario, YAML or JSON.</param>
    /// <param name="name">What the messages call it, e.g. "request body".</param>
    public static Scenario ReadText(string text, string name) => Read(DocumentLoader.Parse(text, name), name, null, allowFiles: false);

    /// <param name="root">The parsed document.</param>
    /// <param name="file">Its name in messages.</param>
    /// <param name="baseDirectory">Folder relative file references are taken from.</param>
    /// <param name="allowFiles">False to refuse file references (model config paths, traces) with a message.</param>
    public static Scenario Read(InputNode root, string file, string? baseDirectory, bool allowFiles = true)
    {
        var map = new MapReader(root, file);
        map.RejectUnknownKeys(TopKeys, "a scenario");
        var assumptions = new List<string>();
        var warnings = new List<string>();

        ResolvedModel model = ReadModel(map, baseDirectory, assumptions, allowFiles);
        string? modelRepo = ReadModelRepo(map);
        assumptions.AddRange(model.Notes);
        if (model.Architecture.Family is not "inline" && !HuggingFaceConfigReader.KnownModelTypes.Contains(model.Architecture.Family))
        {
            warnings.Add($"model: model_type '{model.Architecture.Family}' is not a known family; its conventions were guessed (see assumptions)");
        }

        CheckDeclaredParameters(model.Architecture, warnings);
        Precision precision = ReadPrecision(map, model.Architecture.CheckpointPrecision, assumptions);
        HardwareSpec hardware = ReadHardware(map, precision, assumptions);
        EngineKind engine = ReadEngine(map, assumptions);
        Workload workload = WorkloadReader.Read(map, baseDirectory, assumptions, allowFiles);
        ParallelStrategy? parallel = ScenarioSections.ReadParallel(map, workload);
        DisaggregatedStrategy? disaggregated = ScenarioSections.ReadDisaggregated(map, workload);
        Requirements requirements = ScenarioSections.ReadRequirements(map, assumptions);
        Objective objective = ReadObjective(map);
        IReadOnlyDictionary<string, double> claims = ScenarioSections.ReadClaims(map);

        return new Scenario
        {
            SourcePath = file,
            Name = map.String("name"),
            Description = map.String("description"),
            Model = model.Architecture,
            ModelSource = model.Source,
            ModelRepo = modelRepo,
            Checkpoints = model.CatalogEntry?.Checkpoints ?? [],
            Precision = precision,
            Hardware = hardware,
            Engine = engine,
            AnyEngine = IsAny(map),
            Parallel = parallel,
            Workload = workload,
            Disaggregated = disaggregated,
            Requirements = requirements,
            Objective = objective,
            Claims = claims,
            Assumptions = assumptions,
            Warnings = warnings,
        };
    }

    /// <summary>A warning when the declared parameter count is more than 5% away from the architecture's.</summary>
    public static void CheckDeclaredParameters(ModelArchitecture model, ICollection<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(warnings);
        if (model.DeclaredParameterDeviation is { } deviation && Math.Abs(deviation) > DeclaredParameterTolerance)
        {
            warnings.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"model.declared_parameters: the file declares {Billions(model.DeclaredParameters!.Value)} parameters but the architecture has {Billions(model.TotalParameters)} ({Gap(deviation)}); ParaPlan uses the architecture's {Billions(model.TotalParameters)}"));
        }
    }

    private static ResolvedModel ReadModel(MapReader map, string? baseDirectory, List<string> assumptions, bool allowFiles)
    {
        InputNode node = map.Get("model") ?? throw map.Missing("model", "a catalog id, the path of a Hugging Face config.json, or an inline map");
        return node switch
        {
            MapNode => new ResolvedModel(InlineModelReader.Read(map.Map("model")!, assumptions), "inline", null, []),
            ScalarNode { Text: { } text } => ModelResolver.Resolve(text, baseDirectory, map.File, "model", node.Line, assumptions, [map.File], allowFiles),
            _ => throw map.Fail("model", $"expected a catalog id, a config.json path or a map, found {node.Describe()}."),
        };
    }

    /// <summary>The repo id (or path) the engines should load, <c>model_repo</c> or its synonym <c>hf_repo</c>; null when not given.</summary>
    private static string? ReadModelRepo(MapReader map)
    {
        string? repo = map.String("model_repo");
        string? synonym = map.String("hf_repo");
        if (repo is not null && synonym is not null && !string.Equals(repo.Trim(), synonym.Trim(), StringComparison.Ordinal))
        {
            throw map.Fail("hf_repo", $"differs from model_repo '{repo}'; give one of them.");
        }

        string? text = (repo ?? synonym)?.Trim();
        if (text is { Length: 0 } || text?.Any(char.IsWhiteSpace) == true)
        {
            throw map.Fail(repo is null ? "hf_repo" : "model_repo", "expected a Hugging Face repo id such as Qwen/Qwen3-235B-A22B-FP8 or a local directory, without spaces.");
        }

        return text;
    }

    /// <param name="map">The scenario.</param>
    /// <param name="checkpoint">The model checkpoint's own formats per module (its quantization_config), if it states them.</param>
    /// <param name="assumptions">Receives each default applied.</param>
    private static Precision ReadPrecision(MapReader map, Precision? checkpoint, List<string> assumptions)
    {
        MapReader? precision = map.Map("precision");
        if (precision is null)
        {
            if (map.Has("precision"))
            {
                throw map.Fail("precision", "expected a map such as {weights: fp8, kv_cache: fp8}.");
            }

            if (checkpoint is not null)
            {
                assumptions.Add($"precision not given: the checkpoint's own (its quantization_config): weights {checkpoint.DescribeWeights()}, {checkpoint.KvCache.FileName()} KV cache");
                return checkpoint;
            }

            assumptions.Add("precision not given: bf16 weights and bf16 KV cache assumed");
            return new Precision(NumericFormat.Bf16, NumericFormat.Bf16, NumericFormat.Bf16);
        }

        precision.RejectUnknownKeys(PrecisionKeys, "precision");
        NumericFormat weights;
        Precision? modules = null;   // where the modules not stated take their format from, besides the weights
        if (ReadFormat(precision, "weights") is { } w)
        {
            weights = w;
        }
        else if (checkpoint is not null)
        {
            weights = checkpoint.Weights;
            modules = checkpoint;
            assumptions.Add($"precision.weights not given: the checkpoint's own (its quantization_config): {checkpoint.DescribeWeights()}");
        }
        else
        {
            weights = NumericFormat.Bf16;
            assumptions.Add("precision.weights not given: bf16 assumed");
        }

        NumericFormat kv;
        if (ReadFormat(precision, "kv_cache") is { } k)
        {
            kv = k;
        }
        else
        {
            kv = Precision.DefaultKvCache(weights);
            assumptions.Add(weights.BytesPerElement() <= 1.0
                ? $"precision.kv_cache not given: bf16 assumed (weights are {weights.FileName()}, 8-bit or less)"
                : $"precision.kv_cache not given: {kv.FileName()} assumed (the weights' type)");
        }

        NumericFormat activations = ReadFormat(precision, "activations") ?? Precision.DefaultActivations(weights);
        return new Precision(weights, activations, kv)
        {
            Attention = ReadFormat(precision, "attention") ?? modules?.Attention,
            Experts = ReadFormat(precision, "experts") ?? modules?.Experts,
            Dense = ReadFormat(precision, "dense") ?? modules?.Dense,
            Embeddings = ReadFormat(precision, "embeddings") ?? modules?.Embeddings,
        };
    }

    private static NumericFormat? ReadFormat(MapReader map, string key)
    {
        string? text = map.String(key);
        if (text is null)
        {
            return null;
        }

        if (!NumericFormats.TryParse(text, out NumericFormat format))
        {
            throw map.Fail(key, $"unknown precision '{text}'; use one of {string.Join(", ", NumericFormats.Names)}.");
        }

        return format;
    }

    private static HardwareSpec ReadHardware(MapReader map, Precision precision, List<string> assumptions)
    {
        MapReader hardware = map.Map("hardware") ?? throw map.Missing("hardware", "at least hardware.gpu");
        hardware.RejectUnknownKeys(HardwareKeys, "hardware");
        InputNode gpuNode = hardware.Get("gpu") ?? throw hardware.Missing("gpu", "a catalog id such as h100-sxm, or an inline map");
        GpuSpec gpu = gpuNode switch
        {
            MapNode => GpuReader.Read(hardware.Map("gpu")!, "inline-gpu", precision.Weights, assumptions),
            ScalarNode { Text: { } id } => GpuCatalog.BuiltIn.Get(id, map.File, hardware.PathOf("gpu"), gpuNode.Line),
            _ => throw hardware.Fail("gpu", $"expected a catalog id or a map, found {gpuNode.Describe()}."),
        };

        int? count = hardware.Integer("gpus", FieldLimits.Gpus);
        if (count is null)
        {
            assumptions.Add("hardware.gpus not given: GPUs are ample (no limit)");
        }

        int perNode;
        if (hardware.Integer("gpus_per_node", FieldLimits.GpusPerNode) is { } stated)
        {
            perNode = stated;
        }
        else
        {
            perNode = gpu.GpusPerNode;
            if (gpuNode is ScalarNode)
            {
                assumptions.Add(string.Create(CultureInfo.InvariantCulture, $"hardware.gpus_per_node not given: {perNode} from the {gpu.Id} catalog entry"));
            }
        }

        return new HardwareSpec(gpu, count, perNode);
    }

    private static bool IsAny(MapReader map) => string.Equals(map.String("engine")?.Trim(), "any", StringComparison.OrdinalIgnoreCase);

    private static EngineKind ReadEngine(MapReader map, List<string> assumptions)
    {
        string? text = map.String("engine");
        if (text is null)
        {
            assumptions.Add("engine not given: generic efficiency profile");
            return EngineKind.Generic;
        }

        if (IsAny(map))
        {
            assumptions.Add("engine any: plan searches vLLM, SGLang and TensorRT-LLM and names the best; check and estimate use the generic profile");
            return EngineKind.Generic;
        }

        return text.Trim().ToLowerInvariant() switch
        {
            "generic" => EngineKind.Generic,
            "vllm" => EngineKind.Vllm,
            "sglang" => EngineKind.Sglang,
            "trtllm" or "tensorrt-llm" or "tensorrt_llm" => EngineKind.Trtllm,
            _ => throw map.Fail("engine", $"unknown engine '{text}'{CloseMatches.Suggestion(text, ["generic", "vllm", "sglang", "trtllm", "any"])} Use generic, vllm, sglang, trtllm or any."),
        };
    }

    private static Objective ReadObjective(MapReader map)
    {
        string? text = map.String("objective");
        return text?.Trim().ToLowerInvariant() switch
        {
            null or "throughput" => Objective.Throughput,
            "latency" => Objective.Latency,
            "gpus" => Objective.Gpus,
            _ => throw map.Fail("objective", $"unknown objective '{text}'{CloseMatches.Suggestion(text, ["throughput", "latency", "gpus"])} Use throughput, latency or gpus."),
        };
    }

    private static string Gap(double deviation) => Math.Abs(deviation) >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"the declared figure is {1 + deviation:0.0}x the counted one")
        : string.Create(CultureInfo.InvariantCulture, $"{deviation:+0.#%;-0.#%} off");

    private static string Billions(double parameters) =>
        (parameters / 1e9).ToString(parameters >= 10e9 ? "0.0" : "0.00", CultureInfo.InvariantCulture) + " B";
}
