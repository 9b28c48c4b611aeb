namespace ParaPlan.Planning;

/// <summary>A half-open range [Start, End) of indices (layers, heads, experts).</summary>
public readonly record struct IndexRange(int Start, int End)
{
    public int Count => End - Start;

    public override string ToString() => Count == 1 ? $"{Start}" : $"{Start}-{End - 1}";
}

/// <summary>
/// What one GPU does: where it sits (node, coordinates in every parallel dimension) and what it holds (layers,
/// attention and KV heads, experts and which slice of them).
/// </summary>
public sealed record GpuAssignment(
    int Gpu,
    int Node,
    int Replica,
    int Stage,
    int DpRank,
    int SpRank,
    int TpRank,
    int EpRank,
    int ExpertSlice,
    IndexRange Layers,
    IndexRange AttentionHeads,
    IndexRange KvHeads,
    IndexRange Experts,
    bool HoldsEmbedding,
    bool HoldsLmHead)
{
    /// <summary>"prefill" or "decode" in a disaggregated plan (its replicas are the pool's instances); null otherwise.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Pool { get; init; }

    /// <summary>
    /// Expert slots of this GPU's EP rank beyond its experts' range: copies of popular experts, which the engine's
    /// load balancer (EPLB) chooses at run time (parallel.redundant_experts); 0 without redundant experts.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public int RedundantSlots { get; init; }
}
