using System.Globalization;

namespace ParaPlan.Domain;

/// <summary>
/// How one deployment splits the model. Within a pipeline stage, attention runs on <c>tp x sp x dp</c> GPUs
/// (tensor, sequence/context and attention-data parallel); the MoE layers of that stage re-use the same GPUs,
/// split <c>ep</c> ways by expert and <c>tp*sp*dp/ep</c> ways inside each expert. GPU count =
/// <c>replicas x pp x tp x sp x dp</c>: EP is not a further multiplier.
/// </summary>
public readonly record struct ParallelStrategy
{
    public ParallelStrategy(
        int tensorParallel = 1,
        int sequenceParallel = 1,
        int dataParallel = 1,
        int pipelineParallel = 1,
        int expertParallel = 1,
        int replicas = 1)
    {
        TensorParallel = Guard.Positive(tensorParallel, nameof(tensorParallel));
        SequenceParallel = Guard.Positive(sequenceParallel, nameof(sequenceParallel));
        DataParallel = Guard.Positive(dataParallel, nameof(dataParallel));
        PipelineParallel = Guard.Positive(pipelineParallel, nameof(pipelineParallel));
        ExpertParallel = Guard.Positive(expertParallel, nameof(expertParallel));
        Replicas = Guard.Positive(replicas, nameof(replicas));
    }

    public static ParallelStrategy Single { get; } = new(1, 1, 1, 1, 1, 1);

    public int TensorParallel { get; }

    public int SequenceParallel { get; }

    /// <summary>Attention data parallel inside one model instance.</summary>
    public int DataParallel { get; }

    public int PipelineParallel { get; }

    public int ExpertParallel { get; }

    public int Replicas { get; }

    /// <summary>
    /// Expert slots beyond the model's routed experts, each holding a copy of a popular expert placed by the engine's
    /// load balancer (DeepSeek's EPLB: SGLang <c>--ep-num-redundant-experts</c>, vLLM <c>--num-redundant-experts</c>).
    /// Each EP rank holds (experts + redundant) / ep slots. 0 by default.
    /// </summary>
    public int RedundantExperts { get; init; }

    /// <summary>GPUs of one pipeline stage of one instance: tp x sp x dp.</summary>
    public long GpusPerStage => (long)TensorParallel * SequenceParallel * DataParallel;

    /// <summary>GPUs of one model instance: pp x tp x sp x dp.</summary>
    public long GpusPerInstance => GpusPerStage * PipelineParallel;

    /// <summary>GPUs of the whole deployment: replicas x pp x tp x sp x dp.</summary>
    public long GpuCount => GpusPerInstance * Replicas;

    /// <summary>
    /// Ways each expert is tensor-split: tp*sp*dp / ep (a fraction when ep does not divide the stage, which
    /// <see cref="StrategyRules"/> reports).
    /// </summary>
    public double ExpertTensorParallel => (double)GpusPerStage / ExpertParallel;

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"tp{TensorParallel} sp{SequenceParallel} dp{DataParallel} pp{PipelineParallel} ep{ExpertParallel} x{Replicas}{(RedundantExperts > 0 ? $" +{RedundantExperts} redundant experts" : string.Empty)}");
}
