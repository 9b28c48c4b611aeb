using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;
using ParaPlan.Validation.Harness;

namespace ParaPlan.Validation.Fitting;

/// <summary>
/// Fits what end-to-end measurements may set, and nothing else (docs/validation.md, "The fit"): each engine's
/// overheads (<see cref="FitParameters.Engine"/>, each inside a range a cited measurement justifies) and each
/// source's benchmark harness (<see cref="FitParameters.Harness"/>: nuisance values that stay in validation). The
/// kernel efficiencies are not fitted here: they come from kernel microbenchmarks (data/kernels/). Coordinate
/// descent, each value searched over its range on a coarse grid refined twice, minimising the median plus half the
/// mean of |ln(predicted / measured)|. Judged by leaving one source out: every source is predicted by values
/// fitted without it.
/// </summary>
public static class ProfileFitter
{
    /// <summary>Rounds of coordinate descent.</summary>
    public const int DefaultRounds = 2;

    /// <summary>Engines with fewer records than this keep their unfitted values.</summary>
    public const int MinimumRecordsForEngine = 6;

    /// <summary>
    /// Fits every engine's values and every source's harness to <paramref name="records"/>, starting from the
    /// unfitted profiles of <paramref name="baseline"/> (the built-in file's when null), then predicts each source
    /// with values fitted without it.
    /// </summary>
    public static FitResult Fit(IReadOnlyList<MappedRecord> records, EfficiencyCatalog? baseline = null, int rounds = DefaultRounds, bool crossValidate = true)
    {
        ArgumentNullException.ThrowIfNull(records);
        EfficiencyCatalog start = baseline ?? EfficiencyCatalog.BuiltIn;
        var ordered = records.OrderBy(m => m.Record.Id, StringComparer.Ordinal).ToList();
        FitState whole = FitOnce(ordered, start, rounds);
        List<Comparison> fitted = [.. ordered.SelectMany(m => Validator.Compare(m, whole.Profiles(start), whole.Harness.For(m.Record.SourceKey)))];

        var sources = ordered.Select(m => m.Record.SourceKey).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var heldOut = new List<Comparison>[sources.Count];
        var heldOutTypical = new List<Comparison>[sources.Count];
        if (crossValidate && sources.Count > 1)
        {
            Parallel.For(0, sources.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            {
                string source = sources[i];
                var train = ordered.Where(m => m.Record.SourceKey != source).ToList();
                var test = ordered.Where(m => m.Record.SourceKey == source).ToList();
                FitState without = FitOnce(train, start, rounds);
                IProfileSource profiles = without.Profiles(start);
                HarnessCosts own = FitHarness(test, profiles, without.Harness.Typical, rounds);
                heldOut[i] = [.. test.SelectMany(m => Validator.Compare(m, profiles, ServedHarness(m, own)))];
                heldOutTypical[i] = [.. test.SelectMany(m => Validator.Compare(m, profiles, ServedHarness(m, without.Harness.Typical)))];
            });
        }

        List<Comparison> held = [.. heldOut.Where(h => h is not null).SelectMany(h => h)];
        List<Comparison> heldTypical = [.. heldOutTypical.Where(h => h is not null).SelectMany(h => h)];
        List<ErrorSummary> bySource = Summaries(held, c => c.Source);
        (string? worst, double? worstMedian) = Worst(held);
        return new FitResult
        {
            Levels = whole.Levels,
            HarnessBySource = whole.Harness.BySource,
            TypicalHarness = whole.Harness.Typical,
            AtBounds = whole.AtBounds,
            Parameters = [.. FitParameters.Engine, .. FitParameters.Harness],
            Records = ordered.Count,
            Sources = sources.Count,
            Fitted = Summaries(fitted, _ => "all"),
            HeldOut = Summaries(held, _ => "all"),
            HeldOutTypicalHarness = Summaries(heldTypical, _ => "all"),
            HeldOutBySource = bySource,
            HeldOutByRegime = [.. Summaries(held, c => c.Regime), .. RegimeDimensions(held)],
            WorstSource = worst,
            WorstSourceMedianApe = worstMedian,
            HeldOutComparisons = held,
        };
    }

    /// <summary>The harness a record's run had: none for runs that drive the engine in-process.</summary>
    private static HarnessCosts ServedHarness(MappedRecord record, HarnessCosts harness) =>
        record.Mode is MeasurementMode.Burst or MeasurementMode.ClosedLoop ? harness : HarnessCosts.None;

    private static FitState FitOnce(List<MappedRecord> records, EfficiencyCatalog start, int rounds)
    {
        var engineValues = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        var harness = new Dictionary<string, HarnessCosts>(StringComparer.Ordinal);
        var byEngine = records.GroupBy(EngineName).Where(g => g.Count() >= MinimumRecordsForEngine).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var served = records.Where(m => m.Mode is MeasurementMode.Burst or MeasurementMode.ClosedLoop)
            .GroupBy(m => m.Record.SourceKey, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        foreach (IGrouping<string, MappedRecord> engine in byEngine)
        {
            engineValues[engine.Key] = [];
        }

        for (int round = 0; round < rounds; round++)
        {
            foreach (IGrouping<string, MappedRecord> engine in byEngine)
            {
                List<MappedRecord> engineRecords = [.. engine];
                foreach (FitParameter parameter in FitParameters.Engine)
                {
                    Dictionary<string, double> values = engineValues[engine.Key];
                    double? best = Search(parameter, candidate =>
                    {
                        var trial = new Dictionary<string, double>(values, StringComparer.Ordinal) { [parameter.Key] = candidate };
                        var profiles = new Overrides(new Dictionary<string, Dictionary<string, double>>(engineValues, StringComparer.Ordinal) { [engine.Key] = trial }, start);
                        return Loss(engineRecords, profiles, m => harness.GetValueOrDefault(m.Record.SourceKey, HarnessCosts.None));
                    });
                    if (best is { } value)
                    {
                        values[parameter.Key] = value;
                    }
                }
            }

            var current = new Overrides(engineValues, start);
            foreach (IGrouping<string, MappedRecord> source in served)
            {
                harness[source.Key] = FitHarness([.. source], current, harness.GetValueOrDefault(source.Key, HarnessCosts.None), 1);
            }
        }

        var atBounds = new List<BoundHit>();
        var levels = new List<FittedValues>();
        foreach (IGrouping<string, MappedRecord> engine in byEngine)
        {
            Dictionary<string, double> values = engineValues[engine.Key];
            levels.Add(new FittedValues(engine.Key, "*", values, engine.Count()));
            foreach (FitParameter parameter in FitParameters.Engine)
            {
                if (values.TryGetValue(parameter.Key, out double value) && parameter.AtBound(value))
                {
                    atBounds.Add(new BoundHit(engine.Key, parameter.Key, value, parameter.Min, parameter.Max, parameter.Range));
                }
            }
        }

        foreach ((string source, HarnessCosts costs) in harness)
        {
            foreach (FitParameter parameter in FitParameters.Harness)
            {
                if (parameter.AtBound(costs.Get(parameter.Key)))
                {
                    atBounds.Add(new BoundHit($"harness of {source}", parameter.Key, costs.Get(parameter.Key), parameter.Min, parameter.Max, parameter.Range));
                }
            }
        }

        var set = new HarnessSet(harness, HarnessSet.MedianOf(harness.Values));
        return new FitState(levels, engineValues, set, atBounds);
    }

    /// <summary>
    /// Served runs with at least this many requests in flight set a source's harness: with fewer, a client's cost per
    /// token or request is a sliver of every gap and cannot be told from the deployment's own times (a harness fitted
    /// there would only absorb the model's errors).
    /// </summary>
    public const int HarnessConcurrency = 32;

    /// <summary>One source's harness fitted on its own served runs with the deployment held fixed.</summary>
    private static HarnessCosts FitHarness(List<MappedRecord> all, IProfileSource profiles, HarnessCosts start, int rounds)
    {
        HarnessCosts costs = start;
        List<MappedRecord> records = [.. all.Where(m => m.Mode is MeasurementMode.Burst or MeasurementMode.ClosedLoop && (m.Scenario.Workload.Concurrency.Sequences ?? 0) >= HarnessConcurrency)];
        if (records.Count == 0)
        {
            return HarnessCosts.None;
        }

        double tokenCap = ClientTokenCapUs(all, profiles);
        for (int round = 0; round < rounds; round++)
        {
            foreach (FitParameter range in FitParameters.Harness)
            {
                FitParameter parameter = range.Key == HarnessKeys.ClientTokenUs ? range with { Max = Math.Clamp(tokenCap, range.Min, range.Max) } : range;
                HarnessCosts current = costs;
                double? best = Search(parameter, candidate => Loss(records, profiles, m => ServedHarness(m, current.With(parameter.Key, candidate))));
                costs = costs.With(parameter.Key, best ?? 0);
            }
        }

        return costs;
    }

    /// <summary>
    /// The most a source's client can spend per streamed token: every served run of the source passed its output
    /// through the same client, so the fastest one (output tokens/s of one instance, whose front end is one lane)
    /// bounds the lane's time per token, less the API server's own share: 1e6 / rate - api_server_token_us.
    /// </summary>
    internal static double ClientTokenCapUs(IReadOnlyList<MappedRecord> all, IProfileSource profiles)
    {
        double cap = double.PositiveInfinity;
        foreach (MappedRecord m in all.Where(m => m.Mode is MeasurementMode.Burst or MeasurementMode.ClosedLoop))
        {
            if (m.Record.OutputTokensPerSecondPerGpu is { } perGpu && perGpu > 0)
            {
                double perInstance = perGpu * m.Strategy.GpuCount / m.Strategy.Replicas;
                double api = profiles.Resolve(m.Scenario.Engine, m.Scenario.Hardware.Gpu).ApiServerTokenUs;
                cap = Math.Min(cap, Math.Max(0, (1e6 / perInstance) - api));
            }
        }

        return cap;
    }

    /// <summary>
    /// The value in [min, max] with the lowest loss: nine evenly spaced points, then twice five points between the
    /// best one's neighbours. Ties go to the lower value. Null when the loss is the same over the whole range: the
    /// records say nothing about this value (an engine without MoE runs and its MoE overhead, runs without a measured
    /// TTFT and the request overhead), which is then not fitted.
    /// </summary>
    private static double? Search(FitParameter parameter, Func<double, double> loss)
    {
        double lo = parameter.Min, hi = parameter.Max;
        double best = lo, bestLoss = double.PositiveInfinity, worstLoss = double.NegativeInfinity;
        int points = 9;
        for (int pass = 0; pass < 3; pass++)
        {
            double step = (hi - lo) / (points - 1);
            for (int i = 0; i < points; i++)
            {
                double candidate = lo + (i * step);
                double l = loss(candidate);
                worstLoss = Math.Max(worstLoss, l);
                if (l < bestLoss - 1e-12)
                {
                    bestLoss = l;
                    best = candidate;
                }
            }

            if (pass == 0 && worstLoss - bestLoss < 1e-12)
            {
                return null;
            }

            lo = Math.Max(parameter.Min, best - step);
            hi = Math.Min(parameter.Max, best + step);
            points = 5;
        }

        return best;
    }

    private static double Loss(List<MappedRecord> records, IProfileSource profiles, Func<MappedRecord, HarnessCosts> harness)
    {
        var errors = new List<double>();
        foreach (MappedRecord m in records)
        {
            // The three headline metrics only: a percentile row (ttft_p50_ms) restates a record's TTFT and would
            // weigh it twice.
            foreach (Comparison c in Validator.Compare(m, profiles, harness(m)).Where(c => Validator.IsHeadline(c.Metric)))
            {
                errors.Add(Math.Abs(Math.Log(Math.Max(c.Predicted, 1e-9) / c.Measured)));
            }
        }

        if (errors.Count == 0)
        {
            return 0;
        }

        errors.Sort();
        return Validator.Percentile(errors, 0.5) + (0.5 * errors.Average());
    }

    private static string EngineName(MappedRecord m) => m.Scenario.Engine.ToString().ToLowerInvariant();

    private static List<ErrorSummary> Summaries(List<Comparison> comparisons, Func<Comparison, string> group) =>
    [
        .. comparisons
            .GroupBy(c => (Group: group(c), c.Metric))
            .OrderBy(g => g.Key.Group, StringComparer.Ordinal).ThenBy(g => MetricOrder(g.Key.Metric))
            .Select(g => Summary(g.Key.Group, g.Key.Metric, [.. g.Select(c => c.AbsolutePercentError)])),
    ];

    /// <summary>Held-out errors per dimension of the regime alone: dense/MoE, concurrency band, engine, vendor.</summary>
    private static IEnumerable<ErrorSummary> RegimeDimensions(List<Comparison> comparisons)
    {
        string[] names = ["model", "concurrency", "engine", "vendor"];
        for (int d = 0; d < names.Length; d++)
        {
            int dimension = d;
            foreach (ErrorSummary s in Summaries(comparisons, c => $"{names[dimension]}: {Part(c.Regime, dimension)}"))
            {
                yield return s;
            }
        }
    }

    private static string Part(string regime, int index)
    {
        string[] parts = regime.Split(' ');
        return index < parts.Length ? parts[index] : string.Empty;
    }

    private static int MetricOrder(string metric) => metric switch
    {
        Validator.OutputThroughput => 0,
        Validator.Tpot => 1,
        _ => 2,
    };

    private static ErrorSummary Summary(string group, string metric, List<double> errors)
    {
        errors.Sort();
        return new ErrorSummary(group, metric, errors.Count, Math.Round(Validator.Percentile(errors, 0.5), 2), Math.Round(Validator.Percentile(errors, 0.9), 2));
    }

    private static (string? Source, double? Median) Worst(List<Comparison> comparisons)
    {
        (string? source, double? median) = (null, null);
        foreach (IGrouping<string, Comparison> g in comparisons.GroupBy(c => c.Source).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            List<double> errors = [.. g.Select(c => c.AbsolutePercentError).Order()];
            double m = Validator.Percentile(errors, 0.5);
            if (median is null || m > median)
            {
                (source, median) = (g.Key, Math.Round(m, 2));
            }
        }

        return (source, median);
    }

    private sealed record FitState(List<FittedValues> Levels, Dictionary<string, Dictionary<string, double>> Values, HarnessSet Harness, List<BoundHit> AtBounds)
    {
        public Overrides Profiles(EfficiencyCatalog start) => new(Values, start);
    }

    /// <summary>Applies each engine's fitted values over the baseline's unfitted profile.</summary>
    private sealed class Overrides(IReadOnlyDictionary<string, Dictionary<string, double>> values, EfficiencyCatalog baseline) : IProfileSource
    {
        public EfficiencyProfile Resolve(EngineKind engine, GpuSpec gpu)
        {
            EfficiencyProfile profile = baseline.ResolveUnfitted(engine, gpu);
            if (values.TryGetValue(engine.ToString().ToLowerInvariant(), out Dictionary<string, double>? own))
            {
                foreach ((string key, double value) in own)
                {
                    profile = profile.With(key, value);
                }
            }

            return profile;
        }
    }
}
