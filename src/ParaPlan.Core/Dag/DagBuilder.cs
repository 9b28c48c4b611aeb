using System.Globalization;
using ParaPlan.CostModel;
using ParaPlan.CostModel.Physics;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;
using ParaPlan.Planning;
using ParaPlan.Reports;

namespace ParaPlan.Dag;

/// <summary>
/// Builds the deployment DAG of a strategy by walking the cost model's per-operator description
/// (<see cref="Estimator.Describe"/>): every operator of every layer on the GPUs that run it, the collectives
/// between them naming every GPU of their group, routing and aggregation around the experts with gate edges, the
/// embedding, LM head and pipeline hand-offs. Node times are the description's times per run.
/// </summary>
public sealed class DagBuilder
{
    private readonly Scenario _scenario;
    private readonly ParallelStrategy _s;
    private readonly ModelArchitecture _model;
    private readonly bool _collapse;
    private readonly DagPhase _phase;
    private readonly List<DagNode> _nodes = [];
    private readonly List<DagEdge> _edges = [];
    private readonly Dictionary<string, DagNode> _byId = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<IReadOnlyList<OperatorCost>> _stages;
    private readonly int[] _stageStart;
    private readonly int[] _stageCount;
    private readonly int _perNode;
    private readonly long _rows;
    private readonly long _hidden;

    private DagBuilder(Scenario scenario, ParallelStrategy strategy, OperatorDescription description, DagPhase phase, bool collapseTp)
    {
        _scenario = scenario;
        _s = strategy;
        _model = scenario.Model;
        _collapse = collapseTp;
        _phase = phase;
        _stages = phase == DagPhase.Decode ? description.DecodeStages : description.PrefillStages;
        (_stageCount, _stageStart) = RankLayout.LayerSplit(_model.LayerCount, Math.Min(strategy.PipelineParallel, _model.LayerCount));
        _perNode = scenario.Hardware.GpusPerNode;
        double tokens = phase == DagPhase.Decode ? description.DecodeTokensPerGroup : description.PrefillTokensPerGroup;
        TokensPerGroup = tokens;
        _rows = (long)Math.Max(1, Math.Ceiling(tokens / strategy.SequenceParallel));
        _hidden = _model.HiddenSize;
    }

    private double TokensPerGroup { get; }

    /// <summary>Builds the DAG of <paramref name="strategy"/> for layers <paramref name="firstLayer"/>..<paramref name="lastLayer"/> (inclusive).</summary>
    /// <param name="scenario">The deployment conditions.</param>
    /// <param name="strategy">The strategy whose DAG is built.</param>
    /// <param name="phase">A decode step or a prefill chunk.</param>
    /// <param name="firstLayer">First layer shown (default 0).</param>
    /// <param name="lastLayer">Last layer shown (default the model's last).</param>
    /// <param name="collapseTp">True for one node per tensor-parallel group instead of one per GPU.</param>
    /// <param name="profiles">Where the efficiency profile comes from (<c>--profiles</c>); the built-in catalog by default.</param>
    public static DeploymentDag Build(Scenario scenario, ParallelStrategy strategy, DagPhase phase, int? firstLayer = null, int? lastLayer = null, bool collapseTp = false, IProfileSource? profiles = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        OperatorDescription description = Estimator.Describe(scenario, strategy, (profiles ?? EfficiencyCatalog.BuiltIn).Resolve(scenario.Engine, scenario.Hardware.Gpu));
        var builder = new DagBuilder(scenario, strategy, description, phase, collapseTp);
        int first = Math.Max(0, firstLayer ?? 0);
        int last = Math.Min(scenario.Model.LayerCount - 1, lastLayer ?? scenario.Model.LayerCount - 1);
        builder.Walk(first, last);
        return new DeploymentDag((int)strategy.GpuCount, builder._nodes, builder._edges)
        {
            Phase = phase.ToString().ToLowerInvariant(),
            Parallel = StrategySummary.From(strategy),
            FirstLayer = first,
            LastLayer = last,
            CollapsedTp = collapseTp,
            Model = scenario.Model.Name,
            TokensPerGroup = builder.TokensPerGroup,
        };
    }

    // ---------------- GPU arithmetic (RankLayout's order: tp fastest, then sp, dp, pp, replica) ----------------

    private int Gpu(int replica, int stage, int dp, int sp, int tp) =>
        ((((((replica * _s.PipelineParallel) + stage) * _s.DataParallel) + dp) * _s.SequenceParallel) + sp) * _s.TensorParallel + tp;

    private int StageOf(int layer)
    {
        for (int s = _stageStart.Length - 1; s >= 0; s--)
        {
            if (layer >= _stageStart[s])
            {
                return s;
            }
        }

        return 0;
    }

    /// <summary>The attention-side units of a stage: one per GPU, or one per TP group when collapsed.</summary>
    private List<Unit> Units(int replica, int stage)
    {
        var units = new List<Unit>();
        for (int d = 0; d < _s.DataParallel; d++)
        {
            for (int p = 0; p < _s.SequenceParallel; p++)
            {
                if (_collapse)
                {
                    units.Add(new Unit(d, p, -1, [.. Enumerable.Range(0, _s.TensorParallel).Select(t => Gpu(replica, stage, d, p, t))]));
                }
                else
                {
                    for (int t = 0; t < _s.TensorParallel; t++)
                    {
                        units.Add(new Unit(d, p, t, [Gpu(replica, stage, d, p, t)]));
                    }
                }
            }
        }

        return units;
    }

    private sealed record Unit(int Dp, int Sp, int Tp, int[] Gpus)
    {
        public string Key => Tp < 0 ? string.Create(CultureInfo.InvariantCulture, $"d{Dp}s{Sp}") : string.Create(CultureInfo.InvariantCulture, $"d{Dp}s{Sp}t{Tp}");
    }

    // ---------------- the walk ----------------

    private void Walk(int first, int last)
    {
        ModelShard shard = new(_model, _s);
        long qkvWidth = (long)Math.Ceiling(shard.QkvOutputWidth);
        long heads = (long)Math.Ceiling(shard.HeadsPerGpu);
        long vDim = _model.Attention.ValueHeadDim;
        for (int replica = 0; replica < _s.Replicas; replica++)
        {
            Dictionary<string, string>? previous = null; // unit key -> id of the node carrying its residual stream
            int previousStage = -1;
            for (int layer = first; layer <= last; layer++)
            {
                int stage = StageOf(layer);
                List<Unit> units = Units(replica, stage);
                IReadOnlyList<OperatorCost> ops = _stages[stage];
                var current = new Dictionary<string, string>(StringComparer.Ordinal);

                if (layer == 0)
                {
                    foreach (Unit u in units)
                    {
                        current[u.Key] = Compute($"r{replica}.embedding.{u.Key}", "embedding", null, stage, u.Gpus, [_rows], [_rows, _hidden], Time(ops, OperatorNames.Embedding), "token ids to hidden states", []);
                    }
                }
                else if (previous is not null && previousStage != stage)
                {
                    // Pipeline hand-off: each unit of the previous stage sends to the same coordinates in this one.
                    List<Unit> before = Units(replica, previousStage);
                    for (int i = 0; i < units.Count; i++)
                    {
                        Unit from = before[i], to = units[i];
                        string send = Comm($"r{replica}.l{layer}.send_recv.pp.{to.Key}", "send/recv (pp)", layer, stage, [.. from.Gpus, .. to.Gpus], [_rows, _hidden], [_rows, _hidden], Time(_stages[previousStage], OperatorNames.PpSend), Text($"stage {previousStage} -> stage {stage}"), [previous[from.Key]]);
                        current[to.Key] = send;
                    }
                }
                else if (previous is not null)
                {
                    current = previous;
                }

                previous = Layer(replica, layer, stage, units, ops, current, qkvWidth, heads, vDim, shard);
                previousStage = stage;
            }

            if (last == _model.LayerCount - 1 && previous is not null)
            {
                int stage = StageOf(last);
                IReadOnlyList<OperatorCost> ops = _stages[stage];
                long headRows = _phase == DagPhase.Decode ? _rows : Math.Max(1, (long)Math.Ceiling(TokensPerGroup / Math.Max(1, _scenario.Workload.InputTokens.Max) / _s.SequenceParallel));
                foreach (Unit u in Units(replica, stage))
                {
                    // Takes every row's hidden state, keeps the rows that need logits (every token in decode, the last of each prompt in prefill).
                    Compute($"r{replica}.lm_head.{u.Key}", "lm_head", null, stage, u.Gpus, [_rows, _hidden], [headRows, (long)Math.Ceiling(shard.VocabularyPerGpu)], Time(ops, OperatorNames.LmHead), "logits of the vocabulary shard", [previous[u.Key]]);
                }
            }
        }
    }

    /// <summary>One decoder layer on every unit of its stage; returns the node carrying each unit's output.</summary>
    private Dictionary<string, string> Layer(
        int replica, int layer, int stage, List<Unit> units, IReadOnlyList<OperatorCost> ops, Dictionary<string, string> input,
        long qkvWidth, long heads, long vDim, ModelShard shard)
    {
        string P(string what, string key) => Text($"r{replica}.l{layer}.{what}.{key}");
        double normTime = Time(ops, OperatorNames.Norms) / 2;
        var afterAttention = new Dictionary<string, string>(StringComparer.Ordinal);
        var qkvNodes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Unit u in units)
        {
            string norm = Compute(P("norm_attention", u.Key), "norm (input RMSNorm)", layer, stage, u.Gpus, [_rows, _hidden], [_rows, _hidden], normTime, string.Empty, Pred(input, u));
            qkvNodes[u.Key] = Compute(P("qkv_projection", u.Key), "qkv_projection", layer, stage, u.Gpus, [_rows, _hidden], [_rows, qkvWidth], Time(ops, OperatorNames.QkvProjection), Heads(u), [norm]);
        }

        // Sequence parallel, prefill: K/V chunks pass around the ring of the sp ranks before attention.
        var attentionInput = new Dictionary<string, string>(qkvNodes, StringComparer.Ordinal);
        if (_s.SequenceParallel > 1 && _phase == DagPhase.Prefill)
        {
            foreach (IGrouping<(int Dp, int Tp), Unit> group in units.GroupBy(u => (u.Dp, u.Tp)))
            {
                string ring = Comm(P("send_recv.sp", Text($"d{group.Key.Dp}t{group.Key.Tp}")), "send/recv (sp K/V ring)", layer, stage, [.. group.SelectMany(u => u.Gpus)], [_rows, qkvWidth], [_rows, qkvWidth], Time(ops, OperatorNames.SpRing), "ring attention: every rank's K/V chunk visits every rank", [.. group.Select(u => qkvNodes[u.Key])]);
                foreach (Unit u in group)
                {
                    attentionInput[u.Key] = ring;
                }
            }
        }

        var attentionOut = new Dictionary<string, string>(StringComparer.Ordinal);
        bool windowed = _model.AttentionWindow(layer) is not null;
        string attentionOperator = windowed
            ? _phase == DagPhase.Prefill ? OperatorNames.AttentionPrefillWindowed : OperatorNames.AttentionDecodeWindowed
            : _phase == DagPhase.Prefill ? OperatorNames.AttentionPrefill : OperatorNames.AttentionDecode;
        string attentionDetail = windowed ? Text($"; sliding window {_model.AttentionWindow(layer)}") : string.Empty;
        foreach (Unit u in units)
        {
            attentionOut[u.Key] = Compute(P("attention", u.Key), "attention", layer, stage, u.Gpus, [_rows, qkvWidth], [_rows, heads, vDim], Time(ops, attentionOperator), Heads(u) + attentionDetail, [attentionInput[u.Key]]);
        }

        // Sequence parallel, decode: partial attention over each rank's share of the cache is gathered and merged.
        if (_s.SequenceParallel > 1 && _phase == DagPhase.Decode)
        {
            foreach (IGrouping<(int Dp, int Tp), Unit> group in units.GroupBy(u => (u.Dp, u.Tp)))
            {
                string gather = Comm(P("all_gather.sp", Text($"d{group.Key.Dp}t{group.Key.Tp}")), "all_gather (sp partial attention)", layer, stage, [.. group.SelectMany(u => u.Gpus)], [_rows, heads, vDim], [_rows, heads, vDim], Time(ops, OperatorNames.SpGather), "partial outputs and log-sum-exp of each rank's cache share", [.. group.Select(u => attentionOut[u.Key])]);
                foreach (Unit u in group)
                {
                    attentionOut[u.Key] = gather;
                }
            }
        }

        var projected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Unit u in units)
        {
            projected[u.Key] = Compute(P("output_projection", u.Key), "output_projection", layer, stage, u.Gpus, [_rows, heads, vDim], [_rows, _hidden], Time(ops, OperatorNames.OutputProjection), string.Empty, [attentionOut[u.Key]]);
        }

        Dictionary<string, string> reduced = TpAllReduce(P, "all_reduce.tp_attention", layer, stage, units, projected, Time(ops, OperatorNames.TpAllReduceAttention));
        foreach (Unit u in units)
        {
            afterAttention[u.Key] = Compute(P("norm_ffn", u.Key), "norm (post-attention RMSNorm)", layer, stage, u.Gpus, [_rows, _hidden], [_rows, _hidden], normTime, string.Empty, [reduced[u.Key]]);
        }

        return _model.IsMoeLayer(layer)
            ? MoeBlock(replica, layer, stage, units, ops, afterAttention, shard, P)
            : DenseBlock(layer, stage, units, ops, afterAttention, P);
    }

    private Dictionary<string, string> DenseBlock(int layer, int stage, List<Unit> units, IReadOnlyList<OperatorCost> ops, Dictionary<string, string> input, Func<string, string, string> p)
    {
        var ffn = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Unit u in units)
        {
            ffn[u.Key] = Compute(p("ffn", u.Key), "ffn", layer, stage, u.Gpus, [_rows, _hidden], [_rows, _hidden], Time(ops, OperatorNames.DenseFfn), "SwiGLU, columns split by tp", [input[u.Key]]);
        }

        return TpAllReduce(p, "all_reduce.tp_ffn", layer, stage, units, ffn, Time(ops, OperatorNames.TpAllReduceFfn));
    }

    private Dictionary<string, string> MoeBlock(int replica, int layer, int stage, List<Unit> units, IReadOnlyList<OperatorCost> ops, Dictionary<string, string> input, ModelShard shard, Func<string, string, string> p)
    {
        MixtureOfExperts moe = _model.Moe!;
        int[] stageGpus = [.. units.SelectMany(u => u.Gpus).Order()];
        var routers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Unit u in units)
        {
            routers[u.Key] = Routing(p("router", u.Key), "router (gate, top-k)", layer, stage, u.Gpus, [_rows, _hidden], [_rows, _hidden], Time(ops, OperatorNames.Router), Text($"top-{moe.ExpertsPerToken} of {moe.ExpertCount} experts per token"), [input[u.Key]]);
        }

        // Expert units: the EP ranks of the stage (each GPU), or per TP group when collapsed.
        // Token-expert assignments an EP rank receives (every DP group's tokens reach the stage's MoE layer).
        long loadRows = Math.Max(1, (long)Math.Ceiling(TokensPerGroup * _s.DataParallel * moe.ExpertsPerToken / _s.ExpertParallel));
        double expertTime = Time(ops, OperatorNames.RoutedExperts);
        int stageSize = stageGpus.Length;
        bool replicated = _s.DataParallel * _s.SequenceParallel == 1;
        var expertNodes = new List<(Unit Unit, string Id)>();
        foreach (Unit u in units)
        {
            GpuAssignment a = RankLayout.Assign(u.Gpus[0], _s, _model, _perNode);
            IndexRange experts = u.Gpus.Length == 1 ? a.Experts : new IndexRange(u.Gpus.Min(g => RankLayout.Assign(g, _s, _model, _perNode).Experts.Start), u.Gpus.Max(g => RankLayout.Assign(g, _s, _model, _perNode).Experts.End));
            string detail = shard.ExpertTensorParallel > 1 && u.Gpus.Length == 1 ? Text($"experts {experts}, slice {a.ExpertSlice} of {shard.ExpertTensorParallel:0}") : Text($"experts {experts}");
            // Without attention DP every GPU already holds every token: its experts pick theirs from the router's output.
            long[] expertInput = replicated ? [_rows, _hidden] : [loadRows, _hidden];
            expertNodes.Add((u, Compute(p("expert", u.Key), "expert (routed)", layer, stage, u.Gpus, expertInput, [loadRows, _hidden], expertTime, detail, [])));
        }

        string? inbound = null;
        if (!replicated && _s.ExpertParallel > 1)
        {
            inbound = Comm(p("all_to_all.dispatch", "stage"), "all_to_all (ep dispatch)", layer, stage, stageGpus, [_rows, _hidden], [loadRows, _hidden], Time(ops, OperatorNames.Dispatch), "tokens to the EP ranks of their experts", [.. units.Select(u => routers[u.Key])]);
        }
        else if (!replicated)
        {
            inbound = Comm(p("all_gather.moe", "stage"), "all_gather (moe input)", layer, stage, stageGpus, [_rows, _hidden], [loadRows, _hidden], Time(ops, OperatorNames.MoeAllGather), "every group's tokens to every GPU (tensor-parallel experts)", [.. units.Select(u => routers[u.Key])]);
        }

        foreach ((Unit u, string id) in expertNodes)
        {
            if (inbound is not null)
            {
                AddEdge(inbound, id, "data");
            }
            else
            {
                AddEdge(routers[u.Key], id, "data");
            }
        }

        // Gate edges: every router decides which experts of its stage receive its tokens.
        foreach (Unit u in units)
        {
            foreach ((_, string id) in expertNodes)
            {
                AddEdge(routers[u.Key], id, "gate");
            }
        }

        var shared = new Dictionary<string, string>(StringComparer.Ordinal);
        if (moe.SharedIntermediateSize > 0)
        {
            foreach (Unit u in units)
            {
                shared[u.Key] = Compute(p("shared_expert", u.Key), "expert (shared)", layer, stage, u.Gpus, [_rows, _hidden], [_rows, _hidden], Time(ops, OperatorNames.SharedExperts), "every token, columns split by tp", [input[u.Key]]);
            }

            if (!replicated && _s.TensorParallel > 1)
            {
                shared = TpAllReduce(p, "all_reduce.tp_shared", layer, stage, units, shared, Time(ops, OperatorNames.TpAllReduceShared));
            }
        }

        string outbound = replicated
            ? Comm(p("all_reduce.moe", "stage"), "all_reduce (moe)", layer, stage, stageGpus, [loadRows, _hidden], [_rows, _hidden], Time(ops, OperatorNames.MoeAllReduce), "sums every GPU's expert outputs", [.. expertNodes.Select(e => e.Id)])
            : _s.ExpertParallel > 1
                ? Comm(p("all_to_all.combine", "stage"), "all_to_all (ep combine)", layer, stage, stageGpus, [loadRows, _hidden], [_rows, _hidden], Time(ops, OperatorNames.Combine), "expert outputs back to their tokens' ranks", [.. expertNodes.Select(e => e.Id)])
                : Comm(p("reduce_scatter.moe", "stage"), "reduce_scatter (moe output)", layer, stage, stageGpus, [loadRows, _hidden], [_rows, _hidden], Time(ops, OperatorNames.MoeReduceScatter), "expert outputs summed and returned to each group", [.. expertNodes.Select(e => e.Id)]);

        var output = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Unit u in units)
        {
            List<string> from = [outbound];
            if (shared.TryGetValue(u.Key, out string? s))
            {
                from.Add(s);
            }

            output[u.Key] = Routing(p("moe_aggregate", u.Key), "moe aggregate (weighted sum + residual)", layer, stage, u.Gpus, [_rows, _hidden], [_rows, _hidden], 0, "tokens gathered back from their experts", from);
        }

        return output;
    }

    private Dictionary<string, string> TpAllReduce(Func<string, string, string> p, string what, int layer, int stage, List<Unit> units, Dictionary<string, string> inputs, double time)
    {
        if (_s.TensorParallel == 1)
        {
            return inputs;
        }

        var output = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (IGrouping<(int Dp, int Sp), Unit> group in units.GroupBy(u => (u.Dp, u.Sp)))
        {
            string id = Comm(p(what, Text($"d{group.Key.Dp}s{group.Key.Sp}")), "all_reduce (tp)", layer, stage, [.. group.SelectMany(u => u.Gpus)], [_rows, _hidden], [_rows, _hidden], time, "sums the tensor-parallel partial outputs", [.. group.Select(u => inputs[u.Key])]);
            foreach (Unit u in group)
            {
                output[u.Key] = id;
            }
        }

        return output;
    }

    // ---------------- node and edge helpers ----------------

    private string Compute(string id, string op, int? layer, int stage, int[] gpus, long[] input, long[] output, double time, string detail, IEnumerable<string> from) =>
        Node(id, "compute", op, layer, stage, gpus, input, output, time, detail, from);

    private string Comm(string id, string op, int? layer, int stage, int[] gpus, long[] input, long[] output, double time, string detail, IEnumerable<string> from) =>
        Node(id, "communication", op, layer, stage, gpus, input, output, time, detail, from);

    private string Routing(string id, string op, int? layer, int stage, int[] gpus, long[] input, long[] output, double time, string detail, IEnumerable<string> from) =>
        Node(id, "routing", op, layer, stage, gpus, input, output, time, detail, from);

    private string Node(string id, string kind, string op, int? layer, int stage, int[] gpus, long[] input, long[] output, double time, string detail, IEnumerable<string> from)
    {
        var node = new DagNode(id, kind, op, layer, stage, gpus, input, output) { TimeMs = Math.Round(time, 7), Detail = detail };
        _nodes.Add(node);
        _byId[id] = node;
        foreach (string source in from)
        {
            AddEdge(source, id, "data");
        }

        return id;
    }

    private void AddEdge(string from, string to, string kind) => _edges.Add(new DagEdge(from, to, kind, _byId[from].OutputShape));

    private static IEnumerable<string> Pred(Dictionary<string, string> map, Unit u) => map.TryGetValue(u.Key, out string? id) ? [id] : [];

    private string Heads(Unit u)
    {
        if (u.Tp < 0)
        {
            return Text($"heads 0-{_model.Attention.HeadCount - 1} over tp {_s.TensorParallel}");
        }

        GpuAssignment a = RankLayout.Assign(u.Gpus[0], _s, _model, _perNode);
        return Text($"heads {a.AttentionHeads}, KV {a.KvHeads}");
    }

    /// <summary>The description's time for one run of an operator in a stage (0 when the stage does not run it).</summary>
    private static double Time(IReadOnlyList<OperatorCost> ops, string name)
    {
        foreach (OperatorCost op in ops)
        {
            if (op.Operator == name)
            {
                return op.Count > 0 ? op.TimeMs / op.Count : 0;
            }
        }

        return 0;
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
