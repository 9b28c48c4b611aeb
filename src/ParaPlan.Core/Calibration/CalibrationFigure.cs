namespace ParaPlan.Calibration;

/// <summary>
/// One figure a benchmark run states and the estimate predicts, before and after the fit.
/// </summary>
/// <param name="Key">The estimate's key: <c>tpot_ms</c>, <c>output_tokens_per_s_per_gpu</c> or <c>mean_ttft_ms</c>.</param>
/// <param name="Measure">What the run states for it, e.g. "mean TPOT", "median ITL", "output tokens/s / 4 GPUs".</param>
/// <param name="Measured">The run's value.</param>
/// <param name="Before">The estimate with the profile the fit started from.</param>
/// <param name="After">The estimate with the fitted values.</param>
public sealed record CalibrationFigure(string Key, string Measure, double Measured, double Before, double After)
{
    /// <summary>Relative error of <see cref="Before"/>: predicted / measured - 1.</summary>
    public double ErrorBefore => (Before / Measured) - 1;

    /// <summary>Relative error of <see cref="After"/>: predicted / measured - 1.</summary>
    public double ErrorAfter => (After / Measured) - 1;
}
