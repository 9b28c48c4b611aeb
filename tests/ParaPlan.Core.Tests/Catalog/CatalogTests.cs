using ParaPlan.Catalog;
using ParaPlan.Domain;

namespace ParaPlan.Tests.Catalog;

public class CatalogTests
{
    [Theory]
    [InlineData("llama-3.1-8b")]
    [InlineData("llama-3.1-70b")]
    [InlineData("llama-3.1-405b")]
    [InlineData("llama-2-70b")]
    [InlineData("qwen3-8b")]
    [InlineData("qwen3-235b-a22b")]
    [InlineData("qwen3-30b-a3b")]
    [InlineData("mixtral-8x7b")]
    [InlineData("deepseek-v3")]
    [InlineData("deepseek-r1")]
    public void Every_model_id_the_contract_lists_exists(string id)
    {
        Assert.True(ModelCatalog.BuiltIn.TryGet(id, out _));
    }

    // Memory in decimal GB (the contract's unit) from nvidia-smi's memory.total where the datasheet's "GB" is binary:
    // A100 80GB 81920 MiB, H100/H800 81559 MiB, H200 143771 MiB.
    [Theory]
    [InlineData("a100-sxm-80gb", 85.9, 2.039, 312)]
    [InlineData("h100-sxm", 85.52, 3.35, 989.4)]
    [InlineData("h100-pcie", 85.52, 2.0, 756.5)] // datasheet: 2,000 GB/s, BF16 1,513 TFLOPS with sparsity
    [InlineData("h800-sxm", 85.52, 3.35, 989.4)]
    [InlineData("h200-sxm", 150.75, 4.8, 989.4)]
    [InlineData("b200", 180, 7.7, 2250)]
    [InlineData("gb200", 186, 8.0, 2500)]
    [InlineData("mi300x", 192, 5.3, 1307.4)]
    public void Every_GPU_id_the_contract_lists_exists_with_its_datasheet_figures(string id, double memoryGb, double tbps, double bf16Tflops)
    {
        Assert.True(GpuCatalog.BuiltIn.TryGet(id, out GpuSpec gpu));
        Assert.Equal(memoryGb, gpu.MemoryGb);
        Assert.Equal(tbps, gpu.MemoryBandwidthTbps);
        Assert.Equal(bf16Tflops, gpu.PeakTflops[NumericFormat.Bf16]);
    }

    [Fact]
    public void Every_catalog_GPU_names_a_source_for_each_figure()
    {
        foreach (GpuSpec gpu in GpuCatalog.BuiltIn.All)
        {
            foreach (string figure in new[] { "memory_gb", "memory_bandwidth_tbps", "tflops", "intra_node", "inter_node", "latency" })
            {
                Assert.True(gpu.Sources.TryGetValue(figure, out string? source) && source.Length > 10, $"{gpu.Id} has a source for {figure}");
            }
        }
    }

    [Fact]
    public void Model_aliases_resolve_to_their_catalog_entry()
    {
        Assert.True(ModelCatalog.BuiltIn.TryGet("Qwen/Qwen3-235B-A22B", out CatalogModel model));
        Assert.Equal("qwen3-235b-a22b", model.Id);
    }

    [Fact]
    public void Close_matches_are_offered_for_a_mistyped_id()
    {
        Assert.Contains("qwen3-235b-a22b", ModelCatalog.BuiltIn.Suggest("qwen3-253b-a22b"));
        Assert.Contains("llama-3.1-70b", ModelCatalog.BuiltIn.Suggest("llama3.1-70"));
    }
}
