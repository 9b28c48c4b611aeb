using ParaPlan.Domain;

namespace ParaPlan.CostModel.Physics;

/// <summary>
/// Bytes per stored element of each part of the model, each module in its own format (<see cref="Precision"/>:
/// attention, routed experts, dense FFN and shared experts, embeddings and LM head). Embeddings and LM head stay
/// 16-bit unless stated, and routers and norms always do (FP8 checkpoints from ModelOpt, DeepSeek and Qwen quantise
/// only the layer GEMMs; gpt-oss's MXFP4 only its experts).
/// </summary>
internal sealed record WeightFormats(double Attention, double Experts, double Dense, double Edge, double KvCache)
{
    /// <summary>Bytes per router weight: 16-bit whatever the layers' format.</summary>
    public const double Router = 2.0;

    public static WeightFormats From(Precision precision) => new(
        precision.AttentionWeights.BytesPerElement(),
        precision.ExpertWeights.BytesPerElement(),
        precision.DenseWeights.BytesPerElement(),
        precision.EmbeddingWeights.BytesPerElement(),
        precision.KvCache.BytesPerElement());
}
