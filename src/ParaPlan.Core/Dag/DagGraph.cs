namespace ParaPlan.Dag;

/// <summary>
/// The nodes and edges of a DAG under construction, in topological order by construction: a node's inputs (data
/// and gate sources) are given when the node is added and must already be in the graph, and no edge is ever added
/// afterwards, so every edge goes from an earlier node to a later one and the graph cannot hold a cycle.
/// </summary>
internal sealed class DagGraph
{
    private readonly List<DagNode> _nodes = [];
    private readonly List<DagEdge> _edges = [];
    private readonly Dictionary<string, int> _position = new(StringComparer.Ordinal);

    public IReadOnlyList<DagNode> Nodes => _nodes;

    public IReadOnlyList<DagEdge> Edges => _edges;

    /// <summary>Adds <paramref name="node"/> after its inputs: a data edge from each of <paramref name="data"/>, a gate edge from each of <paramref name="gates"/>.</summary>
    /// <exception cref="InvalidOperationException">An input is not in the graph yet, or the id is taken (a fault in the builder; the build is abandoned).</exception>
    public string Add(DagNode node, IEnumerable<string> data, IEnumerable<string>? gates = null)
    {
        if (_position.ContainsKey(node.Id))
        {
            throw new InvalidOperationException($"DAG node {node.Id} is added twice.");
        }

        AddEdges(node, data, DagEdgeKinds.Data);
        if (gates is not null)
        {
            AddEdges(node, gates, DagEdgeKinds.Gate);
        }

        _position.Add(node.Id, _nodes.Count);
        _nodes.Add(node);
        return node.Id;
    }

    private void AddEdges(DagNode node, IEnumerable<string> sources, string kind)
    {
        foreach (string source in sources)
        {
            if (!_position.TryGetValue(source, out int from))
            {
                throw new InvalidOperationException($"DAG node {node.Id} reads {source}, which is not built before it (a node's inputs are added first).");
            }

            _edges.Add(new DagEdge(_nodes[from].Id, node.Id, kind, _nodes[from].OutputShape) { Positions = (from, _nodes.Count) });
        }
    }
}

/// <summary>The contract's edge kinds.</summary>
public static class DagEdgeKinds
{
    /// <summary>Carries a tensor; its shape is the source's output shape.</summary>
    public const string Data = "data";

    /// <summary>Carries a router's decisions to the node holding the routing table.</summary>
    public const string Gate = "gate";
}
