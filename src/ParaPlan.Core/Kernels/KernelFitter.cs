using ParaPlan.Catalog;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;

namespace ParaPlan.Kernels;

/// <summary>
/// Fits the cost model's kernel efficiencies to published kernel and collective measurements (data/kernels/,
/// docs/kernels.md): per GPU architecture (and, for the fused-MoE kernels, per engine where it has rows of its own),
/// each group of rows sets only the values its operation has — GEMM rows the GEMM efficiencies, the half-efficiency
/// row count, the weight-streaming bandwidth fraction and the fixed time of a kernel; fused-MoE rows the expert
/// values; attention rows the attention values; all-reduce rows the link efficiency and the fixed time of a call.
/// Each row is predicted with the same formulas the cost model uses (<see cref="KernelPredictor"/>); coordinate
/// descent minimises the median plus half the mean of |ln(predicted / measured)| within physical ranges; a value
/// that ends at an end of its range is reported.
/// </summary>
public static class KernelFitter
{
    private sealed record Parameter(string Key, double Min, double Max, bool FloorMeansNone, Func<KernelMeasurement, bool>? Needs = null);

    private sealed record Group(string What, string File, Func<KernelMeasurement, bool> Filter, IReadOnlyList<Parameter> Parameters, int MinimumRows);

    private static readonly Group[] Groups =
    [
        new("gemm", "gemm.json", r => r.Op == "gemm",
        [
            new("gemm_compute_efficiency", 0.05, 1, false, r => Bits(r) == 16 && IsLarge(r)),
            new("gemm_8bit_compute_efficiency", 0.05, 1, false, r => Bits(r) == 8 && IsLarge(r)),
            new("gemm_4bit_compute_efficiency", 0.05, 1, false, r => Bits(r) == 4 && IsLarge(r)),
            new("gemm_half_efficiency_tokens", 0, 1024, true),
            new("gemm_half_efficiency_depth", 0, 2048, true, r => r.Get("m") >= LargeRows && r.Get("k") <= 1024),
            new("memory_bandwidth_efficiency", 0.05, 1, false, IsStreaming),
            new("kernel_launch_us", 0, 30, true, IsStreaming),
        ], 8),
        new("attention_decode", "attention.json", r => r.Op == "attention_decode", [new("attention_kv_bandwidth_efficiency", 0.05, 1, false)], 4),
        new("attention_prefill", "attention.json", r => r.Op == "attention_prefill",
        [
            new("attention_compute_efficiency", 0.05, 1, false),
            new("attention_half_efficiency_tokens", 0, 16384, true),
        ], 12),
        new("moe", "grouped_gemm.json", r => r.Op == "grouped_gemm" && (KernelPredictor.CoversBothGemms(r) || KernelPredictor.IsSingleGroupedGemm(r)),
        [
            new("moe_gemm_compute_efficiency", 0.05, 1, false, r => Math.Max(r.Get("rows_per_expert", 0), r.Get("tokens", 0) * r.Get("top_k", 0) / r.Get("experts_total", 1)) >= LargeRows),
            new("moe_gemm_half_efficiency_tokens", 0, 2048, true),
            new("moe_memory_bandwidth_efficiency", 0.05, 1, false),
            new("moe_kernel_us", 0, 200, true),
            new("expert_overhead_us", 0, 10, true),
        ], 6),
        new("all_reduce", "collectives.json", r => r.Op == "all_reduce" && r.Get("nodes", 1) <= 1,
        [
            new("intra_node_link_efficiency", 0.05, 1, false),
            new("collective_overhead_us", 0, 100, true),
        ], 6),
        new("inter_node", "collectives.json", r => r.Op == "all_reduce" && r.Get("nodes", 1) > 1,
        [
            new("inter_node_link_efficiency", 0.05, 1, false),
            new("inter_node_collective_us", 0, 1000, true),
        ], 4),
    ];

    /// <summary>
    /// Rows (tokens, or tokens per expert) from which a GEMM is compute-bound on every GPU here: a compute efficiency is
    /// fitted only when at least three rows reach it (small-M rows say nothing about it).
    /// </summary>
    public const double LargeRows = 512;

    /// <summary>Engines whose own fused-MoE kernels get their own values when they have this many rows on an architecture.</summary>
    public const int MinimumRowsForEngine = 6;

    public static KernelFitResult Fit(IReadOnlyList<KernelMeasurement> rows, EfficiencyCatalog? baseline = null, GpuCatalog? gpus = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        EfficiencyCatalog start = baseline ?? EfficiencyCatalog.BuiltIn;
        GpuCatalog catalog = gpus ?? GpuCatalog.BuiltIn;
        var skipped = new List<string>();
        var usable = new List<(KernelMeasurement Row, GpuSpec Gpu)>();
        foreach (KernelMeasurement row in rows)
        {
            if (row.Gpu is null || !catalog.TryGet(row.Gpu, out GpuSpec gpu))
            {
                skipped.Add($"{row.Id}: GPU '{row.Gpu ?? "not in the catalog"}' not in the catalog");
                continue;
            }

            if (KernelPredictor.PredictUs(row, gpu, start.ResolveUnfitted(EngineKind.Generic, gpu)) is null)
            {
                skipped.Add($"{row.Id}: {row.Op} of this kind ({row.Dtype}, {row.Includes}) is not an operation the cost model has");
                continue;
            }

            usable.Add((row, gpu));
        }

        // Engines run the fastest kernel they ship for a shape (tuned configs, pre-shuffled weights): of several
        // kernels measured on the same GPU, format and shape, only the fastest is fitted.
        usable = [.. usable
            .GroupBy(u => (u.Row.Op, u.Gpu.Id, u.Row.Dtype, u.Row.EngineFamily, u.Row.Includes, Shape: string.Join(",", u.Row.Shape.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))))
            .Select(g => g.MinBy(u => u.Row.TimeUs))];

        var fits = new List<KernelFit>();
        var comparisons = new List<KernelComparison>();
        foreach (IGrouping<string, (KernelMeasurement Row, GpuSpec Gpu)> arch in usable
            .GroupBy(u => EfficiencyCatalog.ArchitectureKey(u.Gpu.Architecture) ?? "*", StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            // Values fitted so far on this architecture (the GEMM group's kernel time is used by the later groups).
            var generic = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (Group group in Groups)
            {
                var groupRows = arch.Where(u => group.Filter(u.Row)).ToList();
                if (groupRows.Count < group.MinimumRows)
                {
                    continue;
                }

                KernelFit fit = FitGroup("generic", arch.Key, group, groupRows, start, generic, comparisons);
                foreach ((string key, double value) in fit.Values)
                {
                    generic[key] = value;
                }

                fits.Add(fit);
                if (group.What != "moe")
                {
                    continue;
                }

                foreach (IGrouping<string, (KernelMeasurement Row, GpuSpec Gpu)> engine in groupRows
                    .Where(u => u.Row.EngineFamily is "vllm" or "sglang" or "trtllm")
                    .GroupBy(u => u.Row.EngineFamily, StringComparer.Ordinal)
                    .Where(g => g.Count() >= MinimumRowsForEngine && g.Count() < groupRows.Count)
                    .OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    fits.Add(FitGroup(engine.Key, arch.Key, group, [.. engine], start, generic, comparisons: null));
                }
            }
        }

        return new KernelFitResult(fits, comparisons, skipped);
    }

    private static KernelFit FitGroup(string engine, string arch, Group group, List<(KernelMeasurement Row, GpuSpec Gpu)> rows, EfficiencyCatalog start, Dictionary<string, double> below, List<KernelComparison>? comparisons)
    {
        var parameters = group.Parameters.Where(p => p.Needs is null || Identified(p, rows)).ToList();
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        EfficiencyProfile Profile(GpuSpec gpu, Dictionary<string, double> trial)
        {
            EfficiencyProfile profile = start.ResolveUnfitted(EngineKind.Generic, gpu);
            foreach ((string key, double value) in below)
            {
                profile = profile.With(key, value);
            }

            foreach ((string key, double value) in trial)
            {
                profile = profile.With(key, value);
            }

            return profile;
        }

        double Loss(Dictionary<string, double> trial)
        {
            var errors = new List<double>(rows.Count);
            foreach ((KernelMeasurement row, GpuSpec gpu) in rows)
            {
                double predicted = KernelPredictor.PredictUs(row, gpu, Profile(gpu, trial))!.Value;
                errors.Add(Math.Abs(Math.Log(predicted / row.TimeUs)));
            }

            errors.Sort();
            return ParaPlan.Validation.Validator.Percentile(errors, 0.5) + (0.5 * errors.Average());
        }

        foreach (Parameter p in parameters)
        {
            values[p.Key] = Profile(rows[0].Gpu, values).Get(p.Key);
        }

        for (int round = 0; round < 4; round++)
        {
            foreach (Parameter p in parameters)
            {
                values[p.Key] = Search(p, candidate => Loss(new Dictionary<string, double>(values, StringComparer.Ordinal) { [p.Key] = candidate }));
            }
        }

        var errorsPct = new List<double>();
        foreach ((KernelMeasurement row, GpuSpec gpu) in rows)
        {
            double predicted = KernelPredictor.PredictUs(row, gpu, Profile(gpu, values))!.Value;
            double ape = Math.Abs(predicted - row.TimeUs) / row.TimeUs * 100;
            errorsPct.Add(ape);
            comparisons?.Add(new KernelComparison(row.Id, row.Op, gpu.Id, row.Kernel, $"{engine}/{arch} {group.What}", row.TimeUs, Math.Round(predicted, 3), Math.Round(ape, 2)));
        }

        errorsPct.Sort();
        var rounded = values.ToDictionary(v => v.Key, v => Math.Round(v.Value, 4), StringComparer.Ordinal);
        var atBounds = parameters.Where(p => AtBound(p, values[p.Key])).Select(p => $"{p.Key} = {values[p.Key]:0.###} (range {p.Min}-{p.Max})").ToList();
        return new KernelFit(
            engine,
            arch,
            group.What,
            group.File,
            rounded,
            rows.Count,
            Math.Round(ParaPlan.Validation.Validator.Percentile(errorsPct, 0.5), 2),
            Math.Round(ParaPlan.Validation.Validator.Percentile(errorsPct, 0.9), 2),
            [.. rows.Select(u => u.Gpu.Id).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            [.. rows.Select(u => u.Row.Family).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            atBounds);
    }

    /// <summary>
    /// A value is fitted only where at least three rows of the regime it governs are present; a GEMM's streaming
    /// bandwidth and its fixed time only where those rows also stream at least three weight sizes spanning four times
    /// (rows of one size cannot tell a slow stream from a long fixed time).
    /// </summary>
    private static bool Identified(Parameter p, List<(KernelMeasurement Row, GpuSpec Gpu)> rows)
    {
        var regime = rows.Where(u => p.Needs!(u.Row)).ToList();
        if (regime.Count < 3)
        {
            return false;
        }

        if (p.Key is not ("memory_bandwidth_efficiency" or "kernel_launch_us"))
        {
            return true;
        }

        List<double> sizes = [.. regime.Select(u => u.Row.Get("n") * u.Row.Get("k")).Distinct().Order()];
        return sizes.Count >= 3 && sizes[^1] >= 4 * sizes[0];
    }

    /// <summary>
    /// A GEMM row large enough in every dimension to fill the GPU (M at least <see cref="LargeRows"/>, N and K at least
    /// 2048): the regime of the large-GEMM efficiency. Narrower GEMMs leave units idle (a 1024 x 1280 output is 80 tiles
    /// of 128 x 128 on 304 compute units), an occupancy the model does not separate from the efficiency.
    /// </summary>
    private static bool IsLarge(KernelMeasurement row) => row.Get("m") >= LargeRows && row.Get("n") >= 2048 && row.Get("k") >= 2048;

    /// <summary>A GEMM row that streams its weights (few rows): the regime of the bandwidth and the fixed time.</summary>
    private static bool IsStreaming(KernelMeasurement row) => row.Get("m") <= 64;

    private static bool AtBound(Parameter p, double value) =>
        (!p.FloorMeansNone && value <= p.Min + (0.01 * (p.Max - p.Min))) || value >= p.Max - (0.01 * (p.Max - p.Min));

    private static double Search(Parameter parameter, Func<double, double> loss)
    {
        double lo = parameter.Min, hi = parameter.Max;
        double best = lo, bestLoss = double.PositiveInfinity;
        int points = 11;
        for (int pass = 0; pass < 4; pass++)
        {
            double step = (hi - lo) / (points - 1);
            for (int i = 0; i < points; i++)
            {
                double candidate = lo + (i * step);
                double l = loss(candidate);
                if (l < bestLoss - 1e-12)
                {
                    bestLoss = l;
                    best = candidate;
                }
            }

            lo = Math.Max(parameter.Min, best - step);
            hi = Math.Min(parameter.Max, best + step);
            points = 7;
        }

        return best;
    }

    private static int Bits(KernelMeasurement row) => KernelPredictor.Format(row.Dtype) is { } f ? (int)(f.Compute.BytesPerElement() * 8) : 0;
}
