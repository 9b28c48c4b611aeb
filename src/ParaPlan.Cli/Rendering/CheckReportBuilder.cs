using System.Globalization;
using ParaPlan.Reports;

namespace ParaPlan.Cli.Rendering;

/// <summary>The human report of <c>paraplan check</c>.</summary>
internal static class CheckReportBuilder
{
    public static ReportDocument Build(ScenarioCheck check)
    {
        var doc = new ReportDocument();
        doc.Heading($"Scenario {check.Name ?? check.File}");
        ModelSummary m = check.Model;
        GpuSummary g = check.Gpu;
        string tflops = string.Join(", ", g.Tflops.Select(t => $"{t.Key} {Figures.Number(t.Value, "0.#")}"));
        string efficiency = g.Mfu is null && g.BandwidthUtilization is null
            ? string.Empty
            : $"; stated efficiency: MFU {(g.Mfu is { } mfu ? Figures.Percent(mfu) : "-")}, bandwidth {(g.BandwidthUtilization is { } bw ? Figures.Percent(bw) : "-")}";
        doc.Facts(
            ("Model", $"{m.Name} ({m.Source}): {Figures.Parameters(m.TotalParameters)} total, {Figures.Parameters(m.ActiveParameters)} active, {m.NumHiddenLayers} layers{(m.NumExperts > 0 ? $", {m.NumExperts} experts top-{m.NumExpertsPerTok}" : string.Empty)}"),
            ("Precision", $"weights {check.Precision.Weights}{PrecisionModules(check.Precision)}, activations {check.Precision.Activations}, KV cache {check.Precision.KvCache}"),
            ("GPU", $"{g.Name}: {Figures.Number(g.MemoryGb)} GB, {Figures.Number(g.MemoryBandwidthTbps)} TB/s, TFLOPS {tflops}{efficiency}"),
            ("GPUs", check.Gpus is { } n ? $"{n} available, {check.GpusPerNode} per node" : $"ample (no limit), {check.GpusPerNode} per node"),
            ("Engine", check.Engine),
            ("Workload", check.Workload.Description),
            ("Requirements", ConditionText.Requirements(check.Requirements)),
            ("Objective", check.Objective));

        doc.Heading("Strategy", 2);
        if (check.Parallel is { } p)
        {
            doc.Paragraph(string.Create(CultureInfo.InvariantCulture,
                $"tp {p.Tp}, sp {p.Sp}, dp {p.Dp}, pp {p.Pp}, ep {p.Ep}, replicas {p.Replicas}: {p.Gpus} GPUs (replicas x pp x tp x sp x dp = {p.Replicas} x {p.Pp} x {p.Tp} x {p.Sp} x {p.Dp})"));
            doc.Paragraph(check.Valid ? "Valid: it breaks none of the strategy rules." : "Invalid:");
            doc.Bullets(null, check.Violations.Select(v => $"{v.Field}: {v.Problem}"));
        }
        else
        {
            doc.Paragraph(check.Disaggregated is { } pools
                ? $"Disaggregated: {pools} ({pools.GpuCount} GPUs); `paraplan estimate` costs it (docs/disaggregation.md)."
                : "None stated: `paraplan plan` will search for one.");
        }

        if (check.Claims.Count > 0)
        {
            doc.Heading("Claimed figures", 2);
            doc.Table(["Claim", "Value>"], check.Claims.Select(c => (IReadOnlyList<string>)[c.Key, Figures.Number(c.Value, "0.####")]));
        }

        doc.Bullets("Assumptions (defaults applied)", check.Assumptions);
        doc.Bullets("Warnings", check.Warnings);
        return doc;
    }

    /// <summary>", attention bf16, experts mxfp4" for the modules whose format differs from the weights'; empty otherwise.</summary>
    public static string PrecisionModules(PrecisionSummary precision)
    {
        var parts = new List<string>();
        if (precision.Attention is { } attention)
        {
            parts.Add($"attention {attention}");
        }

        if (precision.Experts is { } experts)
        {
            parts.Add($"experts {experts}");
        }

        if (precision.Dense is { } dense)
        {
            parts.Add($"dense {dense}");
        }

        if (precision.Embeddings is { } embeddings)
        {
            parts.Add($"embeddings {embeddings}");
        }

        return parts.Count == 0 ? string.Empty : " (" + string.Join(", ", parts) + ")";
    }
}
