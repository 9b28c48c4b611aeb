using ParaPlan.Domain;

namespace ParaPlan.Validation;

/// <summary>
/// The regime a measurement belongs to, for error reports: dense or MoE, the concurrency band (1-8, 9-128, above 128
/// or the engine's maximum), the engine and the GPU vendor.
/// </summary>
public static class Regime
{
    /// <summary>"dense|moe c1-8|c9-128|c>128 engine vendor", e.g. "moe c>128 sglang nvidia".</summary>
    public static string Of(MappedRecord mapped)
    {
        ArgumentNullException.ThrowIfNull(mapped);
        Scenario scenario = mapped.Scenario;
        string kind = scenario.Model.IsMoe ? "moe" : "dense";
        string band = Band(scenario.Workload.Concurrency.Sequences);
        string engine = scenario.Engine.ToString().ToLowerInvariant();
        string vendor = scenario.Hardware.Gpu.Vendor.ToLowerInvariant();
        return $"{kind} {band} {engine} {vendor}";
    }

    /// <summary>The concurrency band of a run with <paramref name="sequences"/> in flight (null: as many as fit).</summary>
    public static string Band(int? sequences) => sequences switch
    {
        null => "c>128",
        <= 8 => "c1-8",
        <= 128 => "c9-128",
        _ => "c>128",
    };
}
