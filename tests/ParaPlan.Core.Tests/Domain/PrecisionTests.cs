using ParaPlan.Domain;

namespace ParaPlan.Tests.Domain;

public class PrecisionTests
{
    [Theory]
    [InlineData(NumericFormat.Fp8, NumericFormat.Bf16)]
    [InlineData(NumericFormat.Int4, NumericFormat.Bf16)]
    [InlineData(NumericFormat.Fp4, NumericFormat.Bf16)]
    [InlineData(NumericFormat.Bf16, NumericFormat.Bf16)]
    [InlineData(NumericFormat.Fp16, NumericFormat.Fp16)]
    public void The_KV_cache_defaults_to_bf16_for_8_bit_or_smaller_weights_else_the_weights_type(NumericFormat weights, NumericFormat expected)
    {
        Assert.Equal(expected, Precision.DefaultKvCache(weights));
    }

    [Theory]
    [InlineData("bf16", 2.0)]
    [InlineData("FP16", 2.0)]
    [InlineData("fp8", 1.0)]
    [InlineData("int8", 1.0)]
    [InlineData("fp4", 0.5)]
    [InlineData("int4", 0.5)]
    [InlineData("mxfp4", 0.53125)]   // (4 bits + one 8-bit E8M0 scale per 32) / 8
    [InlineData("nvfp4", 0.5625)]    // (4 bits + one 8-bit E4M3 scale per 16) / 8
    public void Format_names_parse_to_their_sizes(string name, double bytes)
    {
        Assert.True(NumericFormats.TryParse(name, out NumericFormat format));
        Assert.Equal(bytes, format.BytesPerElement());
    }

    [Fact]
    public void Unknown_format_names_do_not_parse()
    {
        Assert.False(NumericFormats.TryParse("fp12", out _));
    }

    [Fact]
    public void Weights_are_the_default_of_every_module_the_precision_does_not_name()
    {
        var fp8 = new Precision(NumericFormat.Fp8, NumericFormat.Bf16, NumericFormat.Bf16);
        Assert.Equal((NumericFormat.Fp8, NumericFormat.Fp8, NumericFormat.Fp8), (fp8.AttentionWeights, fp8.ExpertWeights, fp8.DenseWeights));
        Assert.Equal(NumericFormat.Bf16, fp8.EmbeddingWeights);   // quantised checkpoints keep embeddings and LM head 16-bit
        Assert.False(fp8.IsPerModule);
        Assert.Equal("fp8", fp8.DescribeWeights());

        Precision gptOss = new Precision(NumericFormat.Bf16, NumericFormat.Bf16, NumericFormat.Bf16) with { Experts = NumericFormat.Mxfp4 };
        Assert.Equal((NumericFormat.Bf16, NumericFormat.Mxfp4, NumericFormat.Bf16), (gptOss.AttentionWeights, gptOss.ExpertWeights, gptOss.DenseWeights));
        Assert.True(gptOss.IsPerModule);
        Assert.Equal("bf16 (experts mxfp4)", gptOss.DescribeWeights());
        Assert.Equal([NumericFormat.Bf16, NumericFormat.Mxfp4], gptOss.LayerWeightFormats);
    }
}
