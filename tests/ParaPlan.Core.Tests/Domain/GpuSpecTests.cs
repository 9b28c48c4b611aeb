using ParaPlan.Catalog;
using ParaPlan.Domain;

namespace ParaPlan.Tests.Domain;

public class GpuSpecTests
{
    [Fact]
    public void Fp4_weights_on_Hopper_compute_at_the_fp8_rate()
    {
        Assert.True(GpuCatalog.BuiltIn.TryGet("h100-sxm", out GpuSpec h100));
        Assert.Equal(NumericFormat.Fp8, h100.ComputeFormatFor(NumericFormat.Fp4));
        Assert.Equal(1978.9, h100.PeakTflopsFor(NumericFormat.Fp4));
    }

    [Fact]
    public void Fp8_on_Ampere_falls_back_to_bf16()
    {
        Assert.True(GpuCatalog.BuiltIn.TryGet("a100-sxm-80gb", out GpuSpec a100));
        Assert.Equal(312, a100.PeakTflopsFor(NumericFormat.Fp8));
    }

    [Fact]
    public void Blackwell_runs_fp4_natively()
    {
        Assert.True(GpuCatalog.BuiltIn.TryGet("b200", out GpuSpec b200));
        Assert.Equal(NumericFormat.Fp4, b200.ComputeFormatFor(NumericFormat.Fp4));
    }

    [Fact]
    public void Block_scaled_fp4_runs_on_Blackwell_s_fp4_tensor_cores_and_weight_only_in_16_bit_on_Hopper()
    {
        // vLLM runs gpt-oss's MXFP4 experts on Hopper with Marlin / Triton kernels: 4-bit weights, BF16 compute.
        Assert.True(GpuCatalog.BuiltIn.TryGet("h100-sxm", out GpuSpec h100));
        Assert.True(GpuCatalog.BuiltIn.TryGet("b200", out GpuSpec b200));
        foreach (NumericFormat format in new[] { NumericFormat.Mxfp4, NumericFormat.Nvfp4 })
        {
            Assert.Equal(NumericFormat.Bf16, h100.ComputeFormatFor(format));
            Assert.Equal(989.4, h100.PeakTflopsFor(format));
            Assert.Equal(NumericFormat.Fp4, b200.ComputeFormatFor(format));
            Assert.Equal(9000, b200.PeakTflopsFor(format));
        }
    }

    [Fact]
    public void A_GPU_with_a_single_figure_uses_it_for_every_format()
    {
        var gpu = new GpuSpec("g", "g", 64, 1.8, new Dictionary<NumericFormat, double> { [NumericFormat.Fp8] = 400 }, 8,
            new LinkSpec(450, 3, string.Empty), new LinkSpec(50, 8, string.Empty));
        Assert.Equal(400, gpu.PeakTflopsFor(NumericFormat.Bf16));
    }

    [Fact]
    public void Efficiency_must_be_a_fraction()
    {
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => new GpuEfficiency(60, null));
        Assert.Equal("computeUtilization", error.ParamName);
    }
}
