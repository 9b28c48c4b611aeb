using ParaPlan.Domain;

namespace ParaPlan.Planning;

/// <summary>
/// Which GPU holds which coordinate and which weights: the pure function behind the GPU mapping (Megatron's
/// <c>parallel_state</c> order). Global rank r = ((((replica x pp + stage) x dp + dp_rank) x sp + sp_rank) x tp + tp_rank):
/// tp varies fastest so a TP group sits on adjacent GPUs of one node. Inside a stage, local rank
/// l = r mod (tp x sp x dp) picks the EP rank l / (tp*sp*dp/ep) and the expert slice l mod (tp*sp*dp/ep).
/// </summary>
public static class RankLayout
{
    public static GpuAssignment Assign(int gpu, ParallelStrategy strategy, ModelArchitecture model, int gpusPerNode)
    {
        ArgumentNullException.ThrowIfNull(model);
        int tp = strategy.TensorParallel, sp = strategy.SequenceParallel, dp = strategy.DataParallel, pp = strategy.PipelineParallel;
        int stageGpus = tp * sp * dp;
        int tpRank = gpu % tp;
        int spRank = gpu / tp % sp;
        int dpRank = gpu / (tp * sp) % dp;
        int stage = gpu / stageGpus % pp;
        int replica = gpu / (stageGpus * pp);
        int local = gpu % stageGpus;

        (int[] counts, int[] starts) = LayerSplit(model.LayerCount, pp);
        var layers = new IndexRange(starts[stage], starts[stage] + counts[stage]);

        int heads = model.Attention.HeadCount;
        var attentionHeads = new IndexRange(tpRank * heads / tp, (tpRank + 1) * heads / tp);
        IndexRange kvHeads;
        int kv = model.Attention.KeyValueHeadCount;
        if (model.Attention is MultiHeadLatentAttention)
        {
            kvHeads = new IndexRange(0, 1); // the shared latent, replicated on every rank
        }
        else if (tp <= kv)
        {
            kvHeads = new IndexRange(tpRank * kv / tp, (tpRank + 1) * kv / tp);
        }
        else
        {
            int head = tpRank * kv / tp; // tp / kv consecutive ranks share (replicate) one KV head
            kvHeads = new IndexRange(head, head + 1);
        }

        int epRank = 0, slice = 0, redundantSlots = 0;
        var experts = new IndexRange(0, 0);
        if (model.IsMoe && model.Moe is { } moe)
        {
            int expertTp = stageGpus / strategy.ExpertParallel;
            epRank = local / expertTp;
            slice = local % expertTp;
            // Slots 0..E-1 hold the experts in order; slots E..E+R-1 (the last ranks') hold the redundant copies.
            int perRank = (moe.ExpertCount + strategy.RedundantExperts) / strategy.ExpertParallel;
            int start = epRank * perRank, end = (epRank + 1) * perRank;
            experts = new IndexRange(Math.Min(start, moe.ExpertCount), Math.Min(end, moe.ExpertCount));
            redundantSlots = end - Math.Max(start, moe.ExpertCount) is > 0 and var extra ? extra : 0;
        }

        return new GpuAssignment(
            gpu, gpu / gpusPerNode, replica, stage, dpRank, spRank, tpRank, epRank, slice, layers, attentionHeads,
            kvHeads, experts, stage == 0, stage == pp - 1)
        {
            RedundantSlots = redundantSlots,
        };
    }

    /// <summary>Every GPU of the deployment.</summary>
    public static IReadOnlyList<GpuAssignment> Map(ParallelStrategy strategy, ModelArchitecture model, int gpusPerNode) =>
        [.. Enumerable.Range(0, (int)strategy.GpuCount).Select(g => Assign(g, strategy, model, gpusPerNode))];

    /// <summary>
    /// A disaggregated plan's GPUs: the prefill pool's instances first (GPUs 0 ..), then the decode pool's, each
    /// instance laid out as an aggregated one and the decode pool starting on a node of its own.
    /// </summary>
    public static IReadOnlyList<GpuAssignment> Map(DisaggregatedStrategy strategy, ModelArchitecture model, int gpusPerNode)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        int prefillGpus = (int)strategy.PrefillGpus;
        int decodeStart = (prefillGpus + gpusPerNode - 1) / gpusPerNode * gpusPerNode;
        IEnumerable<GpuAssignment> prefill = Map(strategy.PrefillPool, model, gpusPerNode).Select(a => a with { Pool = "prefill" });
        IEnumerable<GpuAssignment> decode = Map(strategy.DecodePool, model, gpusPerNode)
            .Select(a => a with { Gpu = a.Gpu + decodeStart, Node = (a.Gpu + decodeStart) / gpusPerNode, Pool = "decode" });
        return [.. prefill, .. decode];
    }

    /// <summary>Layers per stage, as even as possible, the first stages taking one more (the cost model's split).</summary>
    public static (int[] Counts, int[] Starts) LayerSplit(int layers, int stages)
    {
        var counts = new int[stages];
        var starts = new int[stages];
        int start = 0;
        for (int s = 0; s < stages; s++)
        {
            counts[s] = (layers / stages) + (s < layers % stages ? 1 : 0);
            starts[s] = start;
            start += counts[s];
        }

        return (counts, starts);
    }
}
