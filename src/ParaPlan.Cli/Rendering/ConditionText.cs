using System.Globalization;
using ParaPlan.Reports;

namespace ParaPlan.Cli.Rendering;

/// <summary>How reports write a scenario's input range and requirements.</summary>
internal static class ConditionText
{
    public static string Range(RangeSummary range) => range.Min == range.Max
        ? range.Min.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{range.Min}..{range.Max}");

    public static string Requirements(RequirementsSummary r)
    {
        var parts = new List<string>();
        if (r.TtftMs is { } ttft)
        {
            parts.Add($"TTFT <= {Figures.Number(ttft)} ms");
        }

        if (r.TpotMs is { } tpot)
        {
            parts.Add($"TPOT <= {Figures.Number(tpot)} ms");
        }

        foreach ((string name, ParaPlan.Domain.LatencyTarget? target) in new[] { ("TTFT", r.TtftPercentiles), ("TPOT", r.TpotPercentiles), ("ITL", r.ItlPercentiles), ("end-to-end", r.E2ePercentiles) })
        {
            if (target is not null)
            {
                parts.Add($"{name} " + string.Join(", ", target.Bounds().Select(b => $"{b.Key.ToUpperInvariant()} <= {Figures.Number(b.Bound)} ms")) + " (simulated)");
            }
        }

        if (r.MinOutputTokensPerSPerGpu is { } rate)
        {
            parts.Add($">= {Figures.Number(rate)} output tokens/s per GPU");
        }

        parts.Add($"memory <= {Figures.Percent(r.MaxMemoryUtilization)}");
        return string.Join(", ", parts);
    }
}
