using ParaPlan.CostModel.Physics;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;

namespace ParaPlan.Kernels;

/// <summary>
/// What the cost model's formulas (<see cref="OperatorTime"/>, <see cref="Collectives"/>) predict for one kernel
/// measurement on its GPU with a profile: the same arithmetic <c>estimate</c> uses per operator, so that the values
/// fitted here mean there what they mean here (docs/kernels.md).
/// </summary>
public static class KernelPredictor
{
    /// <summary>The predicted time in microseconds, or null when the row's operation is not one the model has.</summary>
    public static double? PredictUs(KernelMeasurement row, GpuSpec gpu, EfficiencyProfile profile)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(gpu);
        ArgumentNullException.ThrowIfNull(profile);
        double hbm = gpu.MemoryBandwidthTbps * 1e12;
        double launch = profile.KernelLaunchUs / 1e6;
        double? seconds = row.Op switch
        {
            "gemm" => Gemm(row, gpu, profile, hbm, launch),
            "grouped_gemm" => GroupedGemm(row, gpu, profile, hbm),
            "attention_prefill" => Prefill(row, gpu, profile, hbm, launch),
            "attention_decode" => Decode(row, gpu, profile, hbm, launch),
            "all_reduce" or "all_gather" or "reduce_scatter" => Collective(row, gpu, profile),
            _ => null,
        };
        return seconds * 1e6;
    }

    /// <summary>The GEMM format a row's data type runs in, and the bytes of its weights and activations.</summary>
    public static (NumericFormat Compute, double WeightBytes, double ActivationBytes)? Format(string dtype)
    {
        string d = dtype.ToLowerInvariant();
        return d switch
        {
            _ when d.StartsWith("bf16", StringComparison.Ordinal) || d.StartsWith("fp16", StringComparison.Ordinal) => (NumericFormat.Bf16, 2, 2),
            _ when d.StartsWith("w8a16", StringComparison.Ordinal) => (NumericFormat.Bf16, 1, 2),
            _ when d.StartsWith("w4a16", StringComparison.Ordinal) => (NumericFormat.Bf16, 0.5, 2),
            _ when d.StartsWith("w4a8", StringComparison.Ordinal) => (NumericFormat.Fp8, 0.5, 1),
            _ when d.Contains("fp4", StringComparison.Ordinal) => (NumericFormat.Fp4, 0.5, 0.5),
            _ when d.Contains("fp8", StringComparison.Ordinal) => (NumericFormat.Fp8, 1, 1),
            _ when d.StartsWith("int8", StringComparison.Ordinal) => (NumericFormat.Int8, 1, 1),
            _ => null,
        };
    }

    private static double? Gemm(KernelMeasurement row, GpuSpec gpu, EfficiencyProfile profile, double hbm, double launch)
    {
        if (Format(row.Dtype) is not { } f || row.Get("m") is not (> 0 and var m) || row.Get("n") is not (> 0 and var n) || row.Get("k") is not (> 0 and var k))
        {
            return null;
        }

        NumericFormat runsIn = gpu.ComputeFormatFor(f.Compute);
        double peak = gpu.PeakTflopsFor(f.Compute) * 1e12;
        double flops = 2 * m * n * k;
        double bytes = (n * k * f.WeightBytes) + (m * k * f.ActivationBytes) + (m * n * 2);
        double efficiency = profile.GemmEfficiencyFor(runsIn) * OperatorTime.Depth(k, profile.GemmHalfEfficiencyDepth);
        return OperatorTime.Gemm(flops, bytes, m, peak, efficiency, profile.GemmHalfEfficiencyTokens, hbm, profile.MemoryBandwidthEfficiency, launch);
    }

    /// <summary>
    /// A fused-MoE layer's expert GEMMs on one GPU (gate-up, activation, down: 3 x hidden x intermediate weights per
    /// expert), as the cost model's routed-expert operator: tokens x top_k x local/total assignments under uniform
    /// routing, the experts they touch, their weights streamed once, plus the fixed MoE-kernel and per-expert times.
    /// </summary>
    private static double? GroupedGemm(KernelMeasurement row, GpuSpec gpu, EfficiencyProfile profile, double hbm)
    {
        if (Format(row.Dtype) is not { } f)
        {
            return null;
        }

        if (IsSingleGroupedGemm(row))
        {
            return SingleGroupedGemm(row, gpu, profile, hbm, f.Compute, f.WeightBytes, f.ActivationBytes);
        }

        if (!CoversBothGemms(row))
        {
            return null;
        }

        double hidden = row.Get("hidden"), width = row.Get("intermediate"), total = row.Get("experts_total"), topK = row.Get("top_k"), tokens = row.Get("tokens");
        double local = row.Get("experts_local", total);
        if (!(hidden > 0 && width > 0 && total > 0 && topK > 0 && tokens > 0 && local > 0))
        {
            return null;
        }

        double assignments = tokens * topK * local / total;
        double touched = Math.Max(Math.Min(1, assignments), local * ExpertLoad.ActivatedFraction(tokens, (int)topK, (int)total));
        double expertParameters = 3 * hidden * width;
        double flops = 2 * assignments * expertParameters;
        double bytes = (touched * expertParameters * f.WeightBytes) + (assignments * (hidden + (3 * width)) * 2);
        double peak = gpu.PeakTflopsFor(f.Compute) * 1e12;
        double fixedSeconds = (profile.MoeKernelUs + (touched * profile.ExpertOverheadUs)) / 1e6;
        double efficiency = profile.MoeGemmComputeEfficiency * OperatorTime.GatedDepth(hidden, width, profile.GemmHalfEfficiencyDepth);
        return OperatorTime.Gemm(flops, bytes, assignments / touched, peak, efficiency, profile.MoeGemmHalfEfficiencyTokens, hbm, profile.MoeMemoryBandwidthEfficiency, fixedSeconds);
    }

    /// <summary>
    /// One grouped GEMM of an MoE layer alone (gate-up or down), rows routed to the GPU's experts: the expert
    /// operator's efficiencies with the single kernel's launch as its fixed time, its depth K its own.
    /// </summary>
    private static double? SingleGroupedGemm(KernelMeasurement row, GpuSpec gpu, EfficiencyProfile profile, double hbm, NumericFormat compute, double weightBytes, double activationBytes)
    {
        double rows = row.Get("routed_rows"), n = row.Get("gemm_n"), k = row.Get("gemm_k"), experts = row.Get("experts_local");
        if (!(rows > 0 && n > 0 && k > 0 && experts > 0))
        {
            return null;
        }

        double perExpert = row.Get("rows_per_expert", rows / experts);
        double flops = 2 * rows * n * k;
        double bytes = (Math.Min(experts, rows) * n * k * weightBytes) + (rows * ((k * activationBytes) + (n * 2)));
        double peak = gpu.PeakTflopsFor(compute) * 1e12;
        double efficiency = profile.MoeGemmComputeEfficiency * OperatorTime.Depth(k, profile.GemmHalfEfficiencyDepth);
        return OperatorTime.Gemm(flops, bytes, perExpert, peak, efficiency, profile.MoeGemmHalfEfficiencyTokens, hbm, profile.MoeMemoryBandwidthEfficiency, profile.KernelLaunchUs / 1e6);
    }

    /// <summary>True when the timed region is one grouped GEMM of the experts (gate-up or down), stated with its N and K.</summary>
    public static bool IsSingleGroupedGemm(KernelMeasurement row)
    {
        ArgumentNullException.ThrowIfNull(row);
        string i = row.Includes.ToLowerInvariant();
        return i.Contains("only", StringComparison.Ordinal) && (i.StartsWith("gemm1", StringComparison.Ordinal) || i.StartsWith("gemm2", StringComparison.Ordinal)) && row.Get("gemm_n") > 0;
    }

    /// <summary>True when the timed region is both expert GEMMs without the all-to-all (what the cost model's expert operator is).</summary>
    public static bool CoversBothGemms(KernelMeasurement row)
    {
        ArgumentNullException.ThrowIfNull(row);
        string i = row.Includes.ToLowerInvariant();
        return i.Contains("gemm1", StringComparison.Ordinal) && i.Contains("gemm2", StringComparison.Ordinal) && !i.Contains("dispatch", StringComparison.Ordinal) && !i.Contains("only", StringComparison.Ordinal);
    }

    private static double? Prefill(KernelMeasurement row, GpuSpec gpu, EfficiencyProfile profile, double hbm, double launch)
    {
        if (Format(row.Dtype) is not { Compute: NumericFormat.Bf16 })
        {
            return null;
        }

        double batch = row.Get("batch", 1), sq = row.Get("seq_q"), skv = row.Get("seq_kv", sq), hq = row.Get("heads_q"), hkv = row.Get("heads_kv", hq);
        double dqk = row.Get("head_dim_qk", row.Get("head_dim")), dv = row.Get("head_dim_v", dqk), window = row.Get("window", 0);
        if (!(sq > 0 && skv > 0 && hq > 0 && dqk > 0))
        {
            return null;
        }

        double pairs = row.Causal && sq == skv ? sq * (sq + 1) / 2 : sq * skv;
        if (window > 0)
        {
            pairs = Math.Min(pairs, sq * window);
        }

        double flops = batch * pairs * 2 * hq * (dqk + dv);
        double bytes = batch * ((sq * hq * (dqk + dv)) + (skv * hkv * (dqk + dv))) * 2;
        double peak = gpu.PeakTflopsFor(NumericFormat.Bf16) * 1e12;
        return OperatorTime.PrefillAttention(flops, bytes, skv, peak, profile.AttentionComputeEfficiency, profile.AttentionHalfEfficiencyTokens, hbm, profile.MemoryBandwidthEfficiency, launch);
    }

    private static double? Decode(KernelMeasurement row, GpuSpec gpu, EfficiencyProfile profile, double hbm, double launch)
    {
        double batch = row.Get("batch"), context = row.Get("kv_len"), hq = row.Get("heads_q"), hkv = row.Get("heads_kv"), d = row.Get("head_dim");
        if (!(batch > 0 && context > 0 && hq > 0 && hkv > 0 && d > 0) || row.Get("q_tokens", 1) > 1)
        {
            return null;
        }

        // MLA (one latent "head" of 512 + 64): K and V share the latent, read once.
        bool latent = hkv == 1 && d >= 512;
        double kvBytes = row.Dtype.Contains("fp8", StringComparison.OrdinalIgnoreCase) ? 1 : 2;
        double bytes = batch * context * hkv * d * (latent ? 1 : 2) * kvBytes;
        double flops = batch * context * hq * 2 * (latent ? (2 * d) - 64 : 2 * d);
        double peak = gpu.PeakTflopsFor(NumericFormat.Bf16) * 1e12;
        return OperatorTime.DecodeAttention(flops, bytes, peak, profile.AttentionComputeEfficiency, hbm, profile.AttentionKvBandwidthEfficiency, launch);
    }

    private static double? Collective(KernelMeasurement row, GpuSpec gpu, EfficiencyProfile profile)
    {
        int n = (int)row.Get("n_gpus");
        double bytes = row.Get("bytes"), nodes = row.Get("nodes", 1);
        if (n < 2 || !(bytes > 0))
        {
            return null;
        }

        double intraBw = gpu.IntraNode.BandwidthGbps * 1e9 * profile.IntraNodeLinkEfficiency, intraLat = gpu.IntraNode.LatencyUs / 1e6;
        double seconds;
        if (nodes > 1)
        {
            int perNode = (int)Math.Ceiling(n / nodes);
            double interBw = gpu.InterNode.BandwidthGbps * 1e9 * profile.InterNodeLinkEfficiency, interLat = gpu.InterNode.LatencyUs / 1e6;
            seconds = (profile.InterNodeCollectiveUs / 1e6) + (row.Op == "all_reduce"
                ? Collectives.HierarchicalAllReduce(perNode, (int)nodes, bytes, intraBw, intraLat, interBw, interLat)
                : Collectives.HierarchicalAllGather(perNode, (int)nodes, bytes, intraBw, intraLat, interBw, interLat));
        }
        else
        {
            seconds = row.Op == "all_reduce" ? Collectives.RingAllReduce(n, bytes, intraBw, intraLat) : Collectives.RingAllGather(n, bytes, intraBw, intraLat);
        }

        return (profile.CollectiveOverheadUs / 1e6) + seconds;
    }
}
