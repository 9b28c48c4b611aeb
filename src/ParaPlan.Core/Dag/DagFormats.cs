using System.Globalization;
using System.Text;

namespace ParaPlan.Dag;

/// <summary>
/// The layout of a DAG in time (<see cref="Schedule"/>), GPU lists in words, and the DOT and trace forms as strings
/// (for small DAGs and tests; the command line streams them with <see cref="DagDot"/> and <see cref="DagTrace"/>).
/// </summary>
public static class DagFormats
{
    /// <summary>The DOT of <paramref name="dag"/> (<see cref="DagDot"/>) as a string.</summary>
    public static string ToDot(DeploymentDag dag, int gpusPerNode)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        DagDot.Write(text, dag, gpusPerNode);
        return text.ToString();
    }

    /// <summary>The Chrome trace of <paramref name="dags"/> (<see cref="DagTrace"/>) as a string.</summary>
    public static string ToTrace(IReadOnlyList<DeploymentDag> dags, int gpusPerNode)
    {
        ArgumentNullException.ThrowIfNull(dags);
        using var stream = new MemoryStream();
        DagTrace.Write(stream, dags.Count > 0 ? dags[0].Gpus : 0, gpusPerNode, dags);
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>Start times (ms) of every node and the end of the last, laying nodes out in dependency order.</summary>
    public static (Dictionary<string, double> Start, double End) Schedule(DeploymentDag dag, double offset = 0)
    {
        (double[] start, double end) = StartTimes(dag, offset);
        var byId = new Dictionary<string, double>(dag.Nodes.Count, StringComparer.Ordinal);
        for (int i = 0; i < start.Length; i++)
        {
            byId[dag.Nodes[i].Id] = start[i];
        }

        return (byId, end);
    }

    /// <summary>
    /// Start times (ms) of the nodes by position: a node starts when its inputs are done and its GPUs' track
    /// (compute, or communication) is free. One pass in node order, which is topological.
    /// </summary>
    /// <exception cref="InvalidOperationException">An edge goes against the node order.</exception>
    public static (double[] Start, double End) StartTimes(DeploymentDag dag, double offset)
    {
        ArgumentNullException.ThrowIfNull(dag);
        int count = dag.Nodes.Count;
        int maxGpu = -1;
        foreach (DagNode node in dag.Nodes)
        {
            foreach (int g in node.Gpus)
            {
                maxGpu = Math.Max(maxGpu, g);
            }
        }

        // The builder's positions when they still hold (the same id object at that place), else a lookup by id.
        Dictionary<string, int>? byId = null;
        int Position(string id, int hint)
        {
            if (hint >= 0 && hint < count && ReferenceEquals(dag.Nodes[hint].Id, id))
            {
                return hint;
            }

            if (byId is null)
            {
                byId = new Dictionary<string, int>(count, StringComparer.Ordinal);
                for (int i = 0; i < count; i++)
                {
                    byId[dag.Nodes[i].Id] = i;
                }
            }

            return byId[id];
        }

        int[] sources = new int[dag.Edges.Count], targets = new int[dag.Edges.Count];
        for (int e = 0; e < dag.Edges.Count; e++)
        {
            DagEdge edge = dag.Edges[e];
            sources[e] = Position(edge.From, edge.Positions.From);
            targets[e] = Position(edge.To, edge.Positions.To);
        }

        // Each node's inputs as positions, grouped by reader (compressed rows: inputs of node i at first[i]..first[i+1]).
        int[] first = new int[count + 1];
        foreach (int to in targets)
        {
            first[to + 1]++;
        }

        for (int i = 0; i < count; i++)
        {
            first[i + 1] += first[i];
        }

        int[] inputs = new int[dag.Edges.Count];
        int[] fill = (int[])first.Clone();
        for (int e = 0; e < sources.Length; e++)
        {
            int from = sources[e], to = targets[e];
            if (from >= to)
            {
                throw new InvalidOperationException($"DAG edge {dag.Edges[e].From} -> {dag.Edges[e].To} goes against the node order; nodes must be in topological order.");
            }

            inputs[fill[to]++] = from;
        }

        double[] start = new double[count], finish = new double[count];
        double[] free = new double[2 * (maxGpu + 1)];
        Array.Fill(free, offset);
        double end = offset;
        for (int i = 0; i < count; i++)
        {
            DagNode node = dag.Nodes[i];
            int track = node.Kind == "communication" ? 1 : 0;
            double ready = offset;
            for (int k = first[i]; k < first[i + 1]; k++)
            {
                ready = Math.Max(ready, finish[inputs[k]]);
            }

            foreach (int g in node.Gpus)
            {
                ready = Math.Max(ready, free[(2 * g) + track]);
            }

            start[i] = ready;
            finish[i] = ready + node.TimeMs;
            foreach (int g in node.Gpus)
            {
                free[(2 * g) + track] = finish[i];
            }

            end = Math.Max(end, finish[i]);
        }

        return (start, end);
    }

    /// <summary>"0-7" or "0,2,4" or "3".</summary>
    public static string Gpus(IReadOnlyList<int> gpus)
    {
        ArgumentNullException.ThrowIfNull(gpus);
        if (gpus.Count == 1)
        {
            return gpus[0].ToString(CultureInfo.InvariantCulture);
        }

        var sorted = gpus.Distinct().Order().ToList();
        bool contiguous = sorted.Count > 1 && sorted[^1] - sorted[0] == sorted.Count - 1;
        return contiguous ? string.Create(CultureInfo.InvariantCulture, $"{sorted[0]}-{sorted[^1]}") : string.Join(",", sorted);
    }
}
