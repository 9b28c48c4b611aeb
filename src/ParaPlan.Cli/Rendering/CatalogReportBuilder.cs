using ParaPlan.Catalog;
using ParaPlan.Domain;
using ParaPlan.Reports;

namespace ParaPlan.Cli.Rendering;

/// <summary>The human reports of <c>paraplan models</c> and <c>paraplan gpus</c>.</summary>
internal static class CatalogReportBuilder
{
    public static ReportDocument Models(IEnumerable<CatalogModel> models)
    {
        var doc = new ReportDocument().Heading("Built-in models");
        doc.Table(
            ["Id", "Hugging Face repo", "Type", "Layers>", "Hidden>", "Attention", "Experts", "Total>", "Active>", "KV elems/token>"],
            models.Select(m =>
            {
                ModelArchitecture a = m.Architecture;
                string experts = a.Moe is { } moe && a.IsMoe
                    ? $"{moe.ExpertCount} top-{moe.ExpertsPerToken}{(moe.SharedExpertCount > 0 ? $" +{moe.SharedExpertCount} shared" : string.Empty)}"
                    : "-";
                return (IReadOnlyList<string>)
                [
                    m.Id, m.HuggingFaceRepo, a.Family, a.LayerCount.ToString(System.Globalization.CultureInfo.InvariantCulture), Figures.Whole(a.HiddenSize),
                    $"{a.Attention.Kind} {a.Attention.HeadCount}/{(a.Attention is GroupedQueryAttention g ? g.KeyValueHeadCount : 1)}",
                    experts, Figures.Parameters(a.TotalParameters), Figures.Parameters(a.ActiveParameters), Figures.Whole(a.KvCacheElementsPerToken) + (a.HasSlidingWindow ? " +window" : string.Empty),
                ];
            }));
        doc.Paragraph("Parameters are counted from each config.json (embeddings and LM head included, MTP layers excluded). KV elements per token count the full-attention layers; \"+window\": sliding-window layers add at most their window per sequence. Details: paraplan model ID.");
        return doc;
    }

    public static ReportDocument Gpus(IEnumerable<GpuSummary> gpus)
    {
        var doc = new ReportDocument().Heading("Built-in GPUs");
        doc.Table(
            ["Id", "Name", "Memory GB>", "HBM TB/s>", "BF16 TFLOPS>", "FP8 TFLOPS>", "FP4 TFLOPS>", "GPUs/node>", "Intra-node GB/s>", "Inter-node GB/s>"],
            gpus.Select(g => (IReadOnlyList<string>)
            [
                g.Id, g.Name, Figures.Number(g.MemoryGb), Figures.Number(g.MemoryBandwidthTbps), Peak(g, "bf16"), Peak(g, "fp8"), Peak(g, "fp4"),
                g.GpusPerNode.ToString(System.Globalization.CultureInfo.InvariantCulture), Figures.Number(g.IntraNodeGbps), Figures.Number(g.InterNodeGbps),
            ]));
        doc.Paragraph("Dense tensor throughput (no sparsity); link bandwidth per GPU per direction. Sources for every figure: paraplan gpus --format json, or data/gpus/README.md.");
        return doc;
    }

    private static string Peak(GpuSummary gpu, string format) =>
        gpu.Tflops.TryGetValue(format, out double value) ? Figures.Number(value, "0.#") : "-";
}
