namespace ParaPlan.CostModel.Physics;

/// <summary>
/// The time formulas of one kernel, shared by the cost model (<see cref="StagePhysics"/>) and the kernel fit
/// (<c>paraplan kernels</c>), so that an efficiency fitted to a microbenchmark means the same thing where it is used.
/// docs/cost-model.md, section 3. Seconds, FLOPs, bytes, FLOP/s and bytes/s.
/// </summary>
public static class OperatorTime
{
    /// <summary>
    /// A GEMM (dense or grouped) of <paramref name="rows"/> rows: fixed + max(flops / (peak x eff x M / (M + M0)),
    /// bytes / (HBM x eff)) — a roofline (Williams, Waterman and Patterson 2009) whose compute ceiling falls for few
    /// rows (tensor-core tiles partly empty).
    /// </summary>
    public static double Gemm(double flops, double bytes, double rows, double peak, double efficiency, double halfEfficiencyRows, double hbm, double bandwidthEfficiency, double fixedSeconds)
    {
        double shape = rows / (rows + halfEfficiencyRows);
        double compute = flops / (peak * efficiency * Math.Max(shape, 1e-6));
        double memory = bytes / (hbm * bandwidthEfficiency);
        return fixedSeconds + Math.Max(compute, memory);
    }

    /// <summary>
    /// The share of a GEMM's large-M efficiency its reduction depth K allows: K / (K + K0). A shallow GEMM (the down
    /// projection of a thin expert slice, K = 192) spends its time in the prologue and epilogue of each tile rather
    /// than its main loop (AITER's BF16 GEMMs on MI355X at M = 131072, N = 7168: 29% of peak at K = 256, 58% at K =
    /// 2048; data/kernels/gemm.json). 1 when K0 is 0.
    /// </summary>
    public static double Depth(double k, double halfEfficiencyDepth) => halfEfficiencyDepth <= 0 ? 1 : k / (k + halfEfficiencyDepth);

    /// <summary>
    /// The depth share of a gated FFN (gate-up with K = hidden, two thirds of the FLOPs; down with K = width, one
    /// third), combined as their times add: 1 / (2/3 / depth(hidden) + 1/3 / depth(width)).
    /// </summary>
    public static double GatedDepth(double hidden, double width, double halfEfficiencyDepth) =>
        halfEfficiencyDepth <= 0 ? 1 : 1 / ((2.0 / 3 / Depth(hidden, halfEfficiencyDepth)) + (1.0 / 3 / Depth(width, halfEfficiencyDepth)));

    /// <summary>True when the GEMM's compute term is the larger one.</summary>
    public static bool GemmIsComputeBound(double flops, double bytes, double rows, double peak, double efficiency, double halfEfficiencyRows, double hbm, double bandwidthEfficiency)
    {
        double shape = rows / (rows + halfEfficiencyRows);
        return flops / (peak * efficiency * Math.Max(shape, 1e-6)) >= bytes / (hbm * bandwidthEfficiency);
    }

    /// <summary>
    /// Prefill attention over a span of <paramref name="span"/> keys per query: flops / (peak x eff x span / (span + S0))
    /// (the kernel's tiles fill as the sequence grows, as FlashAttention's throughput does), never faster than
    /// reading its <paramref name="bytes"/>.
    /// </summary>
    public static double PrefillAttention(double flops, double bytes, double span, double peak, double efficiency, double halfEfficiencySpan, double hbm, double bandwidthEfficiency, double fixedSeconds)
    {
        double shape = span / (span + halfEfficiencySpan);
        return fixedSeconds + Math.Max(flops / (peak * efficiency * Math.Max(shape, 1e-6)), bytes / (hbm * bandwidthEfficiency));
    }

    /// <summary>Decode attention: reading the KV cache (<paramref name="bytes"/>) at its bandwidth fraction, or its FLOPs if those take longer.</summary>
    public static double DecodeAttention(double flops, double bytes, double peak, double efficiency, double hbm, double kvBandwidthEfficiency, double fixedSeconds) =>
        fixedSeconds + Math.Max(flops / (peak * efficiency), bytes / (hbm * kvBandwidthEfficiency));
}
