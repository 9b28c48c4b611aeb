using ParaPlan.Domain;

namespace ParaPlan.CostModel.Physics;

/// <summary>
/// What one GPU of a stage holds of each layer under a strategy, in parameters and per-token widths. Attention is
/// split by tp (KV heads replicated once tp exceeds them; MLA's down-projections and latent replicated) and
/// replicated across sp, dp and ep; the dense FFN and shared experts are split by tp; routed experts are split
/// ep ways by expert and tp*sp*dp/ep ways inside each; embeddings and LM head are split by tp (vocabulary parallel).
/// </summary>
internal sealed class ModelShard
{
    public ModelShard(ModelArchitecture model, ParallelStrategy strategy)
    {
        int tp = strategy.TensorParallel;
        int h = model.HiddenSize;
        AttentionSpec attention = model.Attention;
        HeadsPerGpu = (double)attention.HeadCount / tp;
        switch (attention)
        {
            case GroupedQueryAttention gqa:
                {
                    double kvHeads = Math.Max(1.0, (double)gqa.KeyValueHeadCount / tp);
                    KeyValueHeadsPerGpu = kvHeads;
                    QkvParameters = ((double)h * HeadsPerGpu * gqa.HeadDim) + (2.0 * h * kvHeads * gqa.HeadDim);
                    QkvOutputWidth = (HeadsPerGpu + (2 * kvHeads)) * gqa.HeadDim;
                    KvElementsPerTokenLayer = 2 * kvHeads * gqa.HeadDim;
                    DecodeAttentionFlopsPerContextToken = 2 * HeadsPerGpu * (gqa.HeadDim + gqa.HeadDim);
                    break;
                }

            case MultiHeadLatentAttention mla:
                {
                    double replicated = ((double)h * (mla.QueryLoraRank ?? 0)) + ((double)h * (mla.KeyValueLoraRank + mla.QkRopeHeadDim));
                    double split = mla.QueryLoraRank is { } rank
                        ? (double)rank * attention.HeadCount * mla.QueryKeyHeadDim
                        : (double)h * attention.HeadCount * mla.QueryKeyHeadDim;
                    split += (double)mla.KeyValueLoraRank * attention.HeadCount * (mla.QkNopeHeadDim + mla.ValueHeadDim);
                    KeyValueHeadsPerGpu = 1;
                    QkvParameters = replicated + (split / tp);
                    QkvOutputWidth = (HeadsPerGpu * mla.QueryKeyHeadDim) + mla.KeyValueLoraRank + mla.QkRopeHeadDim;
                    KvElementsPerTokenLayer = mla.KeyValueLoraRank + mla.QkRopeHeadDim;
                    // Decode runs the weight-absorbed form (FlashMLA): scores over the latent plus rope, values in the latent.
                    DecodeAttentionFlopsPerContextToken = 2 * HeadsPerGpu * ((2.0 * mla.KeyValueLoraRank) + mla.QkRopeHeadDim);
                    break;
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(model), attention, "unknown attention kind");
        }

        PrefillAttentionFlopsPerPair = 2 * HeadsPerGpu * (attention.QueryKeyHeadDim + attention.ValueHeadDim);
        OutputParameters = HeadsPerGpu * attention.ValueHeadDim * h;
        AttentionOutputWidth = HeadsPerGpu * attention.ValueHeadDim;
        AttentionParameters = QkvParameters + OutputParameters;
        NormParameters = 2.0 * h;
        DenseFfnParameters = model.DenseIntermediateSize is { } f ? 3.0 * h * f / tp : 0;
        DenseFfnWidth = model.DenseIntermediateSize is { } width ? (double)width / tp : 0;

        if (model.Moe is { } moe && model.IsMoe)
        {
            ExpertTensorParallel = strategy.ExpertTensorParallel;
            ExpertsPerRank = (double)(moe.ExpertCount + strategy.RedundantExperts) / strategy.ExpertParallel; // slots: redundant copies included
            ExpertParameters = 3.0 * h * moe.ExpertIntermediateSize / ExpertTensorParallel;
            ExpertWidth = moe.ExpertIntermediateSize / ExpertTensorParallel;
            SharedParameters = 3.0 * h * moe.SharedIntermediateSize / tp;
            SharedWidth = (double)moe.SharedIntermediateSize / tp;
            RouterParameters = (double)h * moe.ExpertCount;
        }

        EmbeddingParameters = (double)model.VocabSize * h / tp;
        VocabularyPerGpu = (double)model.VocabSize / tp;
    }

    public double HeadsPerGpu { get; }

    public double KeyValueHeadsPerGpu { get; }

    /// <summary>Parameters of the Q, K and V projections on one GPU (MLA: down- and up-projections).</summary>
    public double QkvParameters { get; }

    public double QkvOutputWidth { get; }

    public double OutputParameters { get; }

    public double AttentionOutputWidth { get; }

    public double AttentionParameters { get; }

    public double NormParameters { get; }

    /// <summary>KV-cache scalars one GPU stores per token per layer (before the sequence split by sp).</summary>
    public double KvElementsPerTokenLayer { get; }

    /// <summary>Decode attention FLOPs per cached token per layer on one GPU.</summary>
    public double DecodeAttentionFlopsPerContextToken { get; }

    /// <summary>Prefill attention FLOPs per (query, key) pair per layer on one GPU.</summary>
    public double PrefillAttentionFlopsPerPair { get; }

    public double DenseFfnParameters { get; }

    public double DenseFfnWidth { get; }

    public double ExpertTensorParallel { get; } = 1;

    public double ExpertsPerRank { get; }

    /// <summary>Parameters of one routed expert's slice on one GPU.</summary>
    public double ExpertParameters { get; }

    public double ExpertWidth { get; }

    public double SharedParameters { get; }

    public double SharedWidth { get; }

    public double RouterParameters { get; }

    /// <summary>Input embedding (or LM head) parameters on one GPU.</summary>
    public double EmbeddingParameters { get; }

    public double VocabularyPerGpu { get; }

    /// <summary>Routed-expert parameters on one GPU for one MoE layer.</summary>
    public double ExpertParametersPerLayer => ExpertsPerRank * ExpertParameters;
}
