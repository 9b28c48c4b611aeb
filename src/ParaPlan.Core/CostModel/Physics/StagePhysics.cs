using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;

namespace ParaPlan.CostModel.Physics;

/// <summary>
/// The GPU physics of one step on each pipeline stage: every operator of a layer as a roofline (docs/cost-model.md,
/// sections 3-5), each module's GEMMs in its own format (<see cref="GemmPath"/>), full and sliding-window attention
/// layers apart, the collectives between the stage's GPUs, and the busiest expert-parallel rank of the MoE layers.
/// Knows nothing of the engine's serving loop (batching, chunking, CPU overheads per step), which
/// <see cref="Serving.ServingModel"/> builds on it.
/// </summary>
internal sealed class StagePhysics
{
    private const double ActivationBytes = 2.0;   // bf16 activations and collectives

    private readonly Scenario _scenario;
    private readonly ModelArchitecture _model;
    private readonly EfficiencyProfile _profile;
    private readonly ModelShard _shard;
    private readonly StageLayout _layout;
    private readonly WeightFormats _formats;
    private readonly GpuSpec _gpu;
    private readonly int _tp;
    private readonly int _sp;
    private readonly int _dp;
    private readonly int _ep;
    private readonly int _redundant;
    private readonly int _stageGpus;
    private readonly double _dispatchBytes;
    private readonly double _hbm;
    private readonly double _skew;
    private readonly double _launch;
    private readonly double _collectiveOverhead;
    private readonly double _interNodeCollective;

    public StagePhysics(Scenario scenario, ParallelStrategy strategy, EfficiencyProfile profile, double routingSkew, ModelShard shard, StageLayout layout, WeightFormats formats)
    {
        _scenario = scenario;
        _model = scenario.Model;
        _profile = profile;
        _shard = shard;
        _layout = layout;
        _formats = formats;
        _gpu = scenario.Hardware.Gpu;
        _skew = routingSkew;
        _tp = strategy.TensorParallel;
        _sp = strategy.SequenceParallel;
        _dp = strategy.DataParallel;
        _ep = strategy.ExpertParallel;
        _redundant = strategy.RedundantExperts;
        _stageGpus = (int)strategy.GpusPerStage;
        _dispatchBytes = formats.Experts <= 1.0 ? 1.0 : ActivationBytes;

        Precision precision = scenario.Precision;
        GemmPath weights = GemmPath.For(precision.Weights, _gpu, profile);
        GemmFormat = weights.Format;
        GemmRunsIn = weights.RunsIn;
        PeakGemm = weights.Peak;
        GemmEfficiency = weights.Efficiency;
        AttentionGemm = GemmPath.For(precision.AttentionWeights, _gpu, profile);
        ExpertGemm = GemmPath.For(precision.ExpertWeights, _gpu, profile);
        DenseGemm = GemmPath.For(precision.DenseWeights, _gpu, profile);
        EdgeGemm = GemmPath.For(precision.EmbeddingWeights, _gpu, profile);
        RouterGemm = GemmPath.For(Precision.DefaultActivations(precision.Weights), _gpu, profile);
        _launch = profile.KernelLaunchUs / 1e6;
        _collectiveOverhead = profile.CollectiveOverheadUs / 1e6;
        _interNodeCollective = profile.InterNodeCollectiveUs / 1e6;
        PeakAttention = _gpu.PeakTflopsFor(NumericFormat.Bf16) * 1e12;
        _hbm = _gpu.MemoryBandwidthTbps * 1e12;
    }

    /// <summary>
    /// The format GEMMs of the precision's <c>weights</c> are meant to run in (int4 weight-only GEMMs dequantise into
    /// 16-bit): every layer GEMM's unless the precision gives a module its own.
    /// </summary>
    public NumericFormat GemmFormat { get; }

    /// <summary>The format this GPU runs them in (its nearest format with tensor cores).</summary>
    public NumericFormat GemmRunsIn { get; }

    /// <summary>Peak dense tensor throughput of the GEMMs, FLOP/s.</summary>
    public double PeakGemm { get; }

    /// <summary>Fraction of <see cref="PeakGemm"/> a large dense GEMM reaches.</summary>
    public double GemmEfficiency { get; }

    /// <summary>The attention projections' GEMMs (Q, K, V, O; MLA's down- and up-projections).</summary>
    public GemmPath AttentionGemm { get; }

    /// <summary>The routed experts' grouped GEMMs (their peak; the efficiencies are the profile's MoE ones).</summary>
    public GemmPath ExpertGemm { get; }

    /// <summary>The dense FFN's and shared experts' GEMMs.</summary>
    public GemmPath DenseGemm { get; }

    /// <summary>The LM head's GEMM (the embedding is a lookup).</summary>
    public GemmPath EdgeGemm { get; }

    /// <summary>The router's GEMM: 16-bit whatever the layers' format.</summary>
    public GemmPath RouterGemm { get; }

    /// <summary>Peak 16-bit tensor throughput attention runs at, FLOP/s.</summary>
    public double PeakAttention { get; }

    /// <summary>
    /// Costs every stage for a step in which each DP group processes <paramref name="tokensPerGroup"/> tokens;
    /// returns the slowest stage's ledger, the sum of stage times and the memory-only times. Stages of one class are
    /// costed once; <paramref name="capture"/>, when given, receives every stage's ledger in order.
    /// </summary>
    /// <param name="tokensPerGroup">Tokens each DP group processes in the step.</param>
    /// <param name="attentionFlops">Attention FLOPs per layer on one GPU.</param>
    /// <param name="attentionBytes">Attention bytes per layer on one GPU (the KV cache read in decode).</param>
    /// <param name="attentionSpan">Keys each query attends to on average (prefill: the prompt length the attention kernel's efficiency follows).</param>
    /// <param name="prefill">True for a prefill chunk, false for a decode step.</param>
    /// <param name="sequencesFinishing">Sequences whose last prompt token is in the step (prefill: rows of the LM head).</param>
    /// <param name="keep">Keep the operator breakdown.</param>
    /// <param name="capture">Receives every stage's ledger, when given.</param>
    /// <param name="windowed">
    /// The attention work of one sliding-window layer for each of the layout's windows (the figures above are the
    /// full-attention layers'); none when the model has no sliding window.
    /// </param>
    public (OperatorLedger Slowest, double Sum, double MemorySum, double MemorySlowest) Stages(
        double tokensPerGroup, double attentionFlops, double attentionBytes, double attentionSpan, bool prefill, double sequencesFinishing, bool keep, List<OperatorLedger>? capture,
        IReadOnlyList<AttentionLoad>? windowed = null)
    {
        OperatorLedger? slowest = null;
        double sum = 0, memorySum = 0, memorySlowest = 0;
        int stages = _layout.Stages;
        OperatorLedger?[] byClass = stages > 1 ? new OperatorLedger?[stages] : [null];
        for (int s = 0; s < stages; s++)
        {
            int cls = _layout.ClassOf(s);
            OperatorLedger ledger;
            if (byClass[cls] is { } known)
            {
                ledger = known;
            }
            else
            {
                ledger = new OperatorLedger(keep, _layout.Layers[s]);
                StageTime(ledger, s, tokensPerGroup, attentionFlops, attentionBytes, attentionSpan, prefill, sequencesFinishing, windowed ?? []);
                byClass[cls] = ledger;
            }

            capture?.Add(ledger);
            sum += ledger.Seconds;
            memorySum += ledger.MemoryOnlySeconds;
            memorySlowest = Math.Max(memorySlowest, ledger.MemoryOnlySeconds);
            if (slowest is null || ledger.Seconds > slowest.Seconds)
            {
                slowest = ledger;
            }
        }

        return (slowest!, sum, memorySum, memorySlowest);
    }

    /// <summary>Busiest EP rank's load over the mean for a step of <paramref name="stageTokens"/> tokens entering the MoE layers.</summary>
    public double Imbalance(double stageTokens)
    {
        if (_model.Moe is not { } moe)
        {
            return 1;
        }

        return ExpertLoad.UniformImbalance(stageTokens, moe.ExpertsPerToken, moe.ExpertCount, _ep, _redundant)
            * ExpertLoad.SkewImbalance(_skew, moe.ExpertCount, _ep, _redundant);
    }

    /// <summary>True when a group of <paramref name="ranks"/> ranks <paramref name="stride"/> apart spans more than one node.</summary>
    public bool CrossesNodes(int ranks, int stride) => ranks > 1 && (long)ranks * stride > _scenario.Hardware.GpusPerNode;

    /// <summary>
    /// The time of one stage for a step in which each DP group processes <paramref name="tokensPerGroup"/> tokens.
    /// </summary>
    private void StageTime(OperatorLedger ledger, int stage, double tokensPerGroup, double attentionFlops, double attentionBytes, double attentionSpan, bool prefill, double sequencesFinishing, IReadOnlyList<AttentionLoad> windowed)
    {
        int layers = _layout.Layers[stage];
        int moeLayers = _layout.MoeLayers[stage];
        int denseLayers = layers - moeLayers;
        int h = _model.HiddenSize;
        double rows = tokensPerGroup / _sp;       // GEMM rows per GPU on the attention side
        double stageTokens = tokensPerGroup * _dp; // tokens entering the stage's MoE layers
        double computeStart = ledger.Seconds;

        // Attention block, every layer.
        AttentionSpec attention = _model.Attention;
        Gemm(ledger, OperatorNames.QkvProjection, layers, rows, _shard.QkvParameters, rows * (h + _shard.QkvOutputWidth) * ActivationBytes, _formats.Attention, AttentionGemm, KernelCounts.QkvProjection(attention), Depth(h));
        Attention(ledger, prefill, _layout.FullAttentionLayers[stage], attentionFlops, attentionBytes, attentionSpan, KernelCounts.Attention(attention));
        for (int w = 0; w < windowed.Count; w++)
        {
            AttentionLoad load = windowed[w];
            Attention(ledger, prefill, _layout.WindowedLayers[stage][w], load.Flops, load.Bytes, load.Span, KernelCounts.Attention(attention), slidingWindow: true);
        }

        Gemm(ledger, OperatorNames.OutputProjection, layers, rows, _shard.OutputParameters, rows * (h + _shard.AttentionOutputWidth) * ActivationBytes, _formats.Attention, AttentionGemm, KernelCounts.OutputProjection(attention), Depth(_shard.AttentionOutputWidth));
        Memory(ledger, OperatorNames.Norms, layers, rows * h * ActivationBytes * 8, KernelCounts.Norms);
        Comm(ledger, OperatorNames.TpAllReduceAttention, layers, AllReduce(_tp, 1, rows * h * ActivationBytes), rows * h * ActivationBytes);
        if (_sp > 1)
        {
            (double spBw, double spLat) = Link(_sp, _tp);
            double bytes = prefill
                ? (_sp - 1) * rows * _shard.KvElementsPerTokenLayer * ActivationBytes           // ring pass of K/V chunks
                : tokensPerGroup * _shard.AttentionOutputWidth * 4.0;                          // partial outputs + log-sum-exp
            double seconds = prefill ? Collectives.SendReceive(bytes, spBw, (_sp - 1) * spLat) : Collectives.RingAllGather(_sp, bytes, spBw, spLat);
            Comm(ledger, prefill ? OperatorNames.SpRing : OperatorNames.SpGather, layers, seconds, bytes);
        }

        // Dense FFN layers.
        if (denseLayers > 0)
        {
            Gemm(ledger, OperatorNames.DenseFfn, denseLayers, rows, _shard.DenseFfnParameters, rows * (h + (3 * _shard.DenseFfnWidth)) * ActivationBytes, _formats.Dense, DenseGemm, KernelCounts.GatedFfn, GatedDepth(h, _shard.DenseFfnWidth));
            Comm(ledger, OperatorNames.TpAllReduceFfn, denseLayers, AllReduce(_tp, 1, rows * h * ActivationBytes), rows * h * ActivationBytes);
        }

        // MoE layers.
        if (moeLayers > 0 && _model.Moe is { } moe)
        {
            Gemm(ledger, OperatorNames.Router, moeLayers, rows, _shard.RouterParameters, 0, WeightFormats.Router, RouterGemm, KernelCounts.Router, Depth(h));
            double meanLoad = stageTokens * moe.ExpertsPerToken / _ep;  // token-expert assignments per EP rank
            double imbalance = Imbalance(stageTokens);
            double load = meanLoad * imbalance;
            double activated = ExpertLoad.ActivatedFraction(stageTokens, moe.ExpertsPerToken, moe.ExpertCount);
            double expertsTouched = Math.Max(Math.Min(1, load), _shard.ExpertsPerRank * activated);
            double expertFlops = 2.0 * load * _shard.ExpertParameters;
            double expertBytes = (expertsTouched * _shard.ExpertParameters * _formats.Experts) + (load * (h + (3 * _shard.ExpertWidth)) * ActivationBytes);
            double rowsPerExpert = load / Math.Max(expertsTouched, 1e-9);
            double fixedSeconds = (_profile.MoeKernelUs + (expertsTouched * _profile.ExpertOverheadUs)) / 1e6;
            RooflineGemm(ledger, OperatorNames.RoutedExperts, moeLayers, expertFlops, expertBytes, rowsPerExpert, fixedSeconds, _profile.MoeGemmComputeEfficiency * GatedDepth(h, _shard.ExpertWidth), _profile.MoeMemoryBandwidthEfficiency, _profile.MoeGemmHalfEfficiencyTokens, ExpertGemm.Peak);
            if (_shard.SharedParameters > 0)
            {
                Gemm(ledger, OperatorNames.SharedExperts, moeLayers, rows, _shard.SharedParameters, rows * (h + (3 * _shard.SharedWidth)) * ActivationBytes, _formats.Dense, DenseGemm, KernelCounts.GatedFfn, GatedDepth(h, _shard.SharedWidth));
            }

            // Two-batch overlap (SGLang --enable-two-batch-overlap): while one half of the batch is in its
            // all-to-all, the other computes; a layer's exchange hides behind up to the overlap's share of its own compute.
            double overlappable = _profile.MoeCommunicationOverlap && tokensPerGroup >= 2 ? _profile.MoeOverlapEfficiency * (ledger.Seconds - computeStart) / layers : 0;
            MoeCommunication(ledger, moeLayers, rows, stageTokens, moe, overlappable);
            ledger.Add(OperatorNames.MoeLayerOverhead, "overhead", moeLayers, _profile.MoeLayerOverheadUs / 1e6, 0, 0, "overhead", 0);
        }

        // Pipeline edges: embedding on the first stage, LM head on the last, hand-off between stages.
        if (stage == 0)
        {
            Memory(ledger, OperatorNames.Embedding, 1, rows * h * _formats.Edge, KernelCounts.Single);
        }

        if (stage == _layout.Stages - 1)
        {
            double headRows = prefill ? Math.Max(sequencesFinishing / _sp, 1.0 / _sp) : rows;
            Gemm(ledger, OperatorNames.LmHead, 1, headRows, _shard.EmbeddingParameters, headRows * _shard.VocabularyPerGpu * 4, _formats.Edge, EdgeGemm, KernelCounts.Single, Depth(h));
        }
        else
        {
            (double ppBw, double ppLat) = Link(2, _stageGpus);
            Comm(ledger, OperatorNames.PpSend, 1, Collectives.SendReceive(rows * h * ActivationBytes, ppBw, ppLat), rows * h * ActivationBytes);
        }

        ledger.Add(OperatorNames.LayerOverhead, "overhead", layers, _profile.LayerOverheadUs / 1e6, 0, 0, "overhead", 0);
    }

    private void MoeCommunication(OperatorLedger ledger, int moeLayers, double rows, double stageTokens, MixtureOfExperts moe, double overlappableSeconds)
    {
        int h = _model.HiddenSize;
        if (_dp * _sp == 1)
        {
            // Tokens are replicated across the stage after the attention all-reduce: each rank computes its experts'
            // share and the outputs are summed (vLLM/TRT-LLM TP-MoE and EP without attention-DP).
            double bytes = rows * h * ActivationBytes;
            Comm(ledger, OperatorNames.MoeAllReduce, moeLayers, AllReduce(_stageGpus, 1, bytes), bytes);
        }
        else if (_ep > 1)
        {
            // Attention-DP with EP: dispatch each token to the ranks of its experts and combine back (DeepEP).
            double tokensPerGpu = stageTokens / _stageGpus;
            double dispatch = tokensPerGpu * moe.ExpertsPerToken * h * _dispatchBytes;
            double combine = tokensPerGpu * moe.ExpertsPerToken * h * ActivationBytes;
            double dispatchSeconds = _collectiveOverhead + AllToAllSeconds(_stageGpus, dispatch, moe.ExpertsPerToken);
            double combineSeconds = _collectiveOverhead + AllToAllSeconds(_stageGpus, combine, moe.ExpertsPerToken);
            double total = dispatchSeconds + combineSeconds;
            double exposed = Math.Max(0, total - overlappableSeconds) / total; // the share not hidden by the other half's compute
            ledger.Add(OperatorNames.Dispatch, "communication", moeLayers, dispatchSeconds * exposed, 0, dispatch, "communication", 0);
            ledger.Add(OperatorNames.Combine, "communication", moeLayers, combineSeconds * exposed, 0, combine, "communication", 0);
            if (_tp > 1 && _shard.SharedParameters > 0)
            {
                Comm(ledger, OperatorNames.TpAllReduceShared, moeLayers, AllReduce(_tp, 1, rows * h * ActivationBytes), rows * h * ActivationBytes);
            }
        }
        else
        {
            // Attention-DP with tensor-parallel experts: gather every group's tokens, reduce-scatter the outputs.
            double bytes = stageTokens * h * ActivationBytes;
            Comm(ledger, OperatorNames.MoeAllGather, moeLayers, AllGather(_stageGpus, 1, bytes), bytes);
            Comm(ledger, OperatorNames.MoeReduceScatter, moeLayers, AllGather(_stageGpus, 1, bytes), bytes);
        }
    }

    private void Gemm(OperatorLedger ledger, string name, int count, double rows, double parameters, double activationBytes, double weightBytes, GemmPath path, int kernels, double depth)
    {
        if (parameters <= 0 || count <= 0)
        {
            return;
        }

        double flops = 2.0 * rows * parameters;
        double bytes = (parameters * weightBytes) + activationBytes;
        int quantise = weightBytes < 2.0 && path.QuantisedActivations ? KernelCounts.ActivationQuantisation : 0;
        RooflineGemm(ledger, name, count, flops, bytes, rows, (kernels + quantise) * _launch, path.Efficiency * depth, peak: path.Peak);
    }

    private double Depth(double k) => OperatorTime.Depth(k, _profile.GemmHalfEfficiencyDepth);

    private double GatedDepth(double hidden, double width) => OperatorTime.GatedDepth(hidden, width, _profile.GemmHalfEfficiencyDepth);

    /// <summary>time = fixed + max(flops / (peak x eff x M / (M + M0)), bytes / (HBM x eff)) (<see cref="OperatorTime.Gemm"/>).</summary>
    private void RooflineGemm(OperatorLedger ledger, string name, int count, double flops, double bytes, double rows, double fixedSeconds, double? efficiency = null, double? bandwidthEfficiency = null, double? halfEfficiencyTokens = null, double? peak = null)
    {
        double eff = efficiency ?? GemmEfficiency;
        double half = halfEfficiencyTokens ?? _profile.GemmHalfEfficiencyTokens;
        double bw = bandwidthEfficiency ?? _profile.MemoryBandwidthEfficiency;
        double top = peak ?? PeakGemm;
        double seconds = OperatorTime.Gemm(flops, bytes, rows, top, eff, half, _hbm, bw, fixedSeconds);
        bool computeBound = OperatorTime.GemmIsComputeBound(flops, bytes, rows, top, eff, half, _hbm, bw);
        ledger.Add(name, "compute", count, seconds, flops, bytes, computeBound ? "compute" : "memory", bytes / (_hbm * bw));
    }

    /// <summary>
    /// Attention: prefill at the 16-bit peak x efficiency x span / (span + half-efficiency span), decode as a read of
    /// the KV cache at its own bandwidth fraction (<see cref="OperatorTime"/>); plus the fixed time of its kernels
    /// (rope, cache write, attention). Sliding-window layers are kept as their own operator.
    /// </summary>
    private void Attention(OperatorLedger ledger, bool prefill, int count, double flops, double bytes, double span, int kernels, bool slidingWindow = false)
    {
        double fixedSeconds = kernels * _launch;
        double bw = prefill ? _profile.MemoryBandwidthEfficiency : _profile.AttentionKvBandwidthEfficiency;
        double seconds = prefill
            ? OperatorTime.PrefillAttention(flops, bytes, span, PeakAttention, _profile.AttentionComputeEfficiency, _profile.AttentionHalfEfficiencyTokens, _hbm, bw, fixedSeconds)
            : OperatorTime.DecodeAttention(flops, bytes, PeakAttention, _profile.AttentionComputeEfficiency, _hbm, bw, fixedSeconds);
        double memory = bytes / (_hbm * bw);
        string name = slidingWindow
            ? prefill ? OperatorNames.AttentionPrefillWindowed : OperatorNames.AttentionDecodeWindowed
            : prefill ? OperatorNames.AttentionPrefill : OperatorNames.AttentionDecode;
        ledger.Add(name, "compute", count, seconds, flops, bytes, seconds - fixedSeconds > memory * 1.0000001 ? "compute" : "memory", memory);
    }

    private void Memory(OperatorLedger ledger, string name, int count, double bytes, int kernels)
    {
        double seconds = bytes / (_hbm * _profile.MemoryBandwidthEfficiency);
        ledger.Add(name, "compute", count, (kernels * _launch) + seconds, 0, bytes, "memory", seconds);
    }

    /// <summary>A collective: its formula's time (zero when the group is one GPU) plus the fixed time of one call.</summary>
    private void Comm(OperatorLedger ledger, string name, int count, double seconds, double bytes)
    {
        if (seconds <= 0)
        {
            return;
        }

        ledger.Add(name, "communication", count, _collectiveOverhead + seconds, 0, bytes, "communication", 0);
    }

    /// <summary>
    /// All-reduce over <paramref name="ranks"/> ranks <paramref name="stride"/> apart: a ring over NVLink when the
    /// group fits in a node, else hierarchical (inside each node, then across nodes over every rank's NIC).
    /// </summary>
    private double AllReduce(int ranks, int stride, double bytes) => Collective(ranks, stride, bytes, reduce: true);

    /// <summary>All-gather (or reduce-scatter) of a full <paramref name="bytes"/> buffer, as <see cref="AllReduce"/> lays it out.</summary>
    private double AllGather(int ranks, int stride, double bytes) => Collective(ranks, stride, bytes, reduce: false);

    private double Collective(int ranks, int stride, double bytes, bool reduce)
    {
        if (ranks <= 1)
        {
            return 0;
        }

        if (!CrossesNodes(ranks, stride))
        {
            (double bw, double lat) = Link(ranks, stride);
            return reduce ? Collectives.RingAllReduce(ranks, bytes, bw, lat) : Collectives.RingAllGather(ranks, bytes, bw, lat);
        }

        (int perNode, int nodes, double intraBw, double intraLat, double interBw, double interLat) = Span(ranks, stride);
        return _interNodeCollective + (reduce
            ? Collectives.HierarchicalAllReduce(perNode, nodes, bytes, intraBw, intraLat, interBw, interLat)
            : Collectives.HierarchicalAllGather(perNode, nodes, bytes, intraBw, intraLat, interBw, interLat));
    }

    /// <summary>How a group spanning nodes splits: its ranks per node, its nodes, and the two links' effective bandwidth and latency.</summary>
    private (int PerNode, int Nodes, double IntraBw, double IntraLat, double InterBw, double InterLat) Span(int ranks, int stride)
    {
        int gpusPerNode = _scenario.Hardware.GpusPerNode;
        int perNode = Math.Max(1, Math.Min(ranks, gpusPerNode / Math.Max(1, stride)));
        int nodes = (int)Math.Ceiling((double)ranks / perNode);
        return (perNode, nodes,
            _gpu.IntraNode.BandwidthGbps * 1e9 * _profile.IntraNodeLinkEfficiency, _gpu.IntraNode.LatencyUs / 1e6,
            _gpu.InterNode.BandwidthGbps * 1e9 * _profile.InterNodeLinkEfficiency, _gpu.InterNode.LatencyUs / 1e6);
    }

    /// <summary>
    /// Effective bandwidth (bytes/s) and latency (s) of a group of <paramref name="ranks"/> ranks
    /// <paramref name="stride"/> apart: NVLink when the group fits in a node, else the network. Ranks are laid
    /// out tp fastest, then sp, dp, pp, replica (Megatron's order).
    /// </summary>
    private (double Bandwidth, double Latency) Link(int ranks, int stride)
    {
        bool crosses = CrossesNodes(ranks, stride);
        LinkSpec link = crosses ? _gpu.InterNode : _gpu.IntraNode;
        double efficiency = crosses ? _profile.InterNodeLinkEfficiency : _profile.IntraNodeLinkEfficiency;
        return (link.BandwidthGbps * 1e9 * efficiency, link.LatencyUs / 1e6);
    }

    /// <summary>
    /// All-to-all over the stage of <paramref name="bytesPerRank"/> per GPU, <paramref name="copies"/> copies of each
    /// token (its top-k experts). Inside a node: NVLink. Across nodes: a token crosses the network once per remote
    /// node that holds one of its experts and is forwarded over NVLink there (DeepEP's normal kernels; DeepSeek-V3
    /// technical report, section 3.2.2), so the network carries (nodes - 1)(1 - (1 - 1/nodes)^k) copies of it under
    /// uniform routing instead of k x (remote share); the slower of the two links sets the time.
    /// </summary>
    private double AllToAllSeconds(int ranks, double bytesPerRank, int copies)
    {
        int perNode = _scenario.Hardware.GpusPerNode;
        if (ranks <= perNode)
        {
            (double bw, double lat) = Link(ranks, 1);
            return Collectives.AllToAll(ranks, bytesPerRank, bw, lat);
        }

        double intraBw = _gpu.IntraNode.BandwidthGbps * 1e9 * _profile.IntraNodeLinkEfficiency;
        double interBw = _gpu.InterNode.BandwidthGbps * 1e9 * _profile.InterNodeLinkEfficiency;
        double nodes = Math.Ceiling((double)ranks / perNode);
        double remoteNodesPerToken = (nodes - 1) * (1 - Math.Pow(1 - (1 / nodes), copies));
        double local = (perNode - 1.0) / perNode * bytesPerRank;
        double remote = bytesPerRank / copies * remoteNodesPerToken;
        return _interNodeCollective + Math.Max(local / intraBw, remote / interBw) + (2 * _gpu.InterNode.LatencyUs / 1e6);
    }
}
