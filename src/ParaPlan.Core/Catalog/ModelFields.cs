using System.Globalization;
using ParaPlan.Domain;
using ParaPlan.Input;

namespace ParaPlan.Catalog;

/// <summary>
/// The architecture fields of a model as some file states them (Hugging Face config or an inline scenario map),
/// with the file's own key for each, so that one builder can check them and name the offending key.
/// </summary>
internal sealed class ModelFields
{
    public required string File { get; init; }

    /// <summary>Dotted prefix of the fields in the file ("" for a config.json, "model" for an inline map).</summary>
    public required string PathPrefix { get; init; }

    public required string Name { get; init; }

    public required string Family { get; init; }

    public required int Layers { get; init; }

    public required int Hidden { get; init; }

    public required int Heads { get; init; }

    public int? KeyValueHeads { get; init; }

    public int? HeadDim { get; init; }

    public int? DenseIntermediate { get; init; }

    public int? Experts { get; init; }

    public int? ExpertsPerToken { get; init; }

    public int? ExpertIntermediate { get; init; }

    public int SharedExperts { get; init; }

    public int? SharedIntermediate { get; init; }

    public bool SharedExpertGate { get; init; }

    public bool RouterBias { get; init; }

    public int FirstDenseLayers { get; init; }

    /// <summary>Qwen-MoE rule: layer i is MoE when (i + 1) % step == 0.</summary>
    public int SparseStep { get; init; } = 1;

    /// <summary>DeepSeek rule: layer i is MoE when i % frequency == 0.</summary>
    public int MoeLayerFrequency { get; init; } = 1;

    public IReadOnlyList<int> DenseOnlyLayers { get; init; } = [];

    public int? VocabSize { get; init; }

    public bool TiedEmbeddings { get; init; }

    public bool QkvBias { get; init; }

    public bool QkNorm { get; init; }

    /// <summary>A bias on the attention output projection (gpt-oss's <c>attention_bias</c>).</summary>
    public bool OutputBias { get; init; }

    /// <summary>One learned softmax sink per query head (gpt-oss).</summary>
    public bool AttentionSinks { get; init; }

    /// <summary>Biases on each routed expert's projections (gpt-oss).</summary>
    public bool ExpertBias { get; init; }

    /// <summary>Per layer, its sliding attention window (null: full attention); null when every layer is full.</summary>
    public IReadOnlyList<int?>? AttentionWindows { get; set; }

    /// <summary>The weights' formats per module as the checkpoint stores them (its quantization_config), when stated.</summary>
    public Precision? CheckpointPrecision { get; set; }

    public MlaFields? Mla { get; init; }

    public double? DeclaredParameters { get; init; }

    /// <summary>The file's key for each logical field (e.g. "experts" -> "num_local_experts").</summary>
    public required IReadOnlyDictionary<string, string> Keys { get; init; }

    /// <summary>Line of the map, for messages.</summary>
    public int Line { get; init; }

    /// <summary>
    /// The Hugging Face names of the fields every family shares, plus <paramref name="extra"/> (logical name, file key)
    /// for a family's own.
    /// </summary>
    public static Dictionary<string, string> KeyNames(params (string Logical, string Key)[] extra)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["layers"] = "num_hidden_layers",
            ["hidden"] = "hidden_size",
            ["heads"] = "num_attention_heads",
            ["kv_heads"] = "num_key_value_heads",
            ["head_dim"] = "head_dim",
            ["dense_intermediate"] = "intermediate_size",
            ["vocab"] = "vocab_size",
        };
        foreach ((string logical, string key) in extra)
        {
            keys[logical] = key;
        }

        return keys;
    }

    public sealed record MlaFields(int? QueryLoraRank, int KeyValueLoraRank, int QkNopeHeadDim, int QkRopeHeadDim, int ValueHeadDim);

    /// <summary>Checks the fields against each other and builds the architecture.</summary>
    /// <param name="assumptions">Receives a line for each default applied.</param>
    public ModelArchitecture Build(ICollection<string> assumptions)
    {
        AttentionSpec attention = BuildAttention();
        MixtureOfExperts? moe = BuildMoe();
        bool[]? pattern = moe is null ? null : BuildLayerPattern();
        int denseLayers = pattern is null ? Layers : pattern.Count(isMoe => !isMoe);
        int? denseWidth = DenseIntermediate;
        if (denseLayers > 0 && denseWidth is null)
        {
            throw Fail("dense_intermediate", $"required: {denseLayers} of {Layers} layers are dense and need the FFN width");
        }

        int vocab = VocabSize ?? DefaultVocab(assumptions);
        ModelArchitecture model;
        try
        {
            model = new ModelArchitecture(
                Name, Layers, Hidden, attention, denseLayers > 0 ? denseWidth : DenseIntermediate, moe, pattern, vocab,
                TiedEmbeddings, DeclaredParameters, Family, AttentionWindows)
            {
                CheckpointPrecision = CheckpointPrecision,
            };
        }
        catch (ArgumentException ex)
        {
            throw new InputException(File, Where, ex.Message, Line);
        }
        catch (OverflowException)
        {
            throw TooManyParameters("more than 9.2e18");
        }

        if (model.TotalParameters > FieldLimits.MaxParameters)
        {
            throw TooManyParameters(model.TotalParameters.ToString("0.##e0", CultureInfo.InvariantCulture));
        }

        return model;
    }

    /// <summary>The field messages about the whole model name: the inline map's path, or "(document)" for a config file.</summary>
    private string Where => PathPrefix.Length == 0 ? "(document)" : PathPrefix;

    private InputException TooManyParameters(string count) =>
        new(File, Where, $"the architecture has {count} parameters, more than the {FieldLimits.Text(FieldLimits.MaxParameters)} ParaPlan accepts (the largest models have about 2e12); check {Key("layers")}, {Key("hidden")}, {Key("dense_intermediate")} and the expert counts.", Line);

    private int DefaultVocab(ICollection<string> assumptions)
    {
        assumptions.Add(string.Create(CultureInfo.InvariantCulture, $"{Path("vocab")} not given: {Defaults.VocabSize} assumed (it sizes the embedding and LM head)"));
        return Defaults.VocabSize;
    }

    private AttentionSpec BuildAttention()
    {
        if (Mla is { } mla)
        {
            return new MultiHeadLatentAttention(Heads, mla.QueryLoraRank, mla.KeyValueLoraRank, mla.QkNopeHeadDim, mla.QkRopeHeadDim, mla.ValueHeadDim);
        }

        int kvHeads = KeyValueHeads ?? Heads;
        if (kvHeads > Heads)
        {
            throw Fail("kv_heads", $"{kvHeads} KV heads exceed the {Heads} attention heads ({Key("heads")})");
        }

        if (Heads % kvHeads != 0)
        {
            throw Fail("kv_heads", $"{kvHeads} does not divide {Key("heads")} {Heads}: each KV head must serve a whole group of query heads");
        }

        int headDim;
        if (HeadDim is { } explicitDim)
        {
            headDim = explicitDim;
        }
        else if (Hidden % Heads != 0)
        {
            throw Fail("head_dim", $"not given, and {Key("hidden")} {Hidden} is not divisible by {Key("heads")} {Heads}, so it cannot be derived; state {Key("head_dim")}");
        }
        else
        {
            headDim = Hidden / Heads;
        }

        return new GroupedQueryAttention(Heads, kvHeads, headDim, QkvBias, QkNorm, OutputBias, AttentionSinks);
    }

    private MixtureOfExperts? BuildMoe()
    {
        if (Experts is not { } experts || experts == 0)
        {
            return null;
        }

        int topK = ExpertsPerToken ?? throw Fail("experts_per_tok", $"required for an MoE model ({Key("experts")} is {experts})");
        int width = ExpertIntermediate ?? throw Fail("expert_intermediate", $"required for an MoE model ({Key("experts")} is {experts})");
        if (topK > experts)
        {
            throw Fail("experts_per_tok", $"{topK} exceeds the {experts} routed experts ({Key("experts")})");
        }

        if (FirstDenseLayers > Layers)
        {
            throw Fail("first_dense", $"{FirstDenseLayers} exceeds {Key("layers")} {Layers}");
        }

        return new MixtureOfExperts(experts, topK, width, SharedExperts, SharedIntermediate, SharedExpertGate, RouterBias, ExpertBias);
    }

    private bool[] BuildLayerPattern()
    {
        foreach (int layer in DenseOnlyLayers)
        {
            if (layer < 0 || layer >= Layers)
            {
                throw Fail("dense_only_layers", $"layer {layer} is outside 0..{Layers - 1}");
            }
        }

        var pattern = new bool[Layers];
        for (int i = 0; i < Layers; i++)
        {
            pattern[i] = i >= FirstDenseLayers
                && !DenseOnlyLayers.Contains(i)
                && (i + 1) % SparseStep == 0
                && i % MoeLayerFrequency == 0;
        }

        return pattern;
    }

    private string Key(string logical) => Keys.TryGetValue(logical, out string? key) ? key : logical;

    private string Path(string logical) => PathPrefix.Length == 0 ? Key(logical) : $"{PathPrefix}.{Key(logical)}";

    private InputException Fail(string logical, string problem) => new(File, Path(logical), problem + ".", Line);
}
