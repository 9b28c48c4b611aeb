using ParaPlan.Reports;

namespace ParaPlan.Dag;

/// <summary>Which step the DAG describes.</summary>
public enum DagPhase
{
    Prefill,
    Decode,
}

/// <summary>
/// One operator on the GPU(s) that run it. <c>Kind</c> is "compute", "communication" or "routing"; shapes are per GPU
/// (rows = tokens on that GPU in the step). <c>TimeMs</c> is the cost model's time for one run of the operator.
/// </summary>
public sealed record DagNode(
    string Id,
    string Kind,
    string Op,
    int? Layer,
    int? Stage,
    IReadOnlyList<int> Gpus,
    IReadOnlyList<long> InputShape,
    IReadOnlyList<long> OutputShape)
{
    public double TimeMs { get; init; }

    /// <summary>What the node holds or moves, for people (heads, experts, group).</summary>
    public string Detail { get; init; } = string.Empty;

    /// <summary>
    /// The routing table of the node a router's gate edge points at (the EP dispatch, the MoE all-gather, or, when
    /// every GPU holds every token, the GPU's own expert node): which expert node receives the tokens routed to which
    /// experts. Null on every other node.
    /// </summary>
    public IReadOnlyList<DagRoute>? Routing { get; init; }
}

/// <summary>One row of a routing table: tokens routed to experts <c>FirstExpert</c>..<c>LastExpert</c> (inclusive) reach <c>Node</c> on <c>Gpus</c>.</summary>
public sealed record DagRoute(string Node, IReadOnlyList<int> Gpus, int FirstExpert, int LastExpert);

/// <summary>
/// A dependency: "data" carries a tensor (its shape is the source's output), "gate" carries a router's decisions to
/// the node holding the routing table (one gate edge per router, so edges grow linearly with the ranks).
/// </summary>
public sealed record DagEdge(string From, string To, string Kind, IReadOnlyList<long> Shape)
{
    /// <summary>Where the builder put the source and the target in the node list (-1 when unknown): a hint, checked before use.</summary>
    internal (int From, int To) Positions { get; init; } = (-1, -1);
}

/// <summary>
/// The deployment DAG: the contract's <c>gpus</c>, <c>nodes</c> and <c>edges</c>, plus what it is of. Nodes are in
/// topological order (every edge goes from an earlier node to a later one); every replica is drawn in full.
/// </summary>
public sealed record DeploymentDag(int Gpus, IReadOnlyList<DagNode> Nodes, IReadOnlyList<DagEdge> Edges)
{
    public required string Phase { get; init; }

    public required StrategySummary Parallel { get; init; }

    /// <summary>A disaggregated DAG: the prefill pool's instance (its nodes' ids start with <c>prefill.</c>); <see cref="Parallel"/> is then the decode pool.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public StrategySummary? PrefillParallel { get; init; }

    public required int FirstLayer { get; init; }

    public required int LastLayer { get; init; }

    /// <summary>The model's layers: a DAG of layers 0..ModelLayers-1 is the whole model (and names every GPU in compute).</summary>
    public required int ModelLayers { get; init; }

    public required bool CollapsedTp { get; init; }

    public required string Model { get; init; }

    /// <summary>Tokens each DP group processes in the step (sequences in decode, a prompt chunk in prefill).</summary>
    public required double TokensPerGroup { get; init; }
}
