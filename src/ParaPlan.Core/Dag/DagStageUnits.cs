using System.Globalization;
using ParaPlan.Domain;
using ParaPlan.Planning;

namespace ParaPlan.Dag;

/// <summary>
/// The attention-side units of one pipeline stage of one replica (one per GPU, or one per TP group when collapsed)
/// and their groups, worked out once and shared by every layer of the stage: ids, GPUs, heads and experts in words.
/// </summary>
internal sealed class DagStageUnits
{
    private DagStageUnits(DagUnit[] units, int[][] tpGroups, string[] tpGroupKeys, int[][] spGroups, string[] spGroupKeys, int[] gpus)
    {
        Units = units;
        TpGroups = tpGroups;
        TpGroupKeys = tpGroupKeys;
        SpGroups = spGroups;
        SpGroupKeys = spGroupKeys;
        Gpus = gpus;
    }

    public DagUnit[] Units { get; }

    /// <summary>The units of each tensor-parallel group (same dp and sp rank), as unit indices.</summary>
    public int[][] TpGroups { get; }

    public string[] TpGroupKeys { get; }

    /// <summary>The units of each sequence-parallel group (same dp and tp rank), as unit indices.</summary>
    public int[][] SpGroups { get; }

    public string[] SpGroupKeys { get; }

    /// <summary>Every GPU of the stage, ascending.</summary>
    public int[] Gpus { get; }

    public int Count => Units.Length;

    public static DagStageUnits Of(ParallelStrategy s, ModelArchitecture model, int gpusPerNode, int replica, int stage, bool collapse)
    {
        int Gpu(int dp, int sp, int tp) => ((((((replica * s.PipelineParallel) + stage) * s.DataParallel) + dp) * s.SequenceParallel) + sp) * s.TensorParallel + tp;

        var units = new List<DagUnit>();
        var tpGroups = new List<int[]>();
        var tpKeys = new List<string>();
        for (int d = 0; d < s.DataParallel; d++)
        {
            for (int p = 0; p < s.SequenceParallel; p++)
            {
                int firstUnit = units.Count;
                if (collapse)
                {
                    int[] gpus = [.. Enumerable.Range(0, s.TensorParallel).Select(t => Gpu(d, p, t))];
                    units.Add(new DagUnit(units.Count, Text($"d{d}s{p}"), gpus, d, -1, Text($"heads 0-{model.Attention.HeadCount - 1} over tp {s.TensorParallel}"), Experts(s, model, gpusPerNode, gpus), 0));
                }
                else
                {
                    for (int t = 0; t < s.TensorParallel; t++)
                    {
                        int gpu = Gpu(d, p, t);
                        GpuAssignment a = RankLayout.Assign(gpu, s, model, gpusPerNode);
                        units.Add(new DagUnit(units.Count, Text($"d{d}s{p}t{t}"), [gpu], d, t, Text($"heads {a.AttentionHeads}, KV {a.KvHeads}"), a.Experts, a.ExpertSlice));
                    }
                }

                tpGroups.Add([.. Enumerable.Range(firstUnit, units.Count - firstUnit)]);
                tpKeys.Add(Text($"d{d}s{p}"));
            }
        }

        var spGroups = units.GroupBy(u => (u.Dp, u.Tp)).ToList();
        return new DagStageUnits(
            [.. units],
            [.. tpGroups],
            [.. tpKeys],
            [.. spGroups.Select(g => g.Select(u => u.Index).ToArray())],
            [.. spGroups.Select(g => Text($"d{g.Key.Dp}t{g.Key.Tp}"))],
            [.. units.SelectMany(u => u.Gpus).Order()]);
    }

    /// <summary>The GPUs of a group of units.</summary>
    public int[] GpusOf(int[] group) => [.. group.SelectMany(i => Units[i].Gpus)];

    /// <summary>The experts a TP group holds: the span of its GPUs' experts.</summary>
    private static IndexRange Experts(ParallelStrategy s, ModelArchitecture model, int gpusPerNode, int[] gpus)
    {
        IndexRange[] ranges = [.. gpus.Select(g => RankLayout.Assign(g, s, model, gpusPerNode).Experts)];
        return new IndexRange(ranges.Min(r => r.Start), ranges.Max(r => r.End));
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One attention-side unit: its index in the stage, id suffix, GPUs, DP and TP rank (-1 when collapsed), heads and experts.</summary>
internal sealed record DagUnit(int Index, string Key, int[] Gpus, int Dp, int Tp, string Heads, IndexRange Experts, int ExpertSlice);
