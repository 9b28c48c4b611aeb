using System.Collections.Immutable;

namespace ParaPlan.Domain;

/// <summary>
/// One GPU model: memory, dense peak tensor throughput per number format, HBM bandwidth, links and the size of the
/// fast scale-up domain ("node"). Figures are datasheet values; where they come from is kept in <see cref="Sources"/>.
/// </summary>
public sealed record GpuSpec
{
    public GpuSpec(
        string id,
        string name,
        double memoryGb,
        double memoryBandwidthTbps,
        IReadOnlyDictionary<NumericFormat, double> peakTflops,
        int gpusPerNode,
        LinkSpec intraNode,
        LinkSpec interNode,
        GpuEfficiency? efficiency = null,
        IReadOnlyDictionary<string, string>? sources = null,
        string vendor = "",
        string architecture = "")
    {
        Id = Guard.NotBlank(id, nameof(id));
        Name = Guard.NotBlank(name, nameof(name));
        MemoryGb = Guard.Positive(memoryGb, nameof(memoryGb));
        MemoryBandwidthTbps = Guard.Positive(memoryBandwidthTbps, nameof(memoryBandwidthTbps));
        ArgumentNullException.ThrowIfNull(peakTflops);
        if (peakTflops.Count == 0)
        {
            throw new ArgumentException("peakTflops must name at least one number format.", nameof(peakTflops));
        }

        foreach ((NumericFormat format, double tflops) in peakTflops)
        {
            Guard.Positive(tflops, $"{nameof(peakTflops)}[{format.FileName()}]");
        }

        PeakTflops = peakTflops.ToImmutableSortedDictionary();
        GpusPerNode = Guard.Positive(gpusPerNode, nameof(gpusPerNode));
        IntraNode = intraNode ?? throw new ArgumentNullException(nameof(intraNode));
        InterNode = interNode ?? throw new ArgumentNullException(nameof(interNode));
        Efficiency = efficiency ?? new GpuEfficiency(null, null);
        Sources = (sources ?? ImmutableDictionary<string, string>.Empty).ToImmutableSortedDictionary(StringComparer.Ordinal);
        Vendor = vendor;
        Architecture = architecture;
    }

    public string Id { get; }

    public string Name { get; }

    public string Vendor { get; }

    public string Architecture { get; }

    /// <summary>Memory a program can use, decimal GB.</summary>
    public double MemoryGb { get; }

    /// <summary>Peak HBM bandwidth, TB/s (1e12 bytes/s).</summary>
    public double MemoryBandwidthTbps { get; }

    /// <summary>Dense (no sparsity) peak tensor TFLOPS for the formats the GPU runs natively.</summary>
    public IReadOnlyDictionary<NumericFormat, double> PeakTflops { get; }

    /// <summary>GPUs in one fast scale-up domain (an NVLink/Infinity Fabric node).</summary>
    public int GpusPerNode { get; }

    public LinkSpec IntraNode { get; }

    public LinkSpec InterNode { get; }

    /// <summary>User-stated kernel efficiency (inline GPUs); empty for catalog GPUs.</summary>
    public GpuEfficiency Efficiency { get; }

    /// <summary>Where each figure comes from, by figure name.</summary>
    public IReadOnlyDictionary<string, string> Sources { get; }

    /// <summary>
    /// The format tensor cores run a GEMM in when its inputs are <paramref name="format"/>: the format itself when
    /// the GPU supports it natively, else the next wider one it does support (fp4 -> fp8 -> bf16 -> fp16). The
    /// block-scaled 4-bit formats (mxfp4, nvfp4) run on FP4 tensor cores where the GPU has them (Blackwell) and
    /// otherwise as weight-only 4-bit GEMMs with 16-bit compute (mxfp4 -> fp4 -> bf16), as vLLM's Marlin and
    /// Triton MXFP4 MoE kernels run gpt-oss on Hopper.
    /// </summary>
    public NumericFormat ComputeFormatFor(NumericFormat format)
    {
        foreach (NumericFormat candidate in WideningChain(format))
        {
            if (PeakTflops.ContainsKey(candidate))
            {
                return candidate;
            }
        }

        return PeakTflops.Keys.OrderByDescending(f => f.BytesPerElement()).First();
    }

    /// <summary>Peak dense TFLOPS for GEMMs with <paramref name="format"/> inputs (see <see cref="ComputeFormatFor"/>).</summary>
    public double PeakTflopsFor(NumericFormat format) => PeakTflops[ComputeFormatFor(format)];

    private static IEnumerable<NumericFormat> WideningChain(NumericFormat format)
    {
        yield return format;
        switch (format)
        {
            case NumericFormat.Int4:
                yield return NumericFormat.Int8;
                yield return NumericFormat.Fp8;
                break;
            case NumericFormat.Fp4:
                yield return NumericFormat.Fp8;
                break;
            case NumericFormat.Mxfp4 or NumericFormat.Nvfp4:
                yield return NumericFormat.Fp4;
                break;
            case NumericFormat.Int8:
                yield return NumericFormat.Fp8;
                break;
        }

        yield return NumericFormat.Bf16;
        yield return NumericFormat.Fp16;
    }
}
