using ParaPlan.Validation.Harness;

namespace ParaPlan.Validation.Fitting;

/// <summary>
/// What end-to-end measurements may set, each with its allowed range and the measurement behind the range
/// (docs/validation.md, "The fit").
/// </summary>
public static class FitParameters
{
    /// <summary>Each engine's own values (its serving loop's CPU work and the kernels around the GEMMs).</summary>
    public static IReadOnlyList<FitParameter> Engine { get; } =
    [
        new("step_overhead_ms", 0.1, 8, "PROVISIONAL"),
        new("sequence_overhead_us", 1, 150, "PROVISIONAL"),
        new("request_overhead_ms", 1, 60, "PROVISIONAL"),
        new("layer_overhead_us", 1, 60, "PROVISIONAL"),
        new("moe_layer_overhead_us", 1, 400, "PROVISIONAL"),
    ];

    /// <summary>Each source's benchmark harness (nuisance values; validation only).</summary>
    public static IReadOnlyList<FitParameter> Harness { get; } =
    [
        new(HarnessKeys.ClientTokenUs, 0, 1500, "PROVISIONAL", FloorMeansNone: true),
        new(HarnessKeys.ClientRequestMs, 0, 40, "PROVISIONAL", FloorMeansNone: true),
    ];
}
