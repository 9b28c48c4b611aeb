namespace ParaPlan.Kernels;

/// <summary>The values fitted to one group of kernel rows (an operation on one GPU architecture, for one engine or all).</summary>
/// <param name="Engine">generic, or the engine whose kernels the rows are (vllm, sglang, trtllm).</param>
/// <param name="Architecture">The GPU architecture, as profiles.json names it (hopper, blackwell, cdna 3...).</param>
/// <param name="What">The operation group: gemm, moe, attention_prefill, attention_decode, all_reduce, inter_node.</param>
/// <param name="File">The kernel file the rows come from.</param>
/// <param name="Values">The fitted values.</param>
/// <param name="Rows">Rows fitted.</param>
/// <param name="MedianApe">Median absolute percentage error of the fitted rows.</param>
/// <param name="P90Ape">90th percentile of it.</param>
/// <param name="Gpus">The GPUs of the rows.</param>
/// <param name="Kernels">The kernel families of the rows.</param>
/// <param name="AtBounds">Fitted values at an end of their range.</param>
public sealed record KernelFit(
    string Engine,
    string Architecture,
    string What,
    string File,
    IReadOnlyDictionary<string, double> Values,
    int Rows,
    double MedianApe,
    double P90Ape,
    IReadOnlyList<string> Gpus,
    IReadOnlyList<string> Kernels,
    IReadOnlyList<string> AtBounds);

/// <summary>What <c>paraplan kernels --fit</c> answers: every group's values, and each row predicted with them.</summary>
public sealed record KernelFitResult(IReadOnlyList<KernelFit> Fits, IReadOnlyList<KernelComparison> Rows, IReadOnlyList<string> Skipped);

/// <summary>One kernel row next to the model's prediction.</summary>
public sealed record KernelComparison(string Id, string Op, string Gpu, string Kernel, string Group, double MeasuredUs, double PredictedUs, double AbsolutePercentError);
