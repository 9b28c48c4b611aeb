using System.Globalization;

namespace ParaPlan.Dag;

/// <summary>
/// Graphviz DOT of a deployment DAG, written line by line: compute nodes are boxes, communication nodes ellipses,
/// routing and aggregation nodes parallelograms, gate edges dashed; each pipeline stage (of each replica) is a
/// cluster, and inside it each GPU's single-GPU nodes are a cluster; labels hold the op, its GPUs, its shapes, its
/// time, and for a node holding a routing table how many expert nodes it routes to.
/// </summary>
public static class DagDot
{
    /// <summary>Writes the DOT of <paramref name="dag"/> to <paramref name="output"/>.</summary>
    public static void Write(TextWriter output, DeploymentDag dag, int gpusPerNode)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(dag);
        output.WriteLine("digraph deployment {");
        output.WriteLine(Invariant($"  label=\"{Escape(dag.Model)}: {dag.Phase}, tp{dag.Parallel.Tp} sp{dag.Parallel.Sp} dp{dag.Parallel.Dp} pp{dag.Parallel.Pp} ep{dag.Parallel.Ep} x{dag.Parallel.Replicas}, layers {dag.FirstLayer}-{dag.LastLayer}\";"));
        output.WriteLine("  labelloc=t; rankdir=TB; compound=true; newrank=true;");
        output.WriteLine("  node [fontname=\"Helvetica\", fontsize=9]; edge [fontname=\"Helvetica\", fontsize=8];");
        int stages = dag.Parallel.Pp;
        int perReplica = dag.Gpus / Math.Max(1, dag.Parallel.Replicas);
        foreach (IGrouping<int, DagNode> stageGroup in dag.Nodes.GroupBy(n => StageKey(n, perReplica, stages)).OrderBy(g => g.Key))
        {
            int replica = stageGroup.Key / stages, stage = stageGroup.Key % stages;
            output.WriteLine(Invariant($"  subgraph cluster_r{replica}_s{stage} {{"));
            output.WriteLine(Invariant($"    label=\"replica {replica}, stage {stage}\"; style=rounded; color=gray50;"));
            foreach (IGrouping<int, DagNode> gpuGroup in stageGroup.Where(n => n.Gpus.Count == 1).GroupBy(n => n.Gpus[0]).OrderBy(g => g.Key))
            {
                output.WriteLine(Invariant($"    subgraph cluster_gpu{gpuGroup.Key} {{"));
                output.WriteLine(Invariant($"      label=\"GPU {gpuGroup.Key} (node {gpuGroup.Key / gpusPerNode})\"; style=dashed; color=gray70;"));
                foreach (DagNode node in gpuGroup)
                {
                    WriteNode(output, "      ", node);
                }

                output.WriteLine("    }");
            }

            foreach (DagNode node in stageGroup.Where(n => n.Gpus.Count != 1))
            {
                WriteNode(output, "    ", node);
            }

            output.WriteLine("  }");
        }

        foreach (DagEdge edge in dag.Edges)
        {
            output.Write("  \"");
            output.Write(Escape(edge.From));
            output.Write("\" -> \"");
            output.Write(Escape(edge.To));
            output.Write('"');
            output.WriteLine(edge.Kind == DagEdgeKinds.Gate ? " [style=dashed, color=gray40, arrowhead=empty];" : ";");
        }

        output.WriteLine("}");
        output.Flush();
    }

    private static int StageKey(DagNode node, int perReplica, int stages) =>
        (node.Gpus[0] / Math.Max(1, perReplica) * stages) + (node.Stage ?? 0);

    /// <summary>One node line, written piece by piece: id, shape, and a label of op (layer), GPUs, shapes, time, detail.</summary>
    private static void WriteNode(TextWriter output, string indent, DagNode node)
    {
        string shape = node.Kind switch
        {
            "communication" => "ellipse",
            "routing" => "parallelogram",
            _ => "box",
        };
        output.Write(indent);
        output.Write('"');
        output.Write(Escape(node.Id));
        output.Write("\" [shape=");
        output.Write(shape);
        output.Write(", label=\"");
        output.Write(node.Op);
        if (node.Layer is { } l)
        {
            output.Write(" (layer ");
            output.Write(l.ToString(CultureInfo.InvariantCulture));
            output.Write(')');
        }

        output.Write("\\nGPU ");
        output.Write(DagFormats.Gpus(node.Gpus));
        output.Write("\\n[");
        WriteShape(output, node.InputShape);
        output.Write("] -> [");
        WriteShape(output, node.OutputShape);
        output.Write("]\\n");
        output.Write(node.TimeMs.ToString("0.####", CultureInfo.InvariantCulture));
        output.Write(" ms");
        if (node.Detail.Length > 0)
        {
            output.Write("\\n");
            output.Write(Escape(node.Detail));
        }

        output.WriteLine("\"];");
    }

    private static void WriteShape(TextWriter output, IReadOnlyList<long> shape)
    {
        for (int i = 0; i < shape.Count; i++)
        {
            if (i > 0)
            {
                output.Write('x');
            }

            output.Write(shape[i].ToString(CultureInfo.InvariantCulture));
        }
    }

    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
