using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;

namespace ParaPlan.CostModel.Physics;

/// <summary>
/// How one module's GEMMs run on a GPU: the format they are meant to run in (int4 weight-only GEMMs dequantise into
/// 16-bit), the format the GPU runs them in (its nearest format with tensor cores: mxfp4 and nvfp4 on FP4 tensor
/// cores where it has them, else weight-only with 16-bit compute), that format's dense peak and the profile's
/// large-GEMM efficiency for it (16-bit <c>gemm_compute_efficiency</c>, 8-bit <c>gemm_8bit_compute_efficiency</c>,
/// 4-bit <c>gemm_4bit_compute_efficiency</c>, <see cref="EfficiencyProfile.GemmEfficiencyFor"/>).
/// </summary>
/// <param name="Format">The format the module's GEMMs are meant to run in.</param>
/// <param name="RunsIn">The format this GPU runs them in.</param>
/// <param name="Peak">Dense peak tensor throughput of <paramref name="RunsIn"/>, FLOP/s.</param>
/// <param name="Efficiency">Fraction of <paramref name="Peak"/> a large dense GEMM reaches.</param>
internal sealed record GemmPath(NumericFormat Format, NumericFormat RunsIn, double Peak, double Efficiency)
{
    /// <summary>True when the GEMM's activations are quantised to its 8- or 4-bit inputs first (one more kernel).</summary>
    public bool QuantisedActivations => RunsIn.BytesPerElement() < 2.0;

    /// <summary>The path of GEMMs whose weights are stored in <paramref name="weights"/>.</summary>
    public static GemmPath For(NumericFormat weights, GpuSpec gpu, EfficiencyProfile profile)
    {
        NumericFormat format = weights switch
        {
            NumericFormat.Int4 => NumericFormat.Bf16,   // weight-only W4A16: dequantised into 16-bit GEMMs
            _ => weights,
        };
        NumericFormat runsIn = gpu.ComputeFormatFor(format);
        return new GemmPath(format, runsIn, gpu.PeakTflopsFor(format) * 1e12, profile.GemmEfficiencyFor(runsIn));
    }
}
