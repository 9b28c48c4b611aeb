namespace ParaPlan.Domain;

/// <summary>A number format for weights, activations or the KV cache.</summary>
public enum NumericFormat
{
    Fp16,
    Bf16,
    Fp8,
    Int8,
    Fp4,
    Int4,

    /// <summary>
    /// OCP microscaling FP4: E2M1 values with one E8M0 (power-of-two) scale per 32, 4.25 bits per element
    /// (gpt-oss's MoE weights; OCP Microscaling Formats (MX) v1.0).
    /// </summary>
    Mxfp4,

    /// <summary>NVIDIA FP4: E2M1 values with one FP8 E4M3 scale per 16 (and one FP32 scale per tensor), 4.5 bits per element.</summary>
    Nvfp4,
}
