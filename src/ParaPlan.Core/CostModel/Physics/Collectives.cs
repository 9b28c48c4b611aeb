namespace ParaPlan.CostModel.Physics;

/// <summary>
/// Time of the collectives a strategy implies, in seconds, for a group of <c>n</c> ranks over a link of effective
/// bandwidth <c>bandwidth</c> (bytes/s per rank per direction) and per-step latency <c>latency</c> (s).
/// Bandwidth terms are the ring algorithms' (Thakur, Rabenseifner and Gropp 2005, "Optimization of collective
/// communication operations in MPICH"); latency terms grow with log2(n), as the tree, recursive-doubling and
/// one-shot algorithms NCCL and the engines' custom all-reduce use for the small messages of inference do
/// (8 x H100: ~17-24 us at 256 KB, docs/research/engine-defaults.md). See docs/cost-model.md.
/// </summary>
public static class Collectives
{
    /// <summary>All-reduce of a <paramref name="bytes"/> buffer: 2(n-1)/n x bytes / bw + 2 ceil(log2 n) x latency.</summary>
    public static double RingAllReduce(int n, double bytes, double bandwidth, double latency) =>
        n <= 1 ? 0 : (2.0 * (n - 1) / n * bytes / bandwidth) + (2.0 * Steps(n) * latency);

    /// <summary>All-gather (or reduce-scatter) whose full buffer is <paramref name="bytes"/>: (n-1)/n x bytes / bw + ceil(log2 n) x latency.</summary>
    public static double RingAllGather(int n, double bytes, double bandwidth, double latency) =>
        n <= 1 ? 0 : ((double)(n - 1) / n * bytes / bandwidth) + (Steps(n) * latency);

    /// <summary>
    /// All-reduce of a group spanning <paramref name="nodes"/> nodes with <paramref name="perNode"/> of its ranks in
    /// each: reduce-scatter inside the node, all-reduce of each rank's 1/perNode share across the nodes (every rank
    /// over its own NIC, in parallel), all-gather inside the node — the hierarchical scheme NCCL's multi-rail rings
    /// and trees amount to (Thakur et al. 2005; NCCL's per-NIC channels).
    /// </summary>
    public static double HierarchicalAllReduce(int perNode, int nodes, double bytes, double intraBandwidth, double intraLatency, double interBandwidth, double interLatency) =>
        (2 * RingAllGather(perNode, bytes, intraBandwidth, intraLatency)) + RingAllReduce(nodes, bytes / Math.Max(1, perNode), interBandwidth, interLatency);

    /// <summary>All-gather (or reduce-scatter) of a full <paramref name="bytes"/> buffer over nodes: across the nodes per NIC, then inside the node.</summary>
    public static double HierarchicalAllGather(int perNode, int nodes, double bytes, double intraBandwidth, double intraLatency, double interBandwidth, double interLatency) =>
        RingAllGather(perNode, bytes, intraBandwidth, intraLatency) + RingAllGather(nodes, bytes / Math.Max(1, perNode), interBandwidth, interLatency);

    /// <summary>ceil(log2 n): the rounds of a tree or recursive-doubling collective.</summary>
    public static int Steps(int n) => n <= 1 ? 0 : (int)Math.Ceiling(Math.Log2(n));

    /// <summary>
    /// All-to-all where each rank holds <paramref name="bytesPerRank"/> to spread evenly over the n ranks: the
    /// (n-1)/n that leaves the rank crosses the link once; pairwise exchange costs about two latencies.
    /// </summary>
    public static double AllToAll(int n, double bytesPerRank, double bandwidth, double latency) =>
        n <= 1 ? 0 : ((double)(n - 1) / n * bytesPerRank / bandwidth) + (2 * latency);

    /// <summary>Point-to-point send of <paramref name="bytes"/>.</summary>
    public static double SendReceive(double bytes, double bandwidth, double latency) => (bytes / bandwidth) + latency;
}
