using ParaPlan.Catalog;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;
using ParaPlan.Kernels;

namespace ParaPlan.Tests.Kernels;

public class KernelFitTests
{
    private static GpuSpec H100 => GpuCatalog.BuiltIn.TryGet("h100-sxm", out GpuSpec g) ? g : throw new InvalidOperationException();

    private static KernelMeasurement Gemm(string id, double m, double n, double k, double us, string dtype = "bf16") => new()
    {
        Id = id,
        Op = "gemm",
        Gpu = "h100-sxm",
        Dtype = dtype,
        Shape = new Dictionary<string, double> { ["m"] = m, ["n"] = n, ["k"] = k },
        TimeUs = us,
    };

    [Fact]
    public void A_GEMM_row_is_predicted_with_the_cost_model_s_roofline()
    {
        // m = 1, n = k = 8192, bf16 on H100 (3.35 TB/s): 134.2 MB of weights + tiny activations, streamed at 0.9 of
        // HBM = 44.5 us, plus 3 us of kernel time; the compute term (134 MFLOP) is far smaller.
        EfficiencyProfile profile = EfficiencyCatalog.BuiltIn.ResolveUnfitted(EngineKind.Generic, H100) with
        {
            MemoryBandwidthEfficiency = 0.9,
            KernelLaunchUs = 3,
        };
        double bytes = (8192.0 * 8192 * 2) + (8192 * 2) + (8192 * 2);
        double expected = 3 + (bytes / (3.35e12 * 0.9) * 1e6);
        Assert.Equal(expected, KernelPredictor.PredictUs(Gemm("g", 1, 8192, 8192, 1), H100, profile)!.Value, 6);
    }

    [Fact]
    public void The_fit_recovers_the_values_its_rows_were_made_with()
    {
        // Rows computed from known values (efficiency 0.7, M0 100, streaming 0.8, kernel 4 us) at the shapes a
        // microbenchmark sweeps: small-M rows of three weight sizes, large-M rows. The fit must land near them.
        EfficiencyProfile truth = EfficiencyCatalog.BuiltIn.ResolveUnfitted(EngineKind.Generic, H100) with
        {
            GemmComputeEfficiency = 0.7,
            GemmHalfEfficiencyTokens = 100,
            MemoryBandwidthEfficiency = 0.8,
            KernelLaunchUs = 4,
            GemmHalfEfficiencyDepth = 0,
        };
        var rows = new List<KernelMeasurement>();
        int id = 0;
        foreach ((double n, double k) in new[] { (2048.0, 2048.0), (4096.0, 4096.0), (8192.0, 8192.0), (14336.0, 4096.0) })
        {
            foreach (double m in new[] { 1.0, 16, 64, 512, 2048, 8192 })
            {
                KernelMeasurement shape = Gemm($"r{id++}", m, n, k, 1);
                rows.Add(shape with { TimeUs = KernelPredictor.PredictUs(shape, H100, truth)!.Value });
            }
        }

        KernelFitResult result = KernelFitter.Fit(rows);

        KernelFit fit = Assert.Single(result.Fits, f => f.What == "gemm");
        Assert.Equal("hopper", fit.Architecture);
        Assert.InRange(fit.Values["gemm_compute_efficiency"], 0.66, 0.74);
        Assert.InRange(fit.Values["memory_bandwidth_efficiency"], 0.76, 0.84);
        Assert.InRange(fit.Values["kernel_launch_us"], 3.5, 4.5);
        Assert.True(fit.MedianApe < 2, $"median error {fit.MedianApe}%");
        Assert.Empty(fit.AtBounds);
    }

    [Fact]
    public void Rows_of_one_weight_size_do_not_set_the_streaming_bandwidth()
    {
        // Small-M rows of a single shape cannot tell a slow stream from a long fixed time: neither is fitted.
        var rows = new List<KernelMeasurement>();
        foreach (double m in new[] { 1.0, 8, 16, 32, 64, 1024, 4096, 8192 })
        {
            rows.Add(Gemm($"s{m}", m, 4096, 4096, 10 + (m / 100)));
        }

        KernelFit fit = Assert.Single(KernelFitter.Fit(rows).Fits, f => f.What == "gemm");
        Assert.False(fit.Values.ContainsKey("memory_bandwidth_efficiency"));
        Assert.False(fit.Values.ContainsKey("kernel_launch_us"));
    }

    [Fact]
    public void Rows_on_a_GPU_the_catalog_lacks_are_skipped_with_the_reason()
    {
        KernelFitResult result = KernelFitter.Fit([Gemm("x", 1, 1024, 1024, 5) with { Gpu = null }]);
        Assert.Empty(result.Fits);
        Assert.Contains(result.Skipped, s => s.StartsWith("x:", StringComparison.Ordinal) && s.Contains("not in the catalog", StringComparison.Ordinal));
    }

    [Fact]
    public void The_shipped_kernel_rows_read_and_every_one_names_its_source()
    {
        foreach (string file in new[] { "gemm.json", "grouped_gemm.json", "attention.json", "collectives.json" })
        {
            IReadOnlyList<KernelMeasurement> rows = KernelReader.ReadFile(TestFiles.InRepository("data", "kernels", file));
            Assert.True(rows.Count > 300, $"{file}: {rows.Count} rows");
            Assert.All(rows, r => Assert.False(string.IsNullOrWhiteSpace(r.Source), $"{r.Id} has a source"));
        }
    }
}
