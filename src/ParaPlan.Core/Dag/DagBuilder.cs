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
/// (<see cref="Estimator.Describe"/>): every operator of every layer on the GPUs that run it, for every replica, the
/// collectives between them naming every GPU of their group, routing and aggregation around the experts (one gate
/// edge per router to the node holding the routing table), the embedding, LM head and pipeline hand-offs. Node times
/// are the description's times per run. Nodes come out in topological order by construction (<see cref="DagGraph"/>).
/// </summary>
public sealed partial class DagBuilder
{
    /// <summary>
    /// The largest DAG built, as an upper bound on its nodes (<see cref="NodeBound"/>): at the bound, about a million
    /// nodes, which take about 1 GB of memory to lay out as a trace (DeepSeek-V3 on 256 GPUs, dp = ep = 256: 139k nodes).
    /// </summary>
    public const long MaxNodes = 1_500_000;

    private readonly Scenario _scenario;
    private readonly ParallelStrategy _s;
    private readonly ModelArchitecture _model;
    private readonly bool _collapse;
    private readonly DagPhase _phase;
    private readonly DagGraph _graph = new();
    private readonly IReadOnlyList<IReadOnlyList<OperatorCost>> _stages;
    private readonly int[] _stageStart;
    private readonly int _perNode;
    private readonly long _rows;
    private readonly long _hidden;
    private readonly long[] _rowsHidden;
    private readonly Dictionary<(int Replica, int Stage), DagStageUnits> _units = [];

    private DagBuilder(Scenario scenario, ParallelStrategy strategy, OperatorDescription description, DagPhase phase, bool collapseTp)
    {
        _scenario = scenario;
        _s = strategy;
        _model = scenario.Model;
        _collapse = collapseTp;
        _phase = phase;
        _stages = phase == DagPhase.Decode ? description.DecodeStages : description.PrefillStages;
        (_, _stageStart) = RankLayout.LayerSplit(_model.LayerCount, Math.Min(strategy.PipelineParallel, _model.LayerCount));
        _perNode = scenario.Hardware.GpusPerNode;
        double tokens = phase == DagPhase.Decode ? description.DecodeTokensPerGroup : description.PrefillTokensPerGroup;
        TokensPerGroup = tokens;
        _rows = (long)Math.Max(1, Math.Ceiling(tokens / strategy.SequenceParallel));
        _hidden = _model.HiddenSize;
        _rowsHidden = [_rows, _hidden];
    }

    private double TokensPerGroup { get; }

    /// <summary>
    /// An upper bound on the nodes of the DAG of <paramref name="layers"/> layers: per replica and layer at most 13
    /// nodes per attention unit (a GPU, or a TP group when collapsed) and 2 stage-wide collectives, plus the embedding
    /// and LM head of every unit. Computed in floating point, so it never overflows.
    /// </summary>
    public static double NodeBound(ParallelStrategy strategy, int layers, bool collapseTp)
    {
        double units = (double)strategy.DataParallel * strategy.SequenceParallel * (collapseTp ? 1 : strategy.TensorParallel);
        return (double)strategy.Replicas * ((Math.Max(0, layers) * ((13 * units) + 2)) + (2 * units));
    }

    /// <summary>Builds the DAG of <paramref name="strategy"/> for layers <paramref name="firstLayer"/>..<paramref name="lastLayer"/> (inclusive).</summary>
    /// <param name="scenario">The deployment conditions.</param>
    /// <param name="strategy">The strategy whose DAG is built.</param>
    /// <param name="phase">A decode step or a prefill chunk.</param>
    /// <param name="firstLayer">First layer shown (default 0).</param>
    /// <param name="lastLayer">Last layer shown (default the model's last).</param>
    /// <param name="collapseTp">True for one node per tensor-parallel group instead of one per GPU.</param>
    /// <param name="profiles">Where the efficiency profile comes from (<c>--profiles</c>); the built-in catalog by default.</param>
    /// <exception cref="ArgumentOutOfRangeException">The layer range is empty, or the DAG would exceed <see cref="MaxNodes"/> nodes or GPUs.</exception>
    public static DeploymentDag Build(Scenario scenario, ParallelStrategy strategy, DagPhase phase, int? firstLayer = null, int? lastLayer = null, bool collapseTp = false, IProfileSource? profiles = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        int first = Math.Max(0, firstLayer ?? 0);
        int last = Math.Min(scenario.Model.LayerCount - 1, lastLayer ?? scenario.Model.LayerCount - 1);
        if (first > last)
        {
            throw new ArgumentOutOfRangeException(nameof(firstLayer), Text($"layers {first}..{last} hold no layer of the model's 0..{scenario.Model.LayerCount - 1}"));
        }

        double bound = NodeBound(strategy, last - first + 1, collapseTp);
        if (bound > MaxNodes || strategy.GpuCount > MaxNodes)
        {
            throw new ArgumentOutOfRangeException(nameof(strategy), Text($"the DAG would have up to {bound:N0} nodes on {strategy.GpuCount:N0} GPUs, above the limit of {MaxNodes:N0}"));
        }

        OperatorDescription description = Estimator.Describe(scenario, strategy, (profiles ?? EfficiencyCatalog.BuiltIn).Resolve(scenario.Engine, scenario.Hardware.Gpu));
        var builder = new DagBuilder(scenario, strategy, description, phase, collapseTp);
        builder.Walk(first, last);
        return new DeploymentDag((int)strategy.GpuCount, builder._graph.Nodes, builder._graph.Edges)
        {
            Phase = phase.ToString().ToLowerInvariant(),
            Parallel = StrategySummary.From(strategy),
            FirstLayer = first,
            LastLayer = last,
            ModelLayers = scenario.Model.LayerCount,
            CollapsedTp = collapseTp,
            Model = scenario.Model.Name,
            TokensPerGroup = builder.TokensPerGroup,
        };
    }

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

    /// <summary>The attention-side units of a stage of a replica (worked out once, shared by the stage's layers).</summary>
    private DagStageUnits Units(int replica, int stage)
    {
        if (!_units.TryGetValue((replica, stage), out DagStageUnits? units))
        {
            units = DagStageUnits.Of(_s, _model, _perNode, replica, stage, _collapse);
            _units[(replica, stage)] = units;
        }

        return units;
    }

    // ---------------- the walk: arrays from a unit's index to the node carrying its residual stream ----------------

    private void Walk(int first, int last)
    {
        var shard = new ModelShard(_model, _s);
        for (int replica = 0; replica < _s.Replicas; replica++)
        {
            string[]? previous = null;
            int previousStage = -1;
            for (int layer = first; layer <= last; layer++)
            {
                int stage = StageOf(layer);
                DagStageUnits units = Units(replica, stage);
                IReadOnlyList<OperatorCost> ops = _stages[stage];
                string?[] current = new string?[units.Count];
                if (layer == 0)
                {
                    double time = Time(ops, OperatorNames.Embedding);
                    foreach (DagUnit u in units.Units)
                    {
                        current[u.Index] = Compute(Text($"r{replica}.embedding.{u.Key}"), "embedding", null, stage, u.Gpus, [_rows], _rowsHidden, time, "token ids to hidden states", []);
                    }
                }
                else if (previous is not null && previousStage != stage)
                {
                    // Pipeline hand-off: each unit of the previous stage sends to the same coordinates in this one.
                    DagStageUnits before = Units(replica, previousStage);
                    double time = Time(_stages[previousStage], OperatorNames.PpSend);
                    string detail = Text($"stage {previousStage} -> stage {stage}");
                    foreach (DagUnit to in units.Units)
                    {
                        DagUnit from = before.Units[to.Index];
                        current[to.Index] = Comm(Text($"r{replica}.l{layer}.send_recv.pp.{to.Key}"), "send/recv (pp)", layer, stage, [.. from.Gpus, .. to.Gpus], _rowsHidden, _rowsHidden, time, detail, [previous[from.Index]]);
                    }
                }
                else if (previous is not null)
                {
                    current = previous;
                }

                previous = Layer(Text($"r{replica}.l{layer}."), layer, stage, units, ops, current, shard);
                previousStage = stage;
            }

            if (last == _model.LayerCount - 1 && previous is not null)
            {
                int stage = StageOf(last);
                double time = Time(_stages[stage], OperatorNames.LmHead);
                long headRows = _phase == DagPhase.Decode ? _rows : Math.Max(1, (long)Math.Ceiling(TokensPerGroup / Math.Max(1, _scenario.Workload.InputTokens.Max) / _s.SequenceParallel));
                long[] logits = [headRows, (long)Math.Ceiling(shard.VocabularyPerGpu)];
                foreach (DagUnit u in Units(replica, stage).Units)
                {
                    // Takes every row's hidden state, keeps the rows that need logits (every token in decode, the last of each prompt in prefill).
                    Compute(Text($"r{replica}.lm_head.{u.Key}"), "lm_head", null, stage, u.Gpus, _rowsHidden, logits, time, "logits of the vocabulary shard", [previous[u.Index]]);
                }
            }
        }
    }

    /// <summary>One decoder layer on every unit of its stage (node ids start with <paramref name="prefix"/>); returns the node carrying each unit's output.</summary>
    private string[] Layer(string prefix, int layer, int stage, DagStageUnits units, IReadOnlyList<OperatorCost> ops, string?[] input, ModelShard shard)
    {
        string P(string what, string key) => string.Concat(prefix, what, ".", key);
        long qkvWidth = (long)Math.Ceiling(shard.QkvOutputWidth);
        long heads = (long)Math.Ceiling(shard.HeadsPerGpu);
        long[] attentionShape = [_rows, heads, _model.Attention.ValueHeadDim];
        long[] qkvShape = [_rows, qkvWidth];
        double normTime = Time(ops, OperatorNames.Norms) / 2;
        double qkvTime = Time(ops, OperatorNames.QkvProjection);
        int n = units.Count;
        string[] qkv = new string[n];
        foreach (DagUnit u in units.Units)
        {
            string norm = Compute(P("norm_attention", u.Key), "norm (input RMSNorm)", layer, stage, u.Gpus, _rowsHidden, _rowsHidden, normTime, string.Empty, input[u.Index] is { } from ? [from] : []);
            qkv[u.Index] = Compute(P("qkv_projection", u.Key), "qkv_projection", layer, stage, u.Gpus, _rowsHidden, qkvShape, qkvTime, u.Heads, [norm]);
        }

        // Sequence parallel, prefill: K/V chunks pass around the ring of the sp ranks before attention.
        string[] attentionInput = qkv;
        if (_s.SequenceParallel > 1 && _phase == DagPhase.Prefill)
        {
            attentionInput = SpCollective(P, "send_recv.sp", "send/recv (sp K/V ring)", layer, stage, units, qkv, qkvShape, Time(ops, OperatorNames.SpRing), "ring attention: every rank's K/V chunk visits every rank");
        }

        bool windowed = _model.AttentionWindow(layer) is not null;
        string attentionOperator = windowed
            ? _phase == DagPhase.Prefill ? OperatorNames.AttentionPrefillWindowed : OperatorNames.AttentionDecodeWindowed
            : _phase == DagPhase.Prefill ? OperatorNames.AttentionPrefill : OperatorNames.AttentionDecode;
        string attentionDetail = windowed ? Text($"; sliding window {_model.AttentionWindow(layer)}") : string.Empty;
        double attentionTime = Time(ops, attentionOperator);
        string[] attention = new string[n];
        foreach (DagUnit u in units.Units)
        {
            attention[u.Index] = Compute(P("attention", u.Key), "attention", layer, stage, u.Gpus, qkvShape, attentionShape, attentionTime, u.Heads + attentionDetail, [attentionInput[u.Index]]);
        }

        // Sequence parallel, decode: partial attention over each rank's share of the cache is gathered and merged.
        if (_s.SequenceParallel > 1 && _phase == DagPhase.Decode)
        {
            attention = SpCollective(P, "all_gather.sp", "all_gather (sp partial attention)", layer, stage, units, attention, attentionShape, Time(ops, OperatorNames.SpGather), "partial outputs and log-sum-exp of each rank's cache share");
        }

        double projectionTime = Time(ops, OperatorNames.OutputProjection);
        string[] projected = new string[n];
        foreach (DagUnit u in units.Units)
        {
            projected[u.Index] = Compute(P("output_projection", u.Key), "output_projection", layer, stage, u.Gpus, attentionShape, _rowsHidden, projectionTime, string.Empty, [attention[u.Index]]);
        }

        string[] reduced = TpAllReduce(P, "all_reduce.tp_attention", layer, stage, units, projected, Time(ops, OperatorNames.TpAllReduceAttention));
        string[] afterAttention = new string[n];
        foreach (DagUnit u in units.Units)
        {
            afterAttention[u.Index] = Compute(P("norm_ffn", u.Key), "norm (post-attention RMSNorm)", layer, stage, u.Gpus, _rowsHidden, _rowsHidden, normTime, string.Empty, [reduced[u.Index]]);
        }

        return _model.IsMoeLayer(layer)
            ? MoeBlock(layer, stage, units, ops, afterAttention, shard, P)
            : DenseBlock(layer, stage, units, ops, afterAttention, P);
    }

    /// <summary>A collective over each sequence-parallel group; every unit of a group reads its output.</summary>
    private string[] SpCollective(Func<string, string, string> p, string what, string op, int layer, int stage, DagStageUnits units, string[] inputs, long[] shape, double time, string detail)
    {
        string[] output = new string[units.Count];
        for (int g = 0; g < units.SpGroups.Length; g++)
        {
            int[] group = units.SpGroups[g];
            string id = Comm(p(what, units.SpGroupKeys[g]), op, layer, stage, units.GpusOf(group), shape, shape, time, detail, group.Select(i => inputs[i]));
            foreach (int i in group)
            {
                output[i] = id;
            }
        }

        return output;
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
