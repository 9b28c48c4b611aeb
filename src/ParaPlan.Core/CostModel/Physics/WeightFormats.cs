using ParaPlan.Domain;

namespace ParaPlan.CostModel.Physics;

/// <summary>
/// Bytes per stored element of each part of the model and the format its GEMMs run in. Embeddings, LM head, routers
/// and norms stay 16-bit when the layer weights are 8-bit or less (FP8 checkpoints from ModelOpt, DeepSeek and Qwen
/// quantise only the layer GEMMs).
/// </summary>
internal sealed record WeightFormats(double Attention, double Experts, double Dense, double Edge, double KvCache)
{
    public static WeightFormats From(Precision precision)
    {
        double weights = precision.Weights.BytesPerElement();
        return new WeightFormats(weights, weights, weights, Math.Max(weights, 2.0), precision.KvCache.BytesPerElement());
    }
}
