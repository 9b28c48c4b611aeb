using ParaPlan.Catalog;
using ParaPlan.Reports;

namespace ParaPlan.Service;

/// <summary>One built-in model as <c>paraplan models --format json</c> and <c>GET /api/models</c> list it.</summary>
/// <param name="Id">The catalog id a scenario's <c>model:</c> takes.</param>
/// <param name="HfRepo">The Hugging Face repository of its config.</param>
/// <param name="Summary">Layers, attention, experts, parameters, KV-cache elements per token.</param>
/// <param name="Source">Where its architecture comes from.</param>
public sealed record ModelListing(string Id, string? HfRepo, ModelSummary Summary, string Source);

/// <summary>The built-in catalogs as the command line and the web API list them.</summary>
public static class CatalogListing
{
    public static IReadOnlyList<ModelListing> Models() =>
        [.. ModelCatalog.BuiltIn.All.Select(m => new ModelListing(m.Id, m.HuggingFaceRepo, ModelSummary.From(new ResolvedModel(m.Architecture, m.Id, m, m.Notes)), m.Source))];

    public static IReadOnlyList<GpuSummary> Gpus() => [.. GpuCatalog.BuiltIn.All.Select(GpuSummary.From)];
}
