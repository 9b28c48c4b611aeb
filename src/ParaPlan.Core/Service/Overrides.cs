using System.Globalization;
using ParaPlan.Domain;
using ParaPlan.Input;

namespace ParaPlan.Service;

/// <summary>
/// What a caller may change of a scenario without editing it (the command line's options, the web API's query
/// parameters): each parsed and bounded here once, its errors naming the option or parameter it came from.
/// </summary>
public static class Overrides
{
    /// <summary>Largest routing skew: at a Zipf exponent of 10 the top expert takes nearly every token already.</summary>
    public const double MaxRoutingSkew = 10;

    /// <summary>Parses "tp=8,ep=8" (commas or spaces; unstated degrees are 1).</summary>
    /// <param name="text">The degrees.</param>
    /// <param name="field">The option or parameter it came from, for messages.</param>
    public static ParallelStrategy ParseParallel(string text, string field)
    {
        ArgumentNullException.ThrowIfNull(text);
        var degrees = new Dictionary<string, int>(StringComparer.Ordinal) { ["tp"] = 1, ["sp"] = 1, ["dp"] = 1, ["pp"] = 1, ["ep"] = 1, ["replicas"] = 1 };
        foreach (string part in text.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            string[] pair = part.Split('=', 2);
            string key = pair[0].Trim().ToLowerInvariant();
            if (pair.Length != 2 || !degrees.ContainsKey(key))
            {
                throw new InputException(string.Empty, field, $"'{part}' is not a degree; write tp=8,ep=8 with tp, sp, dp, pp, ep or replicas.");
            }

            if (!int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out int value) || !FieldLimits.Degree.Allows(value))
            {
                throw new InputException(string.Empty, field, $"{key} must be a whole number from 1 to {FieldLimits.Degree.MaximumText}; got '{pair[1]}'.");
            }

            degrees[key] = value;
        }

        double gpus = (double)degrees["replicas"] * degrees["pp"] * degrees["tp"] * degrees["sp"] * degrees["dp"];
        if (gpus > FieldLimits.MaxGpus)
        {
            throw new InputException(string.Empty, field, string.Create(CultureInfo.InvariantCulture, $"the strategy needs replicas*pp*tp*sp*dp = {gpus:#,0} GPUs, more than the {FieldLimits.MaxGpus:#,0} ParaPlan plans for."));
        }

        return new ParallelStrategy(degrees["tp"], degrees["sp"], degrees["dp"], degrees["pp"], degrees["ep"], degrees["replicas"]);
    }

    /// <summary>A number of sequences in flight, or <c>max</c>.</summary>
    public static ConcurrencySetting ParseConcurrency(string text, string field)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Trim().Equals("max", StringComparison.OrdinalIgnoreCase))
        {
            return ConcurrencySetting.Max;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && FieldLimits.Concurrency.Allows(value)
            ? ConcurrencySetting.Of(value)
            : throw new InputException(string.Empty, field, $"must be a whole number from 1 to {FieldLimits.Concurrency.MaximumText}, or max; got '{text}'.");
    }

    /// <summary>An engine name: generic, vllm, sglang or trtllm.</summary>
    public static EngineKind ParseEngine(string text, string field) => text switch
    {
        "vllm" => EngineKind.Vllm,
        "sglang" => EngineKind.Sglang,
        "trtllm" => EngineKind.Trtllm,
        "generic" => EngineKind.Generic,
        _ => throw new InputException(string.Empty, field, $"'{text}' is not an engine; use generic, vllm, sglang or trtllm."),
    };

    /// <summary>The routing skew, checked: a Zipf exponent from 0 to <see cref="MaxRoutingSkew"/>.</summary>
    public static double CheckRoutingSkew(double skew, string field) =>
        skew >= 0 && skew <= MaxRoutingSkew
            ? skew
            : throw new InputException(string.Empty, field, string.Create(CultureInfo.InvariantCulture, $"must be a Zipf exponent from 0 to {MaxRoutingSkew} (1 is strongly skewed); got {skew}."));

    /// <summary>The scenario served at <paramref name="rate"/> requests/s (a trace keeps its requests, its arrival times scaled to the rate).</summary>
    public static Scenario ApplyRequestRate(Scenario scenario, double? rate, string field)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (rate is not { } r)
        {
            return scenario;
        }

        if (!FieldLimits.RequestRate.Allows(r))
        {
            throw new InputException(string.Empty, field, string.Create(CultureInfo.InvariantCulture, $"must be a number of requests per second from {FieldLimits.RequestRate.Minimum} to {FieldLimits.RequestRate.MaximumText}; got {r}."));
        }

        Workload w = scenario.Workload;
        return scenario with
        {
            Workload = w with
            {
                Form = w.Form == WorkloadForm.Trace ? WorkloadForm.Trace : WorkloadForm.RequestRate,
                RequestRate = r,
                Concurrency = ConcurrencySetting.Max,
            },
        };
    }

    /// <summary>The scenario at <paramref name="concurrency"/> clients in a closed loop instead of its arrivals.</summary>
    public static Scenario ApplyConcurrency(Scenario scenario, ConcurrencySetting concurrency)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return scenario with { Workload = scenario.Workload with { Concurrency = concurrency, Form = WorkloadForm.ClosedLoop, RequestRate = null, Trace = null } };
    }

    /// <summary>The scenario with <paramref name="strategy"/> instead of its <c>parallel</c> (a disaggregated one included).</summary>
    public static Scenario ApplyParallel(Scenario scenario, ParallelStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return scenario with { Parallel = strategy, Disaggregated = null };
    }

    /// <summary>The scenario costed with <paramref name="engine"/> instead of its own (what 'plan' prints to reproduce an 'engine: any' plan).</summary>
    public static Scenario ApplyEngine(Scenario scenario, EngineKind engine)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return scenario with { Engine = engine, AnyEngine = false };
    }
}
