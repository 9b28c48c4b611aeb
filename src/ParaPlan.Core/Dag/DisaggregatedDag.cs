using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;
using ParaPlan.Reports;

namespace ParaPlan.Dag;

/// <summary>
/// The DAG of a prefill/decode disaggregated deployment (docs/disaggregation.md): every prefill instance's prefill
/// step on GPUs 0 .., every decode instance's decode step on the GPUs after them, and the KV cache's transfer between
/// them: from each prefill instance's last operators to a <c>send</c> on its GPUs, a <c>recv</c> on the decode instance
/// it feeds (round robin), and from there to that decode instance's first operators. Node ids are prefixed
/// <c>prefill.</c> and <c>decode.</c>.
/// </summary>
public static class DisaggregatedDag
{
    private static IReadOnlyList<DagRoute>? Routed(IReadOnlyList<DagRoute>? routes, string prefix, int offset) =>
        routes is null ? null : [.. routes.Select(r => r with { Node = prefix + r.Node, Gpus = [.. r.Gpus.Select(g => g + offset)] })];

    public static DeploymentDag Build(Scenario scenario, DisaggregatedStrategy strategy, int? firstLayer = null, int? lastLayer = null, bool collapseTp = false, IProfileSource? profiles = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(strategy);
        DeploymentDag prefill = DagBuilder.Build(scenario, strategy.PrefillPool, DagPhase.Prefill, firstLayer, lastLayer, collapseTp, profiles);
        DeploymentDag decode = DagBuilder.Build(scenario, strategy.DecodePool, DagPhase.Decode, firstLayer, lastLayer, collapseTp, profiles);
        int offset = (int)strategy.PrefillGpus;
        int prefillGpus = (int)strategy.Prefill.GpusPerInstance, decodeGpus = (int)strategy.Decode.GpusPerInstance;
        long kvElements = scenario.Model.KvCacheElementsPerToken;
        IReadOnlyList<long> kvShape = [scenario.Workload.InputTokens.Max, kvElements];

        var nodes = new List<DagNode>(prefill.Nodes.Count + decode.Nodes.Count + (2 * strategy.PrefillInstances));
        var edges = new List<DagEdge>(prefill.Edges.Count + decode.Edges.Count);
        nodes.AddRange(prefill.Nodes.Select(n => n with { Id = "prefill." + n.Id, Routing = Routed(n.Routing, "prefill.", 0) }));
        edges.AddRange(prefill.Edges.Select(e => new DagEdge("prefill." + e.From, "prefill." + e.To, e.Kind, e.Shape)));

        // Sinks of each prefill instance and sources of each decode instance (an instance's GPUs are contiguous).
        var hasOut = prefill.Edges.Select(e => e.From).ToHashSet(StringComparer.Ordinal);
        var hasIn = decode.Edges.Select(e => e.To).ToHashSet(StringComparer.Ordinal);
        ILookup<int, DagNode> sinks = prefill.Nodes.Where(n => !hasOut.Contains(n.Id) && n.Gpus.Count > 0).ToLookup(n => n.Gpus[0] / prefillGpus);
        ILookup<int, DagNode> sources = decode.Nodes.Where(n => !hasIn.Contains(n.Id) && n.Gpus.Count > 0).ToLookup(n => n.Gpus[0] / decodeGpus);

        var kvEdges = new List<DagEdge>();
        for (int p = 0; p < strategy.PrefillInstances; p++)
        {
            int d = p % strategy.DecodeInstances;
            IReadOnlyList<int> sendGpus = [.. Enumerable.Range(p * prefillGpus, prefillGpus)];
            IReadOnlyList<int> recvGpus = [.. Enumerable.Range(offset + (d * decodeGpus), decodeGpus)];
            string send = $"kv.send.{p}", recv = $"kv.recv.{p}.{d}";
            nodes.Add(new DagNode(send, "communication", "send (KV cache to decode instance " + d + ")", null, null, sendGpus, kvShape, kvShape) { Detail = "the prompt's KV cache, each GPU its shard" });
            nodes.Add(new DagNode(recv, "communication", "recv (KV cache from prefill instance " + p + ")", null, null, recvGpus, kvShape, kvShape) { Detail = "into the decode instance's pre-allocated pages" });
            edges.AddRange(sinks[p].Select(n => new DagEdge("prefill." + n.Id, send, "data", n.OutputShape)));
            edges.Add(new DagEdge(send, recv, "data", kvShape));
            kvEdges.AddRange(sources[d].Select(n => new DagEdge(recv, "decode." + n.Id, "data", kvShape)));
        }

        nodes.AddRange(decode.Nodes.Select(n => n with { Id = "decode." + n.Id, Gpus = [.. n.Gpus.Select(g => g + offset)], Routing = Routed(n.Routing, "decode.", offset) }));
        edges.AddRange(kvEdges);
        edges.AddRange(decode.Edges.Select(e => new DagEdge("decode." + e.From, "decode." + e.To, e.Kind, e.Shape)));
        return new DeploymentDag((int)strategy.GpuCount, nodes, edges)
        {
            Phase = "disaggregated (prefill pool: prefill; decode pool: decode)",
            Parallel = StrategySummary.From(strategy.DecodePool),
            PrefillParallel = StrategySummary.From(strategy.PrefillPool),
            FirstLayer = prefill.FirstLayer,
            LastLayer = prefill.LastLayer,
            ModelLayers = prefill.ModelLayers,
            CollapsedTp = collapseTp,
            Model = prefill.Model,
            TokensPerGroup = decode.TokensPerGroup,
        };
    }
}
