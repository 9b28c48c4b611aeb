using ParaPlan.CostModel;
using ParaPlan.CostModel.Physics;
using ParaPlan.Domain;

namespace ParaPlan.Dag;

/// <summary>The feed-forward blocks (dense FFN, MoE with its routing) and the node helpers of <see cref="DagBuilder"/>.</summary>
public sealed partial class DagBuilder
{
    private string[] DenseBlock(int layer, int stage, DagStageUnits units, IReadOnlyList<OperatorCost> ops, string[] input, Func<string, string, string> p)
    {
        double time = Time(ops, OperatorNames.DenseFfn);
        string[] ffn = new string[units.Count];
        foreach (DagUnit u in units.Units)
        {
            ffn[u.Index] = Compute(p("ffn", u.Key), "ffn", layer, stage, u.Gpus, _rowsHidden, _rowsHidden, time, "SwiGLU, columns split by tp", [input[u.Index]]);
        }

        return TpAllReduce(p, "all_reduce.tp_ffn", layer, stage, units, ffn, Time(ops, OperatorNames.TpAllReduceFfn));
    }

    /// <summary>
    /// Router per unit; the collective that moves tokens to the experts (EP dispatch, or the MoE all-gather) with one
    /// data and one gate edge from each router and the routing table (which expert node holds which experts); the
    /// expert nodes; shared experts; the collective that brings the outputs back; the aggregation. Without attention
    /// DP every GPU holds every token: each router gates its own GPU's experts, whose node holds a one-row table.
    /// </summary>
    private string[] MoeBlock(int layer, int stage, DagStageUnits units, IReadOnlyList<OperatorCost> ops, string[] input, ModelShard shard, Func<string, string, string> p)
    {
        MixtureOfExperts moe = _model.Moe!;
        int n = units.Count;
        double routerTime = Time(ops, OperatorNames.Router);
        string routerDetail = Text($"top-{moe.ExpertsPerToken} of {moe.ExpertCount} experts per token");
        string[] routers = new string[n];
        foreach (DagUnit u in units.Units)
        {
            routers[u.Index] = Routing(p("router", u.Key), "router (gate, top-k)", layer, stage, u.Gpus, _rowsHidden, _rowsHidden, routerTime, routerDetail, [input[u.Index]]);
        }

        // Token-expert assignments an EP rank receives (every DP group's tokens reach the stage's MoE layer).
        long loadRows = Math.Max(1, (long)Math.Ceiling(TokensPerGroup * _s.DataParallel * moe.ExpertsPerToken / _s.ExpertParallel));
        long[] loadShape = [loadRows, _hidden];
        bool replicated = _s.DataParallel * _s.SequenceParallel == 1;

        // The expert nodes' ids and experts are known before the nodes are built: the routing table names them.
        var routes = new DagRoute[n];
        foreach (DagUnit u in units.Units)
        {
            routes[u.Index] = new DagRoute(p("expert", u.Key), u.Gpus, u.Experts.Start, u.Experts.End - 1);
        }

        string? inbound = null;
        if (!replicated && _s.ExpertParallel > 1)
        {
            inbound = Comm(p("all_to_all.dispatch", "stage"), "all_to_all (ep dispatch)", layer, stage, units.Gpus, _rowsHidden, loadShape, Time(ops, OperatorNames.Dispatch), Text($"tokens to the EP ranks of their experts; routing table of {n} expert nodes"), routers, routers, routes);
        }
        else if (!replicated)
        {
            inbound = Comm(p("all_gather.moe", "stage"), "all_gather (moe input)", layer, stage, units.Gpus, _rowsHidden, loadShape, Time(ops, OperatorNames.MoeAllGather), Text($"every group's tokens to every GPU (tensor-parallel experts); routing table of {n} expert nodes"), routers, routers, routes);
        }

        double expertTime = Time(ops, OperatorNames.RoutedExperts);
        string[] experts = new string[n];
        foreach (DagUnit u in units.Units)
        {
            DagRoute route = routes[u.Index];
            string detail = shard.ExpertTensorParallel > 1 && u.Gpus.Length == 1 ? Text($"experts {u.Experts}, slice {u.ExpertSlice} of {shard.ExpertTensorParallel:0}") : Text($"experts {u.Experts}");
            experts[u.Index] = inbound is not null
                ? Compute(route.Node, "expert (routed)", layer, stage, u.Gpus, loadShape, loadShape, expertTime, detail, [inbound])
                : Compute(route.Node, "expert (routed)", layer, stage, u.Gpus, _rowsHidden, loadShape, expertTime, detail, [routers[u.Index]], [routers[u.Index]], [route]);
        }

        string[]? shared = null;
        if (moe.SharedIntermediateSize > 0)
        {
            double sharedTime = Time(ops, OperatorNames.SharedExperts);
            shared = new string[n];
            foreach (DagUnit u in units.Units)
            {
                shared[u.Index] = Compute(p("shared_expert", u.Key), "expert (shared)", layer, stage, u.Gpus, _rowsHidden, _rowsHidden, sharedTime, "every token, columns split by tp", [input[u.Index]]);
            }

            if (!replicated && _s.TensorParallel > 1)
            {
                shared = TpAllReduce(p, "all_reduce.tp_shared", layer, stage, units, shared, Time(ops, OperatorNames.TpAllReduceShared));
            }
        }

        string outbound = replicated
            ? Comm(p("all_reduce.moe", "stage"), "all_reduce (moe)", layer, stage, units.Gpus, loadShape, _rowsHidden, Time(ops, OperatorNames.MoeAllReduce), "sums every GPU's expert outputs", experts)
            : _s.ExpertParallel > 1
                ? Comm(p("all_to_all.combine", "stage"), "all_to_all (ep combine)", layer, stage, units.Gpus, loadShape, _rowsHidden, Time(ops, OperatorNames.Combine), "expert outputs back to their tokens' ranks", experts)
                : Comm(p("reduce_scatter.moe", "stage"), "reduce_scatter (moe output)", layer, stage, units.Gpus, loadShape, _rowsHidden, Time(ops, OperatorNames.MoeReduceScatter), "expert outputs summed and returned to each group", experts);

        string[] output = new string[n];
        foreach (DagUnit u in units.Units)
        {
            string[] from = shared is not null ? [outbound, shared[u.Index]] : [outbound];
            output[u.Index] = Routing(p("moe_aggregate", u.Key), "moe aggregate (weighted sum + residual)", layer, stage, u.Gpus, _rowsHidden, _rowsHidden, 0, "tokens gathered back from their experts", from);
        }

        return output;
    }

    /// <summary>A tensor-parallel all-reduce per TP group (none when tp = 1); every unit of a group reads its output.</summary>
    private string[] TpAllReduce(Func<string, string, string> p, string what, int layer, int stage, DagStageUnits units, string[] inputs, double time)
    {
        if (_s.TensorParallel == 1)
        {
            return inputs;
        }

        string[] output = new string[units.Count];
        for (int g = 0; g < units.TpGroups.Length; g++)
        {
            int[] group = units.TpGroups[g];
            string id = Comm(p(what, units.TpGroupKeys[g]), "all_reduce (tp)", layer, stage, units.GpusOf(group), _rowsHidden, _rowsHidden, time, "sums the tensor-parallel partial outputs", group.Select(i => inputs[i]));
            foreach (int i in group)
            {
                output[i] = id;
            }
        }

        return output;
    }

    // ---------------- node helpers: a node is added with its inputs, after them ----------------

    private string Compute(string id, string op, int? layer, int stage, int[] gpus, long[] input, long[] output, double time, string detail, IEnumerable<string> from, IEnumerable<string>? gates = null, IReadOnlyList<DagRoute>? routing = null) =>
        Node(id, "compute", op, layer, stage, gpus, input, output, time, detail, from, gates, routing);

    private string Comm(string id, string op, int? layer, int stage, int[] gpus, long[] input, long[] output, double time, string detail, IEnumerable<string> from, IEnumerable<string>? gates = null, IReadOnlyList<DagRoute>? routing = null) =>
        Node(id, "communication", op, layer, stage, gpus, input, output, time, detail, from, gates, routing);

    private string Routing(string id, string op, int? layer, int stage, int[] gpus, long[] input, long[] output, double time, string detail, IEnumerable<string> from) =>
        Node(id, "routing", op, layer, stage, gpus, input, output, time, detail, from, null, null);

    private string Node(string id, string kind, string op, int? layer, int stage, int[] gpus, long[] input, long[] output, double time, string detail, IEnumerable<string> from, IEnumerable<string>? gates, IReadOnlyList<DagRoute>? routing) =>
        _graph.Add(new DagNode(id, kind, op, layer, stage, gpus, input, output) { TimeMs = Math.Round(time, 7), Detail = detail, Routing = routing }, from, gates);
}
