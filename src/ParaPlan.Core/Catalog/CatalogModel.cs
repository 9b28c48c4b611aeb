using ParaPlan.Domain;

namespace ParaPlan.Catalog;

/// <summary>A built-in model: its Hugging Face config read into an architecture, with provenance.</summary>
public sealed record CatalogModel(
    string Id,
    string DisplayName,
    string HuggingFaceRepo,
    string Source,
    IReadOnlyList<string> Aliases,
    ModelArchitecture Architecture,
    IReadOnlyList<string> Notes)
{
    /// <summary>Published checkpoints engines can load: the base repo (at the format of its own config) first, then others by weight format.</summary>
    public IReadOnlyList<ModelCheckpoint> Checkpoints { get; init; } = [];
}
