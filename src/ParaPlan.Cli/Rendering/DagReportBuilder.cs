using System.Globalization;
using ParaPlan.Dag;

namespace ParaPlan.Cli.Rendering;

/// <summary>The text and Markdown summary of a deployment DAG: strategy, counts, layout time, checks, time per operator.</summary>
internal static class DagReportBuilder
{
    public static ReportDocument Build(DeploymentDag dag, string path)
    {
        var doc = new ReportDocument();
        var p = dag.Parallel;
        doc.Heading($"Deployment DAG of {dag.Model}: {dag.Phase}, layers {dag.FirstLayer}-{dag.LastLayer}");
        (_, double end) = DagFormats.StartTimes(dag, 0);
        IReadOnlyList<string> problems = DagChecks.Problems(dag);
        doc.Facts(
            ("Strategy", string.Create(CultureInfo.InvariantCulture, $"tp {p.Tp}, sp {p.Sp}, dp {p.Dp}, pp {p.Pp}, ep {p.Ep}, replicas {p.Replicas} on {dag.Gpus} GPUs (every replica drawn){(dag.CollapsedTp ? "; one node per TP group" : string.Empty)}")),
            ("Step", $"{Figures.Number(dag.TokensPerGroup, "0.#")} tokens per DP group"),
            ("Nodes", string.Join(", ", dag.Nodes.GroupBy(n => n.Kind).Select(g => $"{Figures.Whole(g.Count())} {g.Key}"))),
            ("Edges", string.Join(", ", dag.Edges.GroupBy(e => e.Kind).Select(g => $"{Figures.Whole(g.Count())} {g.Key}"))),
            ("Laid out", $"{Figures.Number(end, "0.###")} ms from the first node to the last (no step overhead)"),
            ("Checks", problems.Count == 0 ? "acyclic, in topological order; every GPU computes; shapes agree along edges; every collective names its whole group; every gate edge reaches a routing table" : string.Join("; ", problems.Take(5))));
        doc.Table(
            ["Operator", "Kind", "Nodes>", "Time per node ms>"],
            dag.Nodes.GroupBy(n => (n.Op, n.Kind)).Select(g => (IReadOnlyList<string>)[g.Key.Op, g.Key.Kind, Figures.Whole(g.Count()), Figures.Number(g.Max(n => n.TimeMs), "0.####")]));
        doc.Paragraph($"Formats: --format json | dot | svg | trace (Perfetto). Example: paraplan dag {path} --format svg > dag.svg");
        return doc;
    }
}
