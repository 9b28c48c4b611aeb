using ParaPlan.Catalog;
using ParaPlan.Domain;

namespace ParaPlan.Reports;

/// <summary>
/// What <c>paraplan model</c> answers: the architecture and its derived figures. The first eight properties are the
/// contract's JSON keys; the rest are detail for people.
/// </summary>
public sealed record ModelSummary
{
    /// <summary>Context length at which <see cref="FlopsPerToken"/> is given when the caller names none.</summary>
    public const int DefaultFlopsContext = 4096;

    public required string Name { get; init; }

    public required int NumHiddenLayers { get; init; }

    public required int HiddenSize { get; init; }

    public required int NumExperts { get; init; }

    public required int NumExpertsPerTok { get; init; }

    public required long TotalParameters { get; init; }

    public required long ActiveParameters { get; init; }

    /// <summary>
    /// The contract's figure: KV-cache scalars per token of context. For a model with sliding-window layers it counts
    /// the full-attention layers only (what grows with the context); the sliding layers add at most
    /// <see cref="SlidingWindowKvCacheElementsPerSequence"/> per sequence.
    /// </summary>
    public required long KvCacheElementsPerToken { get; init; }

    public required string Source { get; init; }

    public required string ModelType { get; init; }

    public string? HuggingFaceRepo { get; init; }

    public required AttentionSummary Attention { get; init; }

    public MoeSummary? Moe { get; init; }

    public int? IntermediateSize { get; init; }

    public required int DenseLayers { get; init; }

    public required int MoeLayers { get; init; }

    public required int VocabSize { get; init; }

    public required bool TieWordEmbeddings { get; init; }

    public double? DeclaredParameters { get; init; }

    public required ParameterBreakdown ParameterBreakdown { get; init; }

    public required FlopsPerToken FlopsPerToken { get; init; }

    /// <summary>KV-cache bytes per token at 16-bit (for orientation; the scenario's precision decides the real size).</summary>
    public required long KvCacheBytesPerTokenBf16 { get; init; }

    /// <summary>Layers whose attention is bounded by a sliding window (0 when every layer is full attention).</summary>
    public int SlidingWindowLayers { get; init; }

    /// <summary>The sliding window(s) of those layers, in tokens (empty when none).</summary>
    public IReadOnlyList<int> SlidingWindows { get; init; } = [];

    /// <summary>KV-cache scalars the sliding-window layers hold per sequence at most (window x elements per token, summed).</summary>
    public long SlidingWindowKvCacheElementsPerSequence { get; init; }

    /// <summary>The weights' formats per module as the checkpoint stores them (its quantization_config), when it says.</summary>
    public PrecisionSummary? CheckpointPrecision { get; init; }

    public required IReadOnlyList<string> Notes { get; init; }

    public required IReadOnlyList<string> Warnings { get; init; }

    public static ModelSummary From(ResolvedModel resolved, long flopsContext = DefaultFlopsContext)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        ModelArchitecture model = resolved.Architecture;
        var warnings = new List<string>();
        ScenarioReader.CheckDeclaredParameters(model, warnings);
        return new ModelSummary
        {
            Name = model.Name,
            NumHiddenLayers = model.LayerCount,
            HiddenSize = model.HiddenSize,
            NumExperts = model.Moe?.ExpertCount ?? 0,
            NumExpertsPerTok = model.Moe?.ExpertsPerToken ?? 0,
            TotalParameters = model.TotalParameters,
            ActiveParameters = model.ActiveParameters,
            KvCacheElementsPerToken = model.KvCacheElementsPerToken,
            Source = resolved.Source,
            ModelType = model.Family,
            HuggingFaceRepo = resolved.CatalogEntry?.HuggingFaceRepo,
            Attention = AttentionSummary.From(model.Attention),
            Moe = model.Moe is { } moe && model.IsMoe ? MoeSummary.From(moe, model) : null,
            IntermediateSize = model.DenseLayerCount > 0 ? model.DenseIntermediateSize : null,
            DenseLayers = model.DenseLayerCount,
            MoeLayers = model.MoeLayerCount,
            VocabSize = model.VocabSize,
            TieWordEmbeddings = model.TiedEmbeddings,
            DeclaredParameters = model.DeclaredParameters,
            ParameterBreakdown = model.Parameters,
            FlopsPerToken = model.FlopsPerToken(flopsContext),
            KvCacheBytesPerTokenBf16 = model.KvCacheElementsPerToken * 2,
            SlidingWindowLayers = model.SlidingWindowLayerCount,
            SlidingWindows = model.SlidingWindows,
            SlidingWindowKvCacheElementsPerSequence = model.SlidingWindowKvCacheElements,
            CheckpointPrecision = model.CheckpointPrecision is { } checkpoint ? PrecisionSummary.From(checkpoint) : null,
            Notes = resolved.Notes,
            Warnings = warnings,
        };
    }
}
