namespace ParaPlan.Calibration;

/// <summary>One of the engine's serving-loop values: where the fit started, where it ended, and its allowed range.</summary>
/// <param name="Key">The value's name in data/efficiency/profiles.json, e.g. <c>step_overhead_ms</c>.</param>
/// <param name="Before">The value of the profile the fit started from.</param>
/// <param name="After">The fitted value (the starting one when <see cref="Fitted"/> is false).</param>
/// <param name="Min">Lowest value allowed (src/ParaPlan.Core/Validation/Fitting/FitParameters.cs).</param>
/// <param name="Max">Highest value allowed.</param>
/// <param name="Range">Where the range comes from.</param>
/// <param name="Fitted">False when none of the figures compared depends on the value (request_overhead_ms without a TTFT), so it is neither fitted nor written.</param>
/// <param name="AtBound">True when the fitted value rests at an end of its range the fit may not rest on.</param>
public sealed record CalibratedValue(string Key, double Before, double After, double Min, double Max, string Range, bool Fitted, bool AtBound);
