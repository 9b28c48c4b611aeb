using System.Globalization;
using ParaPlan.Domain;
using ParaPlan.Input;

namespace ParaPlan.Catalog;

/// <summary>
/// Reads a model written inline in a scenario (<c>model:</c> as a map), with the contract's field names
/// (Hugging Face names where one exists) and documented defaults for what it leaves out.
/// </summary>
public static class InlineModelReader
{
    public static IReadOnlyList<string> Keys { get; } =
    [
        "name", "num_hidden_layers", "hidden_size", "num_attention_heads", "num_key_value_heads", "head_dim",
        "intermediate_size", "num_experts", "num_experts_per_tok", "moe_intermediate_size", "num_shared_experts",
        "shared_expert_intermediate_size", "first_dense_layers", "vocab_size", "tie_word_embeddings",
        "declared_parameters", "attention_bias", "qk_norm", "q_lora_rank", "kv_lora_rank", "qk_nope_head_dim",
        "qk_rope_head_dim", "v_head_dim",
    ];

    public static ModelArchitecture Read(MapReader map, ICollection<string> assumptions)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(assumptions);
        map.RejectUnknownKeys(Keys, "an inline model");
        string prefix = map.Node.Path;
        int layers = map.RequiredInteger("num_hidden_layers", FieldLimits.Layers);
        int hidden = map.RequiredInteger("hidden_size", FieldLimits.HiddenSize);
        int heads = map.RequiredInteger("num_attention_heads", FieldLimits.AttentionHeads);
        int experts = map.Integer("num_experts", FieldLimits.Experts) ?? 0;
        int firstDense = map.Integer("first_dense_layers", FieldLimits.LayerCountOrZero) ?? 0;
        int? dense = map.Integer("intermediate_size", FieldLimits.FeedForwardWidth);
        bool hasDenseLayers = experts == 0 || firstDense > 0;
        if (hasDenseLayers && dense is null)
        {
            dense = 4 * hidden;
            assumptions.Add(string.Create(CultureInfo.InvariantCulture, $"{prefix}.intermediate_size not given: dense FFN width 4 x hidden_size = {dense} assumed"));
        }

        if (!map.Has("num_key_value_heads") && !map.Has("kv_lora_rank"))
        {
            assumptions.Add($"{prefix}.num_key_value_heads not given: {heads} (= num_attention_heads, plain multi-head attention) assumed");
        }

        ModelFields.MlaFields? mla = map.Has("kv_lora_rank")
            ? new ModelFields.MlaFields(
                map.Integer("q_lora_rank", FieldLimits.LoraRank),
                map.RequiredInteger("kv_lora_rank", FieldLimits.LoraRank),
                map.RequiredInteger("qk_nope_head_dim", FieldLimits.HeadDim, hint: "needed with kv_lora_rank (MLA)"),
                map.RequiredInteger("qk_rope_head_dim", FieldLimits.HeadDim, hint: "needed with kv_lora_rank (MLA)"),
                map.RequiredInteger("v_head_dim", FieldLimits.HeadDim, hint: "needed with kv_lora_rank (MLA)"))
            : null;

        var fields = new ModelFields
        {
            File = map.File,
            PathPrefix = prefix,
            Name = map.String("name") ?? "inline-model",
            Family = "inline",
            Line = map.Node.Line,
            Layers = layers,
            Hidden = hidden,
            Heads = heads,
            KeyValueHeads = map.Integer("num_key_value_heads", FieldLimits.AttentionHeads),
            HeadDim = map.Integer("head_dim", FieldLimits.HeadDim),
            DenseIntermediate = dense,
            Experts = experts,
            ExpertsPerToken = map.Integer("num_experts_per_tok", FieldLimits.ExpertsPerToken),
            ExpertIntermediate = map.Integer("moe_intermediate_size", FieldLimits.FeedForwardWidth),
            SharedExperts = map.Integer("num_shared_experts", FieldLimits.SharedExperts) ?? 0,
            SharedIntermediate = map.Integer("shared_expert_intermediate_size", FieldLimits.FeedForwardWidthOrZero),
            FirstDenseLayers = firstDense,
            VocabSize = map.Integer("vocab_size", FieldLimits.Vocabulary),
            TiedEmbeddings = map.Bool("tie_word_embeddings") ?? false,
            QkvBias = map.Bool("attention_bias") ?? false,
            QkNorm = map.Bool("qk_norm") ?? false,
            Mla = mla,
            DeclaredParameters = map.Number("declared_parameters", FieldLimits.DeclaredParameters),
            Keys = ModelFields.KeyNames(
                ("experts", "num_experts"), ("experts_per_tok", "num_experts_per_tok"),
                ("expert_intermediate", "moe_intermediate_size"), ("first_dense", "first_dense_layers")),
        };
        return fields.Build(assumptions);
    }
}
