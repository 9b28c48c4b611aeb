using System.Globalization;
using ParaPlan.Domain;
using ParaPlan.Input;

namespace ParaPlan.Catalog;

/// <summary>
/// The scenario's strategy, workload, requirements and claims, each field read within its range
/// (<see cref="FieldLimits"/>, docs/scenario-format.md "Limits").
/// </summary>
internal static class ScenarioSections
{
    private static readonly string[] ParallelKeys = ["tp", "sp", "dp", "pp", "ep", "replicas"];
    private static readonly string[] ParallelExtraKeys = ["redundant_experts"];
    private static readonly string[] RequirementKeys = ["ttft_ms", "tpot_ms", "itl_ms", "e2e_ms", "min_output_tokens_per_s_per_gpu", "max_memory_utilization"];
    private static readonly string[] PercentileKeys = ["mean", "p50", "p90", "p99"];

    /// <summary>
    /// The strategy as written, each degree within <see cref="FieldLimits.Degree"/>; sp no more than the longest
    /// prompt's tokens (what it splits) and the GPUs of the whole strategy no more than <see cref="FieldLimits.MaxGpus"/>.
    /// Whether it suits the model and the GPUs available is for <see cref="StrategyRules"/> to say.
    /// </summary>
    public static ParallelStrategy? ReadParallel(MapReader map, Workload workload)
    {
        MapReader? parallel = map.Map("parallel");
        if (parallel is null)
        {
            if (map.Has("parallel"))
            {
                throw map.Fail("parallel", "expected a map such as {tp: 8, ep: 8}.");
            }

            return null;
        }

        if (parallel.Has("prefill") || parallel.Has("decode"))
        {
            return null; // a disaggregated strategy: ReadDisaggregated
        }

        parallel.RejectUnknownKeys([.. ParallelKeys, .. ParallelExtraKeys], "parallel");
        var degrees = ParallelKeys.ToDictionary(key => key, key => parallel.Integer(key, FieldLimits.Degree) ?? 1, StringComparer.Ordinal);
        if (StrategyRules.SequenceParallelProblem(degrees["sp"], workload.InputTokens.Max) is { } spProblem)
        {
            throw parallel.Fail("sp", spProblem);
        }

        double gpus = ParallelKeys.Aggregate(1.0, (product, key) => key == "ep" ? product : product * degrees[key]);
        if (gpus > FieldLimits.MaxGpus)
        {
            throw map.Fail("parallel", string.Create(CultureInfo.InvariantCulture,
                $"the strategy needs replicas*pp*tp*sp*dp = {degrees["replicas"]}*{degrees["pp"]}*{degrees["tp"]}*{degrees["sp"]}*{degrees["dp"]} = {gpus:#,0} GPUs, more than the {FieldLimits.MaxGpus:#,0} ParaPlan plans for ({FieldLimits.Gpus.Reason})."));
        }

        return new ParallelStrategy(degrees["tp"], degrees["sp"], degrees["dp"], degrees["pp"], degrees["ep"], degrees["replicas"])
        {
            RedundantExperts = parallel.Integer("redundant_experts", FieldLimits.RedundantExperts) ?? 0,
        };
    }

    private static readonly string[] DisaggregatedKeys = ["prefill", "decode", "prefill_instances", "decode_instances"];
    private static readonly string[] PoolKeys = ["tp", "sp", "dp", "pp", "ep", "redundant_experts"];

    /// <summary>
    /// <c>parallel: {prefill: {tp, dp, ep, ...}, decode: {...}, prefill_instances: N, decode_instances: M}</c>
    /// (docs/disaggregation.md): each pool's instance degrees, each within <see cref="FieldLimits.Degree"/>, and the
    /// instance counts; null when the strategy is not disaggregated.
    /// </summary>
    public static DisaggregatedStrategy? ReadDisaggregated(MapReader map, Workload workload)
    {
        MapReader? parallel = map.Map("parallel");
        if (parallel is null || !(parallel.Has("prefill") || parallel.Has("decode")))
        {
            return null;
        }

        parallel.RejectUnknownKeys(DisaggregatedKeys, "a disaggregated parallel");
        ParallelStrategy Pool(string key)
        {
            MapReader pool = parallel.Map(key) ?? throw (parallel.Has(key)
                ? parallel.Fail(key, "expected a map of the pool's instance degrees, such as {tp: 8, dp: 8, ep: 64}.")
                : parallel.Missing(key, "a disaggregated strategy states both pools: prefill and decode"));
            pool.RejectUnknownKeys(PoolKeys, $"parallel.{key} (one instance; the count is {key}_instances)");
            var d = PoolKeys.Where(k => k != "redundant_experts").ToDictionary(k => k, k => pool.Integer(k, FieldLimits.Degree) ?? 1, StringComparer.Ordinal);
            if (StrategyRules.SequenceParallelProblem(d["sp"], workload.InputTokens.Max) is { } spProblem)
            {
                throw pool.Fail("sp", spProblem);
            }

            return new ParallelStrategy(d["tp"], d["sp"], d["dp"], d["pp"], d["ep"], 1)
            {
                RedundantExperts = pool.Integer("redundant_experts", FieldLimits.RedundantExperts) ?? 0,
            };
        }

        ParallelStrategy prefill = Pool("prefill");
        ParallelStrategy decode = Pool("decode");
        int prefillInstances = parallel.Integer("prefill_instances", FieldLimits.Degree) ?? 1;
        int decodeInstances = parallel.Integer("decode_instances", FieldLimits.Degree) ?? 1;
        var strategy = new DisaggregatedStrategy(prefill, decode, prefillInstances, decodeInstances);
        if (strategy.GpuCount > FieldLimits.MaxGpus)
        {
            throw map.Fail("parallel", string.Create(CultureInfo.InvariantCulture, $"the two pools need {strategy.GpuCount:#,0} GPUs, more than the {FieldLimits.MaxGpus:#,0} ParaPlan plans for ({FieldLimits.Gpus.Reason})."));
        }

        return strategy;
    }

    public static Requirements ReadRequirements(MapReader map, List<string> assumptions)
    {
        MapReader? requirements = map.Map("requirements");
        if (requirements is null && map.Has("requirements"))
        {
            throw map.Fail("requirements", "expected a map such as {ttft_ms: 2000, tpot_ms: 50}.");
        }

        requirements?.RejectUnknownKeys(RequirementKeys, "requirements");
        double? maxMemory = requirements?.Number("max_memory_utilization");
        FieldLimit limit = FieldLimits.MemoryUtilization;
        if (maxMemory is { } m && !limit.Allows(m))
        {
            string hint = m > 1 && m <= 100 ? string.Create(CultureInfo.InvariantCulture, $" (write {m / 100:0.##} for {m}%)") : string.Empty;
            throw requirements!.Fail("max_memory_utilization", string.Create(CultureInfo.InvariantCulture, $"must be a fraction from {limit.Minimum} to {limit.Maximum}; got {m}{hint}."));
        }

        if (maxMemory is null)
        {
            assumptions.Add(string.Create(CultureInfo.InvariantCulture, $"requirements.max_memory_utilization not given: {Requirements.DefaultMaxMemoryUtilization} assumed"));
        }

        return new Requirements(
            Scalar(requirements, "ttft_ms"),
            Scalar(requirements, "tpot_ms"),
            requirements?.Number("min_output_tokens_per_s_per_gpu", FieldLimits.TokensPerSecondPerGpu),
            maxMemory ?? Requirements.DefaultMaxMemoryUtilization)
        {
            TtftTarget = Target(requirements, "ttft_ms"),
            TpotTarget = Target(requirements, "tpot_ms"),
            ItlTarget = Target(requirements, "itl_ms") ?? (requirements?.Number("itl_ms", FieldLimits.Milliseconds) is { } itl ? new LatencyTarget(Mean: itl) : null),
            E2eTarget = Target(requirements, "e2e_ms") ?? (requirements?.Number("e2e_ms", FieldLimits.Milliseconds) is { } e2e ? new LatencyTarget(Mean: e2e) : null),
        };
    }

    /// <summary>A requirement written as one number (the estimate's headline figure), else null.</summary>
    private static double? Scalar(MapReader? requirements, string key) =>
        requirements?.Get(key) is MapNode ? null : requirements?.Number(key, FieldLimits.Milliseconds);

    /// <summary>A requirement written as percentiles, <c>{p90: 2000, p99: 4000}</c> (docs/serving-at-a-rate.md), else null.</summary>
    private static LatencyTarget? Target(MapReader? requirements, string key)
    {
        if (requirements?.Get(key) is not MapNode)
        {
            return null;
        }

        MapReader target = requirements.Map(key)!;
        target.RejectUnknownKeys(PercentileKeys, $"requirements.{key} (percentiles)");
        var result = new LatencyTarget(
            target.Number("mean", FieldLimits.Milliseconds),
            target.Number("p50", FieldLimits.Milliseconds),
            target.Number("p90", FieldLimits.Milliseconds),
            target.Number("p99", FieldLimits.Milliseconds));
        if (!result.Bounds().Any())
        {
            throw requirements.Fail(key, "expected at least one of mean, p50, p90, p99 (ms), such as {p90: 2000}.");
        }

        return result;
    }

    public static Dictionary<string, double> ReadClaims(MapReader map)
    {
        MapReader? claims = map.Map("claims");
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (claims is null)
        {
            if (map.Has("claims"))
            {
                throw map.Fail("claims", "expected a map of claim keys to figures.");
            }

            return result;
        }

        claims.RejectUnknownKeys(ClaimKeys.All, "claims");
        foreach (string key in claims.Keys)
        {
            if (claims.Number(key, FieldLimits.Claim) is { } value)
            {
                result[key] = value;
            }
        }

        return result;
    }
}
