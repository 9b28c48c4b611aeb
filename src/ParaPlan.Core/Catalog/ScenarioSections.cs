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
    private static readonly string[] WorkloadKeys = ["input_tokens", "output_tokens", "concurrency"];
    private static readonly string[] RangeKeys = ["min", "max"];
    private static readonly string[] RequirementKeys = ["ttft_ms", "tpot_ms", "min_output_tokens_per_s_per_gpu", "max_memory_utilization"];

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

        parallel.RejectUnknownKeys(ParallelKeys, "parallel");
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

        return new ParallelStrategy(degrees["tp"], degrees["sp"], degrees["dp"], degrees["pp"], degrees["ep"], degrees["replicas"]);
    }

    public static Workload ReadWorkload(MapReader map, List<string> assumptions)
    {
        MapReader? workload = map.Map("workload");
        if (workload is null && map.Has("workload"))
        {
            throw map.Fail("workload", "expected a map with input_tokens, output_tokens and concurrency.");
        }

        workload?.RejectUnknownKeys(WorkloadKeys, "workload");
        TokenRange input;
        InputNode? inputNode = workload?.Get("input_tokens");
        if (inputNode is null)
        {
            input = TokenRange.Fixed(Defaults.InputTokens);
            assumptions.Add(string.Create(CultureInfo.InvariantCulture, $"workload.input_tokens not given: {Defaults.InputTokens} assumed"));
        }
        else if (inputNode is MapNode)
        {
            MapReader range = workload!.Map("input_tokens")!;
            range.RejectUnknownKeys(RangeKeys, "an input range");
            int min = range.RequiredInteger("min", FieldLimits.Tokens);
            int max = range.RequiredInteger("max", FieldLimits.Tokens);
            if (max < min)
            {
                throw range.Fail("max", string.Create(CultureInfo.InvariantCulture, $"must be at least min {min}; got {max}."));
            }

            input = new TokenRange(min, max);
        }
        else
        {
            input = TokenRange.Fixed(workload!.RequiredInteger("input_tokens", FieldLimits.Tokens));
        }

        int output;
        if (workload?.Integer("output_tokens", FieldLimits.Tokens) is { } stated)
        {
            output = stated;
        }
        else
        {
            output = Defaults.OutputTokens;
            assumptions.Add(string.Create(CultureInfo.InvariantCulture, $"workload.output_tokens not given: {Defaults.OutputTokens} assumed"));
        }

        ConcurrencySetting concurrency;
        InputNode? concurrencyNode = workload?.Get("concurrency");
        if (concurrencyNode is null)
        {
            concurrency = ConcurrencySetting.Max;
            assumptions.Add("workload.concurrency not given: max (the most sequences that fit memory) assumed");
        }
        else if (concurrencyNode is ScalarNode { Text: { } text } && text.Trim().Equals("max", StringComparison.OrdinalIgnoreCase))
        {
            concurrency = ConcurrencySetting.Max;
        }
        else if (concurrencyNode is ScalarNode { IsQuoted: false } || concurrencyNode is ScalarNode { Text: { } t } && double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            concurrency = ConcurrencySetting.Of(workload!.RequiredInteger("concurrency", FieldLimits.Concurrency));
        }
        else
        {
            throw workload!.Fail("concurrency", $"expected a number of sequences or 'max', found {concurrencyNode.Describe()}.");
        }

        return new Workload(input, output, concurrency);
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
            requirements?.Number("ttft_ms", FieldLimits.Milliseconds),
            requirements?.Number("tpot_ms", FieldLimits.Milliseconds),
            requirements?.Number("min_output_tokens_per_s_per_gpu", FieldLimits.TokensPerSecondPerGpu),
            maxMemory ?? Requirements.DefaultMaxMemoryUtilization);
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
