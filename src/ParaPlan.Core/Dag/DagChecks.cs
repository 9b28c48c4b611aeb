using ParaPlan.Reports;

namespace ParaPlan.Dag;

/// <summary>
/// The contract's properties of a deployment DAG: acyclic, with nodes in topological order (every edge from an
/// earlier node to a later one, which the trace and the summary rely on); every GPU 0..N-1 in some compute node;
/// every layer has its attention and FFN or MoE compute; an edge's shape equals its source's output shape, and a data
/// edge into a single-input node carries that node's input shape; a collective names every GPU of its group; a gate
/// edge ends at a node with a routing table whose rows name expert nodes.
/// </summary>
public static class DagChecks
{
    public static IReadOnlyList<string> Problems(DeploymentDag dag, int? tensorParallel = null)
    {
        ArgumentNullException.ThrowIfNull(dag);
        var problems = new List<string>();
        // Nodes by position; a repeated id keeps its first position.
        var position = new Dictionary<string, int>(dag.Nodes.Count, StringComparer.Ordinal);
        for (int i = 0; i < dag.Nodes.Count; i++)
        {
            if (!position.TryAdd(dag.Nodes[i].Id, i))
            {
                problems.Add($"node id {dag.Nodes[i].Id} appears twice");
            }
        }

        int count = dag.Nodes.Count;
        int[] indegree = new int[count];
        int[] dataEdges = new int[count];
        var lastDataEdge = new DagEdge?[count];
        var outgoing = new List<int>?[count];
        bool ordered = true;
        foreach (DagEdge edge in dag.Edges)
        {
            if (!position.TryGetValue(edge.From, out int from) || !position.TryGetValue(edge.To, out int to))
            {
                problems.Add($"edge {edge.From} -> {edge.To} names a missing node");
                continue;
            }

            DagNode source = dag.Nodes[from];
            if (!edge.Shape.SequenceEqual(source.OutputShape))
            {
                problems.Add($"edge {edge.From} -> {edge.To}: shape [{string.Join(",", edge.Shape)}] is not the source's output [{string.Join(",", source.OutputShape)}]");
            }

            if (from >= to && ordered)
            {
                ordered = false;
                problems.Add($"edge {edge.From} -> {edge.To} goes against the node order (nodes are not in topological order)");
            }

            indegree[to]++;
            (outgoing[from] ??= []).Add(to);
            if (edge.Kind == DagEdgeKinds.Data)
            {
                dataEdges[to]++;
                lastDataEdge[to] = edge;
            }
            else if (dag.Nodes[to].Routing is not { Count: > 0 })
            {
                problems.Add($"gate edge {edge.From} -> {edge.To}: {edge.To} holds no routing table");
            }
        }

        for (int i = 0; i < count; i++)
        {
            DagNode node = dag.Nodes[i];
            if (node.Routing?.FirstOrDefault(r => !position.TryGetValue(r.Node, out int expert) || !dag.Nodes[expert].Op.StartsWith("expert", StringComparison.Ordinal)) is { } stray)
            {
                problems.Add($"routing table of {node.Id} names {stray.Node}, which is not an expert node");
            }

            if (dataEdges[i] == 1 && node.Kind != "communication" && lastDataEdge[i] is { } only && !only.Shape.SequenceEqual(node.InputShape))
            {
                problems.Add($"node {node.Id}: input [{string.Join(",", node.InputShape)}] but its data edge carries [{string.Join(",", only.Shape)}]");
            }
        }

        // Kahn's algorithm: every node is reached when and only when there is no cycle.
        var queue = new Queue<int>(Enumerable.Range(0, count).Where(i => indegree[i] == 0));
        int seen = 0;
        while (queue.Count > 0)
        {
            int i = queue.Dequeue();
            seen++;
            foreach (int next in outgoing[i] ?? [])
            {
                if (--indegree[next] == 0)
                {
                    queue.Enqueue(next);
                }
            }
        }

        if (seen != count)
        {
            problems.Add($"the graph has a cycle ({count - seen} nodes on or behind it)");
        }

        // The whole model names every GPU in compute; a --layers range, every GPU of the stages it draws.
        var computeGpus = new HashSet<int>(dag.Nodes.Where(n => n.Kind == "compute").SelectMany(n => n.Gpus));
        foreach (int g in ExpectedGpus(dag).Where(g => !computeGpus.Contains(g)))
        {
            problems.Add($"GPU {g} appears in no compute node");
        }

        var attentionLayers = new HashSet<int>();
        var ffnLayers = new HashSet<int>();
        foreach (DagNode node in dag.Nodes)
        {
            if (node.Kind == "compute" && node.Layer is { } layer)
            {
                if (node.Op.StartsWith("attention", StringComparison.Ordinal))
                {
                    attentionLayers.Add(layer);
                }
                else if (node.Op.StartsWith("ffn", StringComparison.Ordinal) || node.Op.StartsWith("expert", StringComparison.Ordinal))
                {
                    ffnLayers.Add(layer);
                }
            }
        }

        for (int layer = dag.FirstLayer; layer <= dag.LastLayer; layer++)
        {
            if (!attentionLayers.Contains(layer))
            {
                problems.Add($"layer {layer} has no attention compute");
            }

            if (!ffnLayers.Contains(layer))
            {
                problems.Add($"layer {layer} has no FFN or MoE compute");
            }
        }

        // In a disaggregated DAG the prefill pool's collectives have its own groups, and a KV transfer names the GPUs of
        // the instance that sends or receives it.
        foreach (DagNode node in dag.Nodes.Where(n => n.Kind == "communication"))
        {
            StrategySummary p = dag.PrefillParallel is { } prefill && node.Id.StartsWith("prefill.", StringComparison.Ordinal) ? prefill : dag.Parallel;
            int tp = tensorParallel ?? p.Tp;
            int stage = p.Tp * p.Sp * p.Dp;
            int expected = node.Op switch
            {
                _ when node.Op.StartsWith("send (KV cache", StringComparison.Ordinal) && dag.PrefillParallel is { } sender => (int)(sender.Gpus / sender.Replicas),
                _ when node.Op.StartsWith("recv (KV cache", StringComparison.Ordinal) => (int)(dag.Parallel.Gpus / dag.Parallel.Replicas),
                "all_reduce (tp)" => tp,
                "all_to_all (ep dispatch)" or "all_to_all (ep combine)" or "all_reduce (moe)" or "all_gather (moe input)" or "reduce_scatter (moe output)" => stage,
                "send/recv (pp)" => 2 * (dag.CollapsedTp ? tp : 1),
                _ => p.Sp * (dag.CollapsedTp ? tp : 1),
            };
            if (node.Gpus.Distinct().Count() != expected)
            {
                problems.Add($"{node.Id}: {node.Op} names {node.Gpus.Distinct().Count()} GPUs, its group has {expected}");
            }
        }

        return problems;
    }

    private static IEnumerable<int> ExpectedGpus(DeploymentDag dag)
    {
        if (dag.FirstLayer == 0 && dag.LastLayer == dag.ModelLayers - 1)
        {
            return Enumerable.Range(0, dag.Gpus);
        }

        int stageSize = dag.Parallel.Tp * dag.Parallel.Sp * dag.Parallel.Dp;
        int[] stages = [.. dag.Nodes.Select(n => n.Stage ?? 0).Distinct().Order()];
        return Enumerable.Range(0, dag.Parallel.Replicas)
            .SelectMany(r => stages.SelectMany(s => Enumerable.Range((((r * dag.Parallel.Pp) + s) * stageSize), stageSize)));
    }
}
