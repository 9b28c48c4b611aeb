using System.Globalization;
using ParaPlan.Domain;
using ParaPlan.Input;

namespace ParaPlan.Catalog;

/// <summary>
/// The scenario's <c>workload</c> (docs/scenario-format.md, "workload"; docs/serving-at-a-rate.md): lengths as a
/// number, a range, a named distribution or a trace; arrivals as clients (<c>concurrency</c>), all at once
/// (<c>burst</c>), a rate (<c>request_rate</c>, <c>burstiness</c>) or a trace's; the simulation's request count,
/// seed and router.
/// </summary>
internal static class WorkloadReader
{
    private static readonly string[] Keys = ["input_tokens", "output_tokens", "concurrency", "burst", "request_rate", "burstiness", "trace", "requests", "seed", "router"];
    private static readonly string[] RangeKeys = ["min", "max"];
    private static readonly string[] DistributionKeys = ["distribution", "mean", "sigma", "min", "max"];
    private static readonly string[] ArrivalKeys = ["concurrency", "burst", "request_rate", "trace"];

    public static Workload Read(MapReader map, string? baseDirectory, List<string> assumptions, bool allowFiles = true)
    {
        MapReader? workload = map.Map("workload");
        if (workload is null && map.Has("workload"))
        {
            throw map.Fail("workload", "expected a map with input_tokens, output_tokens and one of concurrency, burst, request_rate or trace.");
        }

        workload?.RejectUnknownKeys(Keys, "workload");
        string[] forms = [.. ArrivalKeys.Where(k => workload?.Has(k) == true)];
        if (forms.Length > 1 && !(forms.Length == 2 && forms.Contains("trace") && forms.Contains("request_rate")))
        {
            throw workload!.Fail(forms[1], $"give one of concurrency (clients in a closed loop), burst (requests at once), request_rate (requests/s) or trace; found {string.Join(" and ", forms)}.");
        }

        IReadOnlyList<TracedRequest>? trace = workload?.Has("trace") == true ? ReadTrace(workload, baseDirectory, allowFiles) : null;
        LengthDistribution? inputLaw = trace is null ? ReadLengths(workload, "input_tokens", Defaults.InputTokens, assumptions) : FromTrace(workload!, "input_tokens", trace, t => t.InputTokens);
        LengthDistribution? outputLaw = trace is null ? ReadLengths(workload, "output_tokens", Defaults.OutputTokens, assumptions) : FromTrace(workload!, "output_tokens", trace, t => t.OutputTokens);
        TokenRange input = inputLaw.Range;
        int output = Math.Max(1, (int)Math.Round(outputLaw.Mean));

        WorkloadForm form = WorkloadForm.ClosedLoop;
        ConcurrencySetting concurrency = ConcurrencySetting.Max;
        double? rate = null;
        if (trace is not null)
        {
            form = WorkloadForm.Trace;
            double spanS = trace[^1].ArrivalMs / 1000;
            rate = workload!.Number("request_rate", FieldLimits.RequestRate) ?? (trace.Count > 1 && spanS > 0 ? (trace.Count - 1) / spanS : null);
            if (rate is null)
            {
                throw workload.Fail("trace", "the trace's requests all arrive at one instant: give request_rate to spread them, or use burst.");
            }
        }
        else if (workload?.Has("request_rate") == true)
        {
            form = WorkloadForm.RequestRate;
            rate = workload.RequiredNumber("request_rate", FieldLimits.RequestRate);
        }
        else if (workload?.Has("burst") == true)
        {
            form = WorkloadForm.Burst;
            concurrency = ConcurrencySetting.Of(workload.RequiredInteger("burst", FieldLimits.Concurrency));
        }
        else
        {
            concurrency = ReadConcurrency(workload, assumptions);
        }

        double burstiness = workload?.Number("burstiness", FieldLimits.Burstiness) ?? 1;
        if (workload?.Has("burstiness") == true && !(form is WorkloadForm.RequestRate))
        {
            throw workload.Fail("burstiness", "applies to request_rate arrivals only (a trace keeps its own gaps; clients and bursts have none).");
        }

        RouterPolicy router = RouterPolicy.RoundRobin;
        if (workload?.String("router") is { } routerText)
        {
            router = routerText.Trim().ToLowerInvariant() switch
            {
                "round_robin" or "round-robin" => RouterPolicy.RoundRobin,
                "least_loaded" or "least-loaded" or "shortest_queue" => RouterPolicy.LeastLoaded,
                _ => throw workload.Fail("router", $"expected round_robin or least_loaded, found '{routerText}'."),
            };
        }

        return new Workload(input, output, concurrency)
        {
            Form = form,
            RequestRate = rate,
            Burstiness = burstiness,
            InputLengths = inputLaw.Kind is LengthKind.Fixed or LengthKind.Uniform ? null : inputLaw,
            OutputLengths = outputLaw.Kind == LengthKind.Fixed ? null : outputLaw,
            Trace = trace,
            Requests = workload?.Integer("requests", FieldLimits.SimulatedRequests),
            Seed = workload?.Integer("seed", FieldLimits.Seed) is { } seed ? seed : 1,
            Router = router,
        };
    }

    private static ConcurrencySetting ReadConcurrency(MapReader? workload, List<string> assumptions)
    {
        InputNode? node = workload?.Get("concurrency");
        if (node is null)
        {
            assumptions.Add("workload.concurrency not given: max (the most sequences that fit memory) assumed");
            return ConcurrencySetting.Max;
        }

        if (node is ScalarNode { Text: { } text } && text.Trim().Equals("max", StringComparison.OrdinalIgnoreCase))
        {
            return ConcurrencySetting.Max;
        }

        if (node is ScalarNode { IsQuoted: false } || node is ScalarNode { Text: { } t } && double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            return ConcurrencySetting.Of(workload!.RequiredInteger("concurrency", FieldLimits.Concurrency));
        }

        throw workload!.Fail("concurrency", $"expected a number of sequences or 'max', found {node.Describe()}.");
    }

    /// <summary>A number, a range {min, max} (uniform), or {distribution: lognormal | sharegpt, mean, sigma, min, max}.</summary>
    private static LengthDistribution ReadLengths(MapReader? workload, string key, int fallback, List<string> assumptions)
    {
        InputNode? node = workload?.Get(key);
        if (node is null)
        {
            assumptions.Add(string.Create(CultureInfo.InvariantCulture, $"workload.{key} not given: {fallback} assumed"));
            return LengthDistribution.Fixed(fallback);
        }

        if (node is not MapNode)
        {
            return LengthDistribution.Fixed(workload!.RequiredInteger(key, FieldLimits.Tokens));
        }

        MapReader spec = workload!.Map(key)!;
        if (!spec.Has("distribution"))
        {
            spec.RejectUnknownKeys(RangeKeys, $"workload.{key} (a range)");
            int min = spec.RequiredInteger("min", FieldLimits.Tokens);
            int max = spec.RequiredInteger("max", FieldLimits.Tokens);
            if (max < min)
            {
                throw spec.Fail("max", string.Create(CultureInfo.InvariantCulture, $"must be at least min {min}; got {max}."));
            }

            return LengthDistribution.Uniform(min, max);
        }

        spec.RejectUnknownKeys(DistributionKeys, $"workload.{key} (a distribution)");
        string name = spec.RequiredString("distribution").Trim().ToLowerInvariant();
        switch (name)
        {
            case "sharegpt":
            {
                foreach (string stated in DistributionKeys.Skip(1).Where(spec.Has))
                {
                    throw spec.Fail(stated, "the sharegpt distribution has fixed parameters; write distribution: lognormal to give your own.");
                }

                (LengthDistribution sharegptInput, LengthDistribution sharegptOutput) = LengthDistribution.ShareGpt();
                LengthDistribution law = key == "input_tokens" ? sharegptInput : sharegptOutput;
                string note = $"workload.{key}: {law} - {LengthDistribution.ShareGptSource}";
                if (!assumptions.Contains(note))
                {
                    assumptions.Add(note);
                }

                return law;
            }

            case "lognormal":
            {
                double mean = spec.RequiredNumber("mean", FieldLimits.Tokens);
                double sigma = spec.Number("sigma", FieldLimits.LogSigma) ?? 1.0;
                if (!spec.Has("sigma"))
                {
                    assumptions.Add($"workload.{key}.sigma not given: 1.0 assumed");
                }

                int min = spec.Integer("min", FieldLimits.Tokens) ?? 1;
                int max = spec.Integer("max", FieldLimits.Tokens) ?? (int)Math.Min(FieldLimits.MaxTokens, Math.Ceiling(mean * Math.Exp(3 * sigma)));
                if (!spec.Has("max"))
                {
                    assumptions.Add(string.Create(CultureInfo.InvariantCulture, $"workload.{key}.max not given: {max} (mean x e^(3 sigma)) assumed; requirements are costed at it"));
                }

                if (max < min)
                {
                    throw spec.Fail("max", string.Create(CultureInfo.InvariantCulture, $"must be at least min {min}; got {max}."));
                }

                if (mean < min || mean > max)
                {
                    throw spec.Fail("mean", string.Create(CultureInfo.InvariantCulture, $"must lie within min {min} and max {max}; got {mean}."));
                }

                return LengthDistribution.Lognormal(mean, sigma, min, max);
            }

            default:
                throw spec.Fail("distribution", $"expected lognormal or sharegpt, found '{name}' (a range {{min, max}} is uniform).");
        }
    }

    private static LengthDistribution FromTrace(MapReader workload, string key, IReadOnlyList<TracedRequest> trace, Func<TracedRequest, int> length)
    {
        if (workload.Has(key))
        {
            throw workload.Fail(key, "the trace gives every request's lengths; leave this out.");
        }

        return LengthDistribution.FromTrace([.. trace.Select(length)]);
    }

    private static IReadOnlyList<TracedRequest> ReadTrace(MapReader workload, string? baseDirectory, bool allowFiles)
    {
        string path = workload.RequiredString("trace");
        if (!allowFiles)
        {
            throw workload.Fail("trace", $"'{path}' names a file; a scenario sent to the server cannot name files on it: use request_rate with input_tokens/output_tokens laws, or run 'paraplan plan' on the command line with the trace.");
        }

        string full = Path.IsPathRooted(path) || baseDirectory is null ? path : Path.Combine(baseDirectory, path);
        return TraceReader.Read(full);
    }
}
