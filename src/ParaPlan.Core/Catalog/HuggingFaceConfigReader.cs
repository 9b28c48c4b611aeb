using System.Globalization;
using ParaPlan.Domain;
using ParaPlan.Input;

namespace ParaPlan.Catalog;

/// <summary>
/// Maps a Hugging Face <c>config.json</c> into a <see cref="ModelArchitecture"/>, with each family's conventions:
/// Mixtral's <c>intermediate_size</c> is the expert width; DeepSeek's <c>first_k_dense_replace</c>,
/// <c>n_shared_experts</c> and MLA ranks; Qwen-MoE's <c>mlp_only_layers</c> and <c>decoder_sparse_step</c>;
/// gpt-oss's experts (<c>num_local_experts</c>, <c>intermediate_size</c> as their width), biases and attention
/// sinks. Every family: <c>layer_types</c> with <c>sliding_window</c> (each layer's attention window), and the
/// checkpoint's precision per module from <c>quantization_config</c>. Unknown extra fields are ignored; missing
/// required ones are errors naming the field.
/// </summary>
public static class HuggingFaceConfigReader
{
    /// <summary>The model types read with their own conventions.</summary>
    public static IReadOnlyList<string> KnownModelTypes { get; } =
        ["llama", "mistral", "mixtral", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "deepseek_v2", "deepseek_v3", "kimi_k2", "gpt_oss"];

    /// <summary>Whether a parsed document looks like a Hugging Face config (it has <c>model_type</c> or <c>architectures</c>).</summary>
    public static bool LooksLikeConfig(InputNode node) =>
        node is MapNode map && map.Entries.Any(e => e.Key is "model_type" or "architectures");

    public static ModelArchitecture ReadFile(string path, string? displayName, ICollection<string> assumptions, ICollection<string> notes)
    {
        InputNode node = DocumentLoader.LoadFile(path);
        return Read(node, path, displayName, assumptions, notes);
    }

    /// <param name="node">The parsed config.</param>
    /// <param name="file">File name for messages.</param>
    /// <param name="displayName">Name to give the model; null to take it from the config.</param>
    /// <param name="assumptions">Receives each default applied.</param>
    /// <param name="notes">Receives remarks on how the config was read (unknown type, MTP layers left out).</param>
    public static ModelArchitecture Read(InputNode node, string file, string? displayName, ICollection<string> assumptions, ICollection<string> notes)
    {
        ArgumentNullException.ThrowIfNull(notes);
        var map = new MapReader(node, file);
        if (map.Get("text_config") is MapNode && !map.Has("num_hidden_layers"))
        {
            map = new MapReader(map.Get("text_config")!, file);
        }

        string modelType = (map.String("model_type") ?? string.Empty).Trim().ToLowerInvariant();
        string family = Family(map, modelType, notes);
        string name = displayName ?? NameOf(map, file);

        Dictionary<string, string> keys = ModelFields.KeyNames();

        int layers = map.RequiredInteger("num_hidden_layers", FieldLimits.Layers);
        int hidden = map.RequiredInteger("hidden_size", FieldLimits.HiddenSize);
        int heads = map.RequiredInteger("num_attention_heads", FieldLimits.AttentionHeads);
        int? kvHeads = map.Integer("num_key_value_heads", FieldLimits.AttentionHeads);
        int? headDim = map.Integer("head_dim", FieldLimits.HeadDim);
        int vocab = map.RequiredInteger("vocab_size", FieldLimits.Vocabulary);
        bool tied = map.Bool("tie_word_embeddings") ?? false;
        int? intermediate = map.Integer("intermediate_size", FieldLimits.FeedForwardWidth);

        ModelFields fields = family switch
        {
            "mixtral" => new ModelFields
            {
                File = file, PathPrefix = string.Empty, Name = name, Family = modelType, Line = map.Node.Line,
                Layers = layers, Hidden = hidden, Heads = heads, KeyValueHeads = kvHeads, HeadDim = headDim,
                VocabSize = vocab, TiedEmbeddings = tied,
                Experts = map.RequiredInteger("num_local_experts", FieldLimits.Experts),
                ExpertsPerToken = map.RequiredInteger("num_experts_per_tok", FieldLimits.ExpertsPerToken),
                ExpertIntermediate = map.RequiredInteger("intermediate_size", FieldLimits.FeedForwardWidth, hint: "Mixtral's intermediate_size is the width of each expert"),
                Keys = ModelFields.KeyNames(("experts", "num_local_experts"), ("experts_per_tok", "num_experts_per_tok"), ("expert_intermediate", "intermediate_size")),
            },
            "qwen_moe" => new ModelFields
            {
                File = file, PathPrefix = string.Empty, Name = name, Family = modelType, Line = map.Node.Line,
                Layers = layers, Hidden = hidden, Heads = heads, KeyValueHeads = kvHeads, HeadDim = headDim,
                VocabSize = vocab, TiedEmbeddings = tied, DenseIntermediate = intermediate,
                QkvBias = modelType == "qwen2_moe" || (map.Bool("attention_bias") ?? false),
                QkNorm = modelType == "qwen3_moe",
                Experts = map.RequiredInteger("num_experts", FieldLimits.Experts),
                ExpertsPerToken = map.RequiredInteger("num_experts_per_tok", FieldLimits.ExpertsPerToken),
                ExpertIntermediate = map.RequiredInteger("moe_intermediate_size", FieldLimits.FeedForwardWidth),
                SharedIntermediate = map.Integer("shared_expert_intermediate_size", FieldLimits.FeedForwardWidthOrZero),
                SharedExperts = (map.Integer("shared_expert_intermediate_size", FieldLimits.FeedForwardWidthOrZero) ?? 0) > 0 ? 1 : 0,
                SharedExpertGate = (map.Integer("shared_expert_intermediate_size", FieldLimits.FeedForwardWidthOrZero) ?? 0) > 0,
                SparseStep = map.Integer("decoder_sparse_step", FieldLimits.LayerStep) ?? 1,
                DenseOnlyLayers = IntegerList(map, "mlp_only_layers"),
                Keys = ModelFields.KeyNames(("experts", "num_experts"), ("experts_per_tok", "num_experts_per_tok"), ("expert_intermediate", "moe_intermediate_size"), ("dense_only_layers", "mlp_only_layers")),
            },
            "deepseek" => ReadDeepSeek(map, file, name, modelType, layers, hidden, heads, vocab, tied, intermediate, notes),
            "gpt_oss" => new ModelFields
            {
                File = file, PathPrefix = string.Empty, Name = name, Family = modelType, Line = map.Node.Line,
                Layers = layers, Hidden = hidden, Heads = heads, KeyValueHeads = kvHeads, HeadDim = headDim,
                VocabSize = vocab, TiedEmbeddings = tied,
                // GptOssAttention: attention_bias puts biases on q, k, v and o; every layer has one sink logit per head.
                QkvBias = map.Bool("attention_bias") ?? false,
                OutputBias = map.Bool("attention_bias") ?? false,
                AttentionSinks = true,
                Experts = map.RequiredInteger("num_local_experts", FieldLimits.Experts),
                ExpertsPerToken = map.RequiredInteger("num_experts_per_tok", FieldLimits.ExpertsPerToken),
                ExpertIntermediate = map.RequiredInteger("intermediate_size", FieldLimits.FeedForwardWidth, hint: "gpt-oss's intermediate_size is the width of each expert"),
                // GptOssTopKRouter has a bias; GptOssExperts carry gate_up_proj_bias and down_proj_bias.
                RouterBias = true,
                ExpertBias = true,
                Keys = ModelFields.KeyNames(("experts", "num_local_experts"), ("experts_per_tok", "num_experts_per_tok"), ("expert_intermediate", "intermediate_size")),
            },
            _ => new ModelFields
            {
                File = file, PathPrefix = string.Empty, Name = name, Family = modelType.Length > 0 ? modelType : "unknown", Line = map.Node.Line,
                Layers = layers, Hidden = hidden, Heads = heads, KeyValueHeads = kvHeads, HeadDim = headDim,
                VocabSize = vocab, TiedEmbeddings = tied,
                DenseIntermediate = intermediate ?? throw map.Missing("intermediate_size", "the width of the feed-forward layers"),
                QkvBias = modelType == "qwen2" || (map.Bool("attention_bias") ?? false),
                QkNorm = modelType == "qwen3",
                Keys = keys,
            },
        };

        fields.AttentionWindows = AttentionWindows(map, modelType, layers, notes);
        fields.CheckpointPrecision = CheckpointPrecision(map, notes);
        return fields.Build(assumptions);
    }

    /// <summary>
    /// Each layer's attention window: from <c>layer_types</c> (<c>sliding_attention</c> layers take
    /// <c>sliding_window</c>, <c>full_attention</c> layers none: gpt-oss, and configs saved by transformers 4.53+);
    /// without it, Mistral's and Mixtral's <c>sliding_window</c> on every layer, and Qwen2's on the layers from
    /// <c>max_window_layers</c> on when <c>use_sliding_window</c> is true. Null when every layer is full attention.
    /// </summary>
    private static int?[]? AttentionWindows(MapReader map, string modelType, int layers, ICollection<string> notes)
    {
        int? window = map.Integer("sliding_window", FieldLimits.SlidingWindow);
        var windows = new int?[layers];
        if (map.Get("layer_types") is { } typesNode)
        {
            if (typesNode is not ListNode types)
            {
                throw map.Fail("layer_types", $"expected a list with one attention type per layer, found {typesNode.Describe()}.", typesNode);
            }

            if (types.Items.Count != layers)
            {
                throw map.Fail("layer_types", string.Create(CultureInfo.InvariantCulture, $"has {types.Items.Count} entries but num_hidden_layers is {layers}: one per layer."), typesNode);
            }

            var unknown = new SortedSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < layers; i++)
            {
                string type = (types.Items[i] as ScalarNode)?.Text ?? string.Empty;
                switch (type)
                {
                    case "full_attention":
                        break;
                    case "sliding_attention":
                        windows[i] = window ?? throw map.Missing("sliding_window", "layer_types has sliding_attention layers, whose window it sets");
                        break;
                    default:
                        unknown.Add(type);
                        break;
                }
            }

            if (unknown.Count > 0)
            {
                notes.Add($"layer_types: {string.Join(", ", unknown.Select(t => $"'{t}'"))} read as full attention (only full_attention and sliding_attention are modelled)");
            }
        }
        else if (modelType is "mistral" or "mixtral" && window is { } mistralWindow)
        {
            Array.Fill(windows, mistralWindow);
        }
        else if (map.Bool("use_sliding_window") == true && window is { } qwenWindow)
        {
            int from = map.Integer("max_window_layers", FieldLimits.LayerCountOrZero) ?? 0;
            for (int i = from; i < layers; i++)
            {
                windows[i] = qwenWindow;
            }
        }

        int sliding = windows.Count(w => w is not null);
        if (sliding == 0)
        {
            return null;
        }

        notes.Add(string.Create(CultureInfo.InvariantCulture, $"sliding-window attention: {sliding} of {layers} layers attend to at most {string.Join("/", windows.OfType<int>().Distinct())} tokens (their KV cache holds no more per sequence); the other {layers - sliding} attend to the whole context"));
        return windows;
    }

    /// <summary>
    /// The weights' formats per module as the checkpoint stores them, from <c>quantization_config</c>:
    /// <c>mxfp4</c> (transformers' Mxfp4HfQuantizer converts only the MoE experts; gpt-oss) and <c>fp8</c>
    /// (every layer GEMM: DeepSeek, Kimi), each module named in <c>modules_to_not_convert</c> kept at the
    /// checkpoint's <c>torch_dtype</c> (bf16 unless it says float16). Embeddings, LM head and routers stay 16-bit.
    /// Null when there is no quantization_config (the checkpoint is its torch_dtype) or its method is not one of these.
    /// </summary>
    private static Precision? CheckpointPrecision(MapReader map, ICollection<string> notes)
    {
        MapReader? quantisation = map.Map("quantization_config");
        if (quantisation is null)
        {
            return null;
        }

        string method = (quantisation.String("quant_method") ?? string.Empty).Trim().ToLowerInvariant();
        NumericFormat? quantised = method switch
        {
            "mxfp4" => NumericFormat.Mxfp4,
            "fp8" => NumericFormat.Fp8,
            _ => null,
        };
        if (quantised is not { } format)
        {
            notes.Add($"quantization_config: quant_method '{method}' is not read; state the scenario's precision");
            return null;
        }

        string dtype = (map.String("torch_dtype") ?? map.String("dtype") ?? string.Empty).Trim().ToLowerInvariant();
        NumericFormat unconverted = dtype is "float16" or "fp16" ? NumericFormat.Fp16 : NumericFormat.Bf16;
        var excluded = new List<string>();
        if (quantisation.Get("modules_to_not_convert") is ListNode modules)
        {
            excluded.AddRange(modules.Items.OfType<ScalarNode>().Select(m => m.Text ?? string.Empty));
        }

        bool attentionKept = excluded.Any(m => m.Contains("self_attn", StringComparison.Ordinal));
        bool expertsKept = excluded.Any(m => m.EndsWith(".mlp", StringComparison.Ordinal) || m.Contains("experts", StringComparison.Ordinal));
        bool denseKept = excluded.Any(m => m.EndsWith(".mlp", StringComparison.Ordinal) || m.Contains("shared_expert", StringComparison.Ordinal));
        if (format == NumericFormat.Mxfp4)
        {
            // Only the experts are converted; everything else is the checkpoint's torch_dtype.
            return new Precision(unconverted, Precision.DefaultActivations(unconverted), Precision.DefaultKvCache(unconverted))
            {
                Experts = expertsKept ? null : format,
            };
        }

        return new Precision(format, Precision.DefaultActivations(format), Precision.DefaultKvCache(format))
        {
            Attention = attentionKept ? unconverted : null,
            Experts = expertsKept ? unconverted : null,
            Dense = denseKept ? unconverted : null,
        };
    }

    private static ModelFields ReadDeepSeek(
        MapReader map, string file, string name, string modelType, int layers, int hidden, int heads, int vocab, bool tied,
        int? intermediate, ICollection<string> notes)
    {
        int mtp = map.Integer("num_nextn_predict_layers", FieldLimits.LayerCountOrZero) ?? 0;
        if (mtp > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"num_nextn_predict_layers = {mtp}: the multi-token-prediction layer(s) are not counted (speculative decoding is outside the model's forward pass)"));
        }

        int? experts = map.Integer("n_routed_experts", FieldLimits.Experts);
        int moeWidth = map.RequiredInteger("moe_intermediate_size", FieldLimits.FeedForwardWidth);
        string? topkMethod = map.String("topk_method");
        return new ModelFields
        {
            File = file, PathPrefix = string.Empty, Name = name, Family = modelType, Line = map.Node.Line,
            Layers = layers, Hidden = hidden, Heads = heads, VocabSize = vocab, TiedEmbeddings = tied,
            DenseIntermediate = intermediate,
            Experts = experts,
            ExpertsPerToken = map.Integer("num_experts_per_tok", FieldLimits.ExpertsPerToken),
            ExpertIntermediate = moeWidth,
            SharedExperts = map.Integer("n_shared_experts", FieldLimits.SharedExperts) ?? 0,
            RouterBias = string.Equals(topkMethod, "noaux_tc", StringComparison.Ordinal),
            FirstDenseLayers = map.Integer("first_k_dense_replace", FieldLimits.LayerCountOrZero) ?? 0,
            MoeLayerFrequency = map.Integer("moe_layer_freq", FieldLimits.LayerStep) ?? 1,
            Mla = new ModelFields.MlaFields(
                map.Integer("q_lora_rank", FieldLimits.LoraRank),
                map.RequiredInteger("kv_lora_rank", FieldLimits.LoraRank),
                map.RequiredInteger("qk_nope_head_dim", FieldLimits.HeadDim),
                map.RequiredInteger("qk_rope_head_dim", FieldLimits.HeadDim),
                map.RequiredInteger("v_head_dim", FieldLimits.HeadDim)),
            Keys = ModelFields.KeyNames(("experts", "n_routed_experts"), ("experts_per_tok", "num_experts_per_tok"), ("expert_intermediate", "moe_intermediate_size"), ("first_dense", "first_k_dense_replace")),
        };
    }

    private static string Family(MapReader map, string modelType, ICollection<string> notes)
    {
        switch (modelType)
        {
            case "mixtral":
                return "mixtral";
            case "qwen2_moe" or "qwen3_moe":
                return "qwen_moe";
            case "deepseek_v2" or "deepseek_v3" or "kimi_k2":
                return "deepseek";
            case "gpt_oss":
                return "gpt_oss";
            case "llama" or "mistral" or "qwen2" or "qwen3":
                return "dense";
        }

        // Not a type we know: infer the conventions from the fields present, and say so.
        string guess = map.Has("kv_lora_rank") ? "deepseek"
            : map.Has("num_local_experts") ? "mixtral"
            : map.Has("num_experts") && map.Has("moe_intermediate_size") ? "qwen_moe"
            : "dense";
        string described = guess switch
        {
            "deepseek" => "DeepSeek-style (MLA, routed + shared experts)",
            "mixtral" => "Mixtral-style (num_local_experts; intermediate_size is the expert width)",
            "qwen_moe" => "Qwen-MoE-style (num_experts, moe_intermediate_size)",
            _ => "a Llama-style dense decoder (SwiGLU FFN, GQA)",
        };
        notes.Add($"model_type '{(modelType.Length > 0 ? modelType : "(none)")}' is not one ParaPlan knows ({string.Join(", ", KnownModelTypes)}); read as {described} from the fields present");
        return guess;
    }

    private static string NameOf(MapReader map, string file)
    {
        string? path = map.String("_name_or_path");
        if (!string.IsNullOrWhiteSpace(path))
        {
            return path.Split('/', StringSplitOptions.RemoveEmptyEntries)[^1];
        }

        string stem = Path.GetFileNameWithoutExtension(file);
        string folder = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(file)) ?? string.Empty);
        return stem.Equals("config", StringComparison.OrdinalIgnoreCase) && folder.Length > 0 ? folder : stem;
    }

    private static IReadOnlyList<int> IntegerList(MapReader map, string key)
    {
        InputNode? node = map.Get(key);
        if (node is null)
        {
            return [];
        }

        if (node is not ListNode list)
        {
            throw map.Fail(key, $"expected a list of layer numbers, found {node.Describe()}.", node);
        }

        return [.. list.Items.Select(item => map.ParseInteger(item, key, FieldLimits.LayerIndex))];
    }
}
