namespace ParaPlan.Domain;

/// <summary>Sizes and names of <see cref="NumericFormat"/> values as written in scenario files.</summary>
public static class NumericFormats
{
    /// <summary>The names accepted in files, in the order they are listed to users.</summary>
    public static IReadOnlyList<string> Names { get; } = ["bf16", "fp16", "fp8", "fp4", "int8", "int4", "mxfp4", "nvfp4"];

    /// <summary>
    /// Bytes one stored element takes, block scales included: MXFP4 (4 + 8/32) / 8 = 0.53125 (E8M0 scale per 32);
    /// NVFP4 (4 + 8/16) / 8 = 0.5625 (E4M3 scale per 16; the per-tensor FP32 scale is negligible).
    /// </summary>
    public static double BytesPerElement(this NumericFormat format) => format switch
    {
        NumericFormat.Fp16 or NumericFormat.Bf16 => 2.0,
        NumericFormat.Fp8 or NumericFormat.Int8 => 1.0,
        NumericFormat.Fp4 or NumericFormat.Int4 => 0.5,
        NumericFormat.Mxfp4 => 0.53125,
        NumericFormat.Nvfp4 => 0.5625,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown numeric format"),
    };

    public static int Bits(this NumericFormat format) => (int)(format.BytesPerElement() * 8);

    public static string FileName(this NumericFormat format) => format switch
    {
        NumericFormat.Fp16 => "fp16",
        NumericFormat.Bf16 => "bf16",
        NumericFormat.Fp8 => "fp8",
        NumericFormat.Int8 => "int8",
        NumericFormat.Fp4 => "fp4",
        NumericFormat.Int4 => "int4",
        NumericFormat.Mxfp4 => "mxfp4",
        NumericFormat.Nvfp4 => "nvfp4",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown numeric format"),
    };

    public static bool TryParse(string? text, out NumericFormat format)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "bf16" or "bfloat16":
                format = NumericFormat.Bf16;
                return true;
            case "fp16" or "float16" or "half":
                format = NumericFormat.Fp16;
                return true;
            case "fp8" or "float8" or "e4m3" or "fp8_e4m3":
                format = NumericFormat.Fp8;
                return true;
            case "int8" or "w8a8":
                format = NumericFormat.Int8;
                return true;
            case "fp4":
                format = NumericFormat.Fp4;
                return true;
            case "mxfp4":
                format = NumericFormat.Mxfp4;
                return true;
            case "nvfp4":
                format = NumericFormat.Nvfp4;
                return true;
            case "int4" or "w4a16":
                format = NumericFormat.Int4;
                return true;
            default:
                format = default;
                return false;
        }
    }
}
