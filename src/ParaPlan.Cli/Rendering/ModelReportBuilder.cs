using ParaPlan.Domain;
using ParaPlan.Reports;

namespace ParaPlan.Cli.Rendering;

/// <summary>The human report of <c>paraplan model</c>.</summary>
internal static class ModelReportBuilder
{
    public static ReportDocument Build(ModelSummary model)
    {
        var doc = new ReportDocument();
        doc.Heading($"{model.Name} ({model.ModelType}, from {model.Source})");
        var facts = new List<(string, string)>
        {
            ("Layers", model.MoeLayers > 0 ? $"{model.NumHiddenLayers} ({model.MoeLayers} MoE, {model.DenseLayers} dense)" : $"{model.NumHiddenLayers} (dense)"),
            ("Hidden size", Figures.Whole(model.HiddenSize)),
            ("Attention", DescribeAttention(model.Attention)),
        };
        if (model.IntermediateSize is { } ffn)
        {
            facts.Add(("Dense FFN width", Figures.Whole(ffn) + " (SwiGLU: gate, up, down)"));
        }

        if (model.Moe is { } moe)
        {
            string shared = moe.NumSharedExperts > 0 ? $", {moe.NumSharedExperts} shared (width {Figures.Whole(moe.SharedIntermediateSize)})" : ", no shared expert";
            facts.Add(("Experts", $"{moe.NumExperts} routed, top-{moe.NumExpertsPerTok}, width {Figures.Whole(moe.MoeIntermediateSize)}{shared}; {Figures.Parameters(moe.ParametersPerExpert)} per expert"));
        }

        facts.Add(("Vocabulary", $"{Figures.Whole(model.VocabSize)} ({(model.TieWordEmbeddings ? "tied" : "untied")} embeddings)"));
        facts.Add(("Total parameters", $"{Figures.Parameters(model.TotalParameters)} ({Figures.Whole(model.TotalParameters)})"));
        facts.Add(("Active parameters", $"{Figures.Parameters(model.ActiveParameters)} per token ({Figures.Whole(model.ActiveParameters)}; input embedding lookup not counted)"));
        if (model.DeclaredParameters is { } declared)
        {
            facts.Add(("Declared parameters", Figures.Parameters(declared)));
        }

        if (model.SlidingWindowLayers > 0)
        {
            int full = model.NumHiddenLayers - model.SlidingWindowLayers;
            facts.Add(("Attention layers", $"{full} full attention, {model.SlidingWindowLayers} sliding window ({string.Join("/", model.SlidingWindows.Select(w => Figures.Whole(w)))} tokens)"));
            facts.Add(("KV cache per token", $"{Figures.Whole(model.KvCacheElementsPerToken)} elements over the {full} full-attention layers = {Figures.Bytes(model.KvCacheBytesPerTokenBf16)} at 16-bit, {Figures.Bytes(model.KvCacheElementsPerToken)} at 8-bit"));
            facts.Add(("KV cache per sequence, sliding layers", $"at most {Figures.Whole(model.SlidingWindowKvCacheElementsPerSequence)} elements = {Figures.Bytes(model.SlidingWindowKvCacheElementsPerSequence * 2)} at 16-bit (window x elements per token, whatever the context)"));
        }
        else
        {
            facts.Add(("KV cache per token", $"{Figures.Whole(model.KvCacheElementsPerToken)} elements = {Figures.Bytes(model.KvCacheBytesPerTokenBf16)} at 16-bit, {Figures.Bytes(model.KvCacheElementsPerToken)} at 8-bit"));
        }

        if (model.CheckpointPrecision is { } checkpoint)
        {
            facts.Add(("Checkpoint precision", $"weights {checkpoint.Weights}{CheckReportBuilder.PrecisionModules(checkpoint)} (quantization_config; a scenario that states no precision uses it)"));
        }
        FlopsPerToken flops = model.FlopsPerToken;
        facts.Add(("FLOPs per token", $"{Figures.Flops(flops.Total)} at {Figures.Whole(flops.ContextTokens)} context: weights {Figures.Flops(flops.Matmul)} + attention {Figures.Flops(flops.Attention)}"));
        doc.Facts(facts);

        ParameterBreakdown p = model.ParameterBreakdown;
        doc.Heading("Parameters by component", 2);
        doc.Table(
            ["Component", "Parameters>", "Share>"],
            new (string Name, long Count)[]
            {
                ("Input embedding", p.Embedding),
                ("LM head", p.LmHead),
                ("Attention", p.Attention),
                ("Dense FFN", p.DenseFeedForward),
                ("Routed experts", p.RoutedExperts),
                ("Shared experts", p.SharedExperts),
                ("Routers", p.Routers),
                ("Norms", p.Norms),
            }
            .Where(row => row.Count > 0)
            .Select(row => (IReadOnlyList<string>)[row.Name, Figures.Parameters(row.Count), Figures.Percent((double)row.Count / p.Total)])
            .Append(["Total", Figures.Parameters(p.Total), "100%"]));

        doc.Bullets("Notes", model.Notes);
        doc.Bullets("Warnings", model.Warnings);
        return doc;
    }

    public static string DescribeAttention(AttentionSummary attention) => attention.Kind switch
    {
        "MLA" => $"MLA, {attention.NumAttentionHeads} heads; q_lora_rank {attention.QLoraRank?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, kv_lora_rank {attention.KvLoraRank}, qk {attention.QkNopeHeadDim}+{attention.QkRopeHeadDim} (rope), v {attention.VHeadDim}",
        _ => $"{attention.Kind}, {attention.NumAttentionHeads} query heads, {attention.NumKeyValueHeads} KV heads, head_dim {attention.HeadDim}",
    };
}
