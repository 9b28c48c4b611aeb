using System.Globalization;

namespace ParaPlan.Domain;

/// <summary>
/// Prefill/decode disaggregation (docs/disaggregation.md): prompts are prefilled on one pool of instances, their KV
/// cache sent to another pool that decodes them (xPyD: <see cref="PrefillInstances"/> prefill instances,
/// <see cref="DecodeInstances"/> decode instances). Each pool's instance has its own degrees (its
/// <see cref="ParallelStrategy.Replicas"/> is 1: the instance counts say how many).
/// </summary>
public sealed record DisaggregatedStrategy
{
    public DisaggregatedStrategy(ParallelStrategy prefill, ParallelStrategy decode, int prefillInstances, int decodeInstances)
    {
        Prefill = new ParallelStrategy(prefill.TensorParallel, prefill.SequenceParallel, prefill.DataParallel, prefill.PipelineParallel, prefill.ExpertParallel, 1);
        Decode = new ParallelStrategy(decode.TensorParallel, decode.SequenceParallel, decode.DataParallel, decode.PipelineParallel, decode.ExpertParallel, 1);
        PrefillInstances = Guard.Positive(prefillInstances, nameof(prefillInstances));
        DecodeInstances = Guard.Positive(decodeInstances, nameof(decodeInstances));
    }

    /// <summary>One prefill instance's degrees.</summary>
    public ParallelStrategy Prefill { get; }

    /// <summary>One decode instance's degrees.</summary>
    public ParallelStrategy Decode { get; }

    public int PrefillInstances { get; }

    public int DecodeInstances { get; }

    public long PrefillGpus => Prefill.GpusPerInstance * PrefillInstances;

    public long DecodeGpus => Decode.GpusPerInstance * DecodeInstances;

    public long GpuCount => PrefillGpus + DecodeGpus;

    /// <summary>The prefill pool as a strategy of replicas (what its memory and GPU mapping are costed as).</summary>
    public ParallelStrategy PrefillPool => new(Prefill.TensorParallel, Prefill.SequenceParallel, Prefill.DataParallel, Prefill.PipelineParallel, Prefill.ExpertParallel, PrefillInstances);

    /// <summary>The decode pool as a strategy of replicas.</summary>
    public ParallelStrategy DecodePool => new(Decode.TensorParallel, Decode.SequenceParallel, Decode.DataParallel, Decode.PipelineParallel, Decode.ExpertParallel, DecodeInstances);

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{PrefillInstances}P{DecodeInstances}D: prefill tp{Prefill.TensorParallel} sp{Prefill.SequenceParallel} dp{Prefill.DataParallel} pp{Prefill.PipelineParallel} ep{Prefill.ExpertParallel} x{PrefillInstances}, decode tp{Decode.TensorParallel} sp{Decode.SequenceParallel} dp{Decode.DataParallel} pp{Decode.PipelineParallel} ep{Decode.ExpertParallel} x{DecodeInstances}");
}
