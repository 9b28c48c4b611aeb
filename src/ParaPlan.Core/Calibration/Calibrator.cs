using System.Globalization;
using ParaPlan.CostModel;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;
using ParaPlan.Input;
using ParaPlan.Validation.Fitting;

namespace ParaPlan.Calibration;

/// <summary>
/// Fits the engine's serving-loop values (<c>step_overhead_ms</c>, <c>sequence_overhead_us</c>,
/// <c>layer_overhead_us</c>, <c>request_overhead_ms</c>) to one benchmark run of a deployment, each inside the range
/// <see cref="FitParameters.Engine"/> declares, so that <see cref="Estimator.Estimate(Scenario, ParallelStrategy, EfficiencyProfile, double)"/>
/// for the scenario that was run reproduces the run's figures: its mean TPOT (or ITL), output tokens/s per GPU and,
/// when every request was sent at once, its mean TTFT. The fit minimises the sum of the squared log errors of the
/// figures compared by a bounded coordinate search; a value that ends at an end of its range, or a figure still off
/// by more than <see cref="Tolerance"/>, means the run cannot be reproduced by the engine's overheads alone.
/// </summary>
public static class Calibrator
{
    /// <summary>The largest relative error a figure may keep after the fit for the run to count as reproduced.</summary>
    public const double Tolerance = 0.05;

    /// <summary>The values fitted, in the order they are searched.</summary>
    public static IReadOnlyList<string> Keys { get; } = ["step_overhead_ms", "sequence_overhead_us", "layer_overhead_us", "request_overhead_ms"];

    /// <summary>
    /// Weight of the pull towards the starting values, per squared width of a value's range: small enough that it
    /// never trades a measurable error (a full-range move costs what a 0.1% error does), large enough to choose one
    /// fit among equally good ones (a step overhead and a per-layer overhead both add to every step).
    /// </summary>
    private const double Anchor = 1e-6;

    private const int GridIntervals = 20;
    private const int GoldenSteps = 40;
    private const int MaxRounds = 60;
    private const string Tpot = "tpot_ms";
    private const string Throughput = "output_tokens_per_s_per_gpu";
    private const string Ttft = "mean_ttft_ms";
    private const string RequestOverhead = "request_overhead_ms";

    /// <summary>Why a trtllm-bench run's TTFT is not compared (and request_overhead_ms is neither fitted nor written).</summary>
    private const string TrtllmBenchTtft =
        "TTFT: trtllm-bench throughput drives the engine in-process (no HTTP front end): its requests reach the executor "
        + "without an API server admitting them one after another, so its TTFT is not the served TTFT the estimate reports "
        + "(which includes the front end admitting a burst's requests and request_overhead_ms); request_overhead_ms, which "
        + "only TTFT sets, is neither fitted nor written.";

    /// <summary>Calibrates the scenario's engine on one run of a benchmark result file.</summary>
    /// <param name="scenario">The scenario that was run: its model, GPU, engine, strategy and workload (concurrency and lengths).</param>
    /// <param name="resultFile">The result file, as named in messages and in the sources written.</param>
    /// <param name="runs">Every run of the result file (<see cref="BenchmarkResultReader.Read(string)"/>).</param>
    /// <param name="runNumber">The 1-based run to compare; null for the one whose concurrency matches the scenario's.</param>
    /// <param name="entry">The profile entry to write, "engine/gpu" (gpu a catalog id, an architecture or *); null for the scenario's engine and GPU.</param>
    /// <param name="profiles">The profiles the fit starts from; the built-in ones by default (the overlay is laid over them).</param>
    public static CalibrationResult Calibrate(
        Scenario scenario, string resultFile, IReadOnlyList<BenchmarkRun> runs, int? runNumber = null, string? entry = null, IProfileSource? profiles = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(resultFile);
        ArgumentNullException.ThrowIfNull(runs);
        string path = scenario.SourcePath;
        ParallelStrategy strategy = scenario.Parallel
            ?? throw new InputException(path, "parallel", "calibrate needs the strategy the run used (tp, sp, dp, pp, ep, replicas).");
        IReadOnlyList<StrategyViolation> violations = StrategyRules.Check(strategy, scenario.Model, scenario.Hardware.GpuCount);
        if (violations.Count > 0)
        {
            throw new InputException(path, violations[0].Field, violations[0].Problem);
        }

        int concurrency = scenario.Workload.Concurrency.Sequences
            ?? throw new InputException(path, "workload.concurrency", "calibrate needs the number of requests the run kept in flight, not max.");
        BenchmarkRun run = SelectRun(runs, concurrency, runNumber, resultFile);
        if (RunPattern.IsBurst(run) || run.Tool == BenchmarkTool.TrtllmBench)
        {
            // A burst's requests arrive together (trtllm-bench hands them to the executor at once): the estimate's
            // TTFT and TPOT are the burst form's, with no clients' prompts arriving during decode.
            scenario = scenario with { Workload = scenario.Workload with { Form = WorkloadForm.Burst } };
        }

        (string engine, string gpu) = Entry(scenario, entry);
        var warnings = new List<string>();
        Compare(scenario, strategy, concurrency, run, warnings);

        // ---- the figures the run states ----
        var notCompared = new List<string>();
        var targets = new List<Target>();
        if (TpotFigure(run) is { } tpot)
        {
            targets.Add(new Target(Tpot, tpot.Measure, tpot.Value, e => e.TpotMs));
        }
        else
        {
            notCompared.Add("TPOT: the run states no TPOT or ITL.");
        }

        if (run.OutputTokensPerS is { } output)
        {
            long gpus = strategy.GpuCount;
            targets.Add(new Target(Throughput, Text($"output tokens/s ({output:0.##}) / {gpus} GPUs"), output / gpus, e => e.OutputTokensPerSPerGpu));
        }
        else
        {
            notCompared.Add("output tokens/s per GPU: the run states no output throughput.");
        }

        bool burst = RunPattern.IsBurst(run);
        if (run.Tool == BenchmarkTool.TrtllmBench)
        {
            notCompared.Add(TrtllmBenchTtft);
        }
        else if (burst && run.MeanTtftMs is { } ttft)
        {
            targets.Add(new Target(Ttft, "mean TTFT of the burst (the estimate's mean_ttft_ms; its ttft_ms is until the last request's first token)", ttft, e => e.MeanTtftMs));
        }
        else if (burst)
        {
            notCompared.Add(Text($"TTFT: the run states no mean TTFT ({(run.MedianTtftMs is { } median ? $"only the median, {median:0.##} ms" : "none at all")}), and the estimate gives the mean of a burst."));
        }
        else
        {
            notCompared.Add("TTFT: the run is not a burst (" + RunPattern.Describe(run) + "); the estimate's TTFT has every request arriving at once, so its TTFT "
                + "is not comparable with this run's, and request_overhead_ms (which only TTFT sets) is neither fitted nor written.");
        }

        foreach (Target unusable in targets.Where(t => !(t.Measured > 0 && double.IsFinite(t.Measured))).ToList())
        {
            targets.Remove(unusable);
            notCompared.Add(Text($"{unusable.Key}: the run states {unusable.Measured} ({unusable.Measure}), not a positive figure."));
        }

        if (targets.Count == 0)
        {
            throw new InputException(resultFile, Text($"run {run.RunIndex}"), "states none of TPOT, ITL, output throughput or a burst's mean TTFT: nothing to calibrate against.");
        }

        // ---- the fit ----
        IProfileSource source = profiles ?? EfficiencyCatalog.BuiltIn;
        EfficiencyProfile start = source.Resolve(scenario.Engine, scenario.Hardware.Gpu);
        bool ttftCompared = targets.Any(t => t.Key == Ttft);
        var parameters = Keys.Select(k => FitParameters.Engine.Single(p => p.Key == k)).ToList();
        bool[] fitted = [.. parameters.Select(p => p.Key != RequestOverhead || ttftCompared)];
        double[] before = [.. parameters.Select(p => start.Get(p.Key))];
        double[] anchor = [.. parameters.Select((p, i) => Math.Clamp(before[i], p.Min, p.Max))];
        EfficiencyProfile With(double[] values)
        {
            EfficiencyProfile profile = start;
            for (int i = 0; i < parameters.Count; i++)
            {
                if (fitted[i])
                {
                    profile = profile.With(parameters[i].Key, values[i]);
                }
            }

            return profile;
        }

        double Loss(double[] values)
        {
            EstimateResult estimate = Estimator.Estimate(scenario, strategy, With(values));
            double loss = 0;
            foreach (Target target in targets)
            {
                double error = Math.Log(target.Predict(estimate) / target.Measured);
                loss += double.IsFinite(error) ? error * error : 1e6;
            }

            for (int i = 0; i < parameters.Count; i++)
            {
                double distance = (values[i] - anchor[i]) / (parameters[i].Max - parameters[i].Min);
                loss += Anchor * distance * distance;
            }

            return loss;
        }

        double[] after = Search(parameters, fitted, anchor, Loss);
        EstimateResult predictedBefore = Estimator.Estimate(scenario, strategy, start);
        EstimateResult predictedAfter = Estimator.Estimate(scenario, strategy, With(after));
        var figures = targets.Select(t => new CalibrationFigure(t.Key, t.Measure, t.Measured, t.Predict(predictedBefore), t.Predict(predictedAfter))).ToList();
        var values = parameters.Select((p, i) => new CalibratedValue(p.Key, before[i], fitted[i] ? after[i] : before[i], p.Min, p.Max, p.Range, fitted[i], fitted[i] && p.AtBound(after[i]))).ToList();
        foreach (CheckResult check in predictedAfter.Checks.Where(c => !c.Passed && c.Name == "memory"))
        {
            warnings.Add($"the estimate's memory check fails at this concurrency ({check.Detail}); its figures assume every request runs at once");
        }

        return new CalibrationResult
        {
            Scenario = path,
            ResultFile = resultFile,
            Run = run.RunIndex,
            Runs = runs.Count,
            RunDescription = RunPattern.Describe(run),
            RunConcurrency = RunPattern.Concurrency(run, out string how) is { } inFlight ? Text($"{inFlight:0.##} ({how})") : how,
            Deployment = Text($"{scenario.Model.Name} on {strategy.GpuCount} x {scenario.Hardware.Gpu.Id} ({EngineName(scenario.Engine)}, {strategy}), concurrency {concurrency}, input {scenario.Workload.InputTokens} / output {scenario.Workload.OutputTokens} tokens"),
            Engine = engine,
            Gpu = gpu,
            Figures = figures,
            Values = values,
            NotCompared = notCompared,
            Warnings = warnings,
            Failure = Failure(values, figures),
            StartingProfile = start.Name,
        };
    }

    /// <summary>
    /// The run to compare: the one <paramref name="runNumber"/> names; the only one; or the only one whose
    /// concurrency (<see cref="RunPattern.Concurrency"/>, rounded) is the scenario's. Otherwise bad input listing the runs.
    /// </summary>
    public static BenchmarkRun SelectRun(IReadOnlyList<BenchmarkRun> runs, int concurrency, int? runNumber, string resultFile)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0)
        {
            throw new InputException(resultFile, "(document)", "holds no benchmark run.");
        }

        if (runNumber is { } number)
        {
            return number >= 1 && number <= runs.Count
                ? runs[number - 1]
                : throw new InputException(resultFile, "--run", Text($"there is no run {number}; the file holds {runs.Count}: {List(runs)}"));
        }

        if (runs.Count == 1)
        {
            return runs[0];
        }

        var matching = runs.Where(r => RunPattern.Concurrency(r, out _) is { } c && (int)Math.Round(c, MidpointRounding.AwayFromZero) == concurrency).ToList();
        return matching.Count == 1
            ? matching[0]
            : throw new InputException(resultFile, "--run", Text(
                $"{(matching.Count == 0 ? "no run" : $"{matching.Count} runs")} of the {runs.Count} in the file kept the scenario's concurrency {concurrency} in flight; pick one with --run N: {List(runs)}"));
    }

    private static string List(IReadOnlyList<BenchmarkRun> runs) =>
        string.Join("; ", runs.Select(r => Text($"{r.RunIndex}: {RunPattern.Describe(r)}, in flight {(RunPattern.Concurrency(r, out _) is { } c ? c.ToString("0.#", CultureInfo.InvariantCulture) : "not stated")}")));

    /// <summary>The profile entry to write: the scenario's engine and GPU, or the "engine/gpu" asked for when the scenario resolves it.</summary>
    private static (string Engine, string Gpu) Entry(Scenario scenario, string? entry)
    {
        string engine = EngineName(scenario.Engine);
        GpuSpec gpu = scenario.Hardware.Gpu;
        string id = gpu.Id.Trim().ToLowerInvariant();
        if (entry is null)
        {
            return (engine, id);
        }

        string[] gpus = [id, .. EfficiencyCatalog.ArchitectureKey(gpu.Architecture) is { } architecture ? [architecture] : Array.Empty<string>(), "*"];
        string[] engines = scenario.Engine == EngineKind.Generic ? [engine] : [engine, "generic"];
        string[] parts = entry.Trim().ToLowerInvariant().Split('/', 2, StringSplitOptions.TrimEntries);
        return parts.Length == 2 && engines.Contains(parts[0]) && gpus.Contains(parts[1])
            ? (parts[0], parts[1])
            : throw new InputException(string.Empty, "--engine-gpu",
                $"'{entry}' is not a profile entry the scenario's {engine} on {id} uses; write ENGINE/GPU with ENGINE one of {string.Join(", ", engines)} and GPU one of {string.Join(", ", gpus)}.");
    }

    /// <summary>Warnings where the scenario and the run disagree on what was run.</summary>
    private static void Compare(Scenario scenario, ParallelStrategy strategy, int concurrency, BenchmarkRun run, List<string> warnings)
    {
        if (RunPattern.Concurrency(run, out string how) is { } inFlight)
        {
            if ((int)Math.Round(inFlight, MidpointRounding.AwayFromZero) != concurrency)
            {
                warnings.Add(Text($"the run kept {inFlight:0.##} requests in flight ({how}); the scenario says {concurrency}"));
            }
        }
        else
        {
            warnings.Add(Text($"the result file does not state how many requests the run kept in flight; the scenario's {concurrency} is taken as it"));
        }

        Lengths("input", run.MeanInputTokens, scenario.Workload.InputTokens.Mean, warnings);
        Lengths("output", run.MeanOutputTokens, scenario.Workload.OutputTokens, warnings);
        if (run.TensorParallelSize is { } tp && tp != strategy.TensorParallel)
        {
            warnings.Add(Text($"the run used tp {tp}; the scenario says tp {strategy.TensorParallel}"));
        }

        if (run.PipelineParallelSize is { } pp && pp != strategy.PipelineParallel)
        {
            warnings.Add(Text($"the run used pp {pp}; the scenario says pp {strategy.PipelineParallel}"));
        }

        if (run.Tool == BenchmarkTool.TrtllmBench && scenario.Engine != EngineKind.Trtllm)
        {
            warnings.Add($"trtllm-bench drives TensorRT-LLM; the scenario says engine {EngineName(scenario.Engine)}");
        }
    }

    private static void Lengths(string what, double? measured, double stated, List<string> warnings)
    {
        if (measured is { } mean && Math.Abs((stated / mean) - 1) > Tolerance)
        {
            warnings.Add(Text($"the run's requests had {mean:0.#} {what} tokens on average; the scenario's mean is {stated:0.#}"));
        }
    }

    /// <summary>The TPOT-like figure the run states, in order of preference: mean TPOT, mean ITL, then the medians.</summary>
    private static (double Value, string Measure)? TpotFigure(BenchmarkRun run) =>
        run.MeanTpotMs is { } meanTpot ? (meanTpot, "mean TPOT")
        : run.MeanItlMs is { } meanItl ? (meanItl, "mean ITL (the run states no mean TPOT)")
        : run.MedianTpotMs is { } medianTpot ? (medianTpot, "median TPOT (the run states no mean TPOT or ITL)")
        : run.MedianItlMs is { } medianItl ? (medianItl, "median ITL (the run states no mean TPOT or ITL)")
        : null;

    /// <summary>
    /// Bounded coordinate search: each value in turn is scanned over its whole range on a grid and refined by a
    /// golden-section search around the best grid point, until a round no longer lowers the loss.
    /// </summary>
    private static double[] Search(List<FitParameter> parameters, bool[] fitted, double[] start, Func<double[], double> loss)
    {
        double[] x = [.. start];
        double best = loss(x);
        for (int round = 0; round < MaxRounds; round++)
        {
            double roundStart = best;
            for (int i = 0; i < parameters.Count; i++)
            {
                if (!fitted[i])
                {
                    continue;
                }

                (double lo, double hi) = (parameters[i].Min, parameters[i].Max);
                double width = (hi - lo) / GridIntervals;
                double Try(double value)
                {
                    double kept = x[i];
                    x[i] = value;
                    double l = loss(x);
                    x[i] = kept;
                    return l;
                }

                // The grid, then the current value (a grid point may be worse than where the last round ended).
                double bestValue = x[i];
                double bestLoss = best;
                for (int g = 0; g <= GridIntervals; g++)
                {
                    double value = lo + (g * width);
                    double l = Try(value);
                    if (l < bestLoss)
                    {
                        (bestValue, bestLoss) = (value, l);
                    }
                }

                (double a, double b) = (Math.Max(lo, bestValue - width), Math.Min(hi, bestValue + width));
                const double Ratio = 0.6180339887498949;
                double c = b - (Ratio * (b - a));
                double d = a + (Ratio * (b - a));
                double fc = Try(c);
                double fd = Try(d);
                for (int step = 0; step < GoldenSteps; step++)
                {
                    if (fc < fd)
                    {
                        (b, d, fd) = (d, c, fc);
                        c = b - (Ratio * (b - a));
                        fc = Try(c);
                    }
                    else
                    {
                        (a, c, fc) = (c, d, fd);
                        d = a + (Ratio * (b - a));
                        fd = Try(d);
                    }
                }

                foreach ((double value, double l) in new[] { (c, fc), (d, fd), (a, Try(a)), (b, Try(b)) })
                {
                    if (l < bestLoss)
                    {
                        (bestValue, bestLoss) = (value, l);
                    }
                }

                x[i] = bestValue;
                best = bestLoss;
            }

            if (roundStart - best <= 1e-12)
            {
                break;
            }
        }

        return x;
    }

    private static string? Failure(IReadOnlyList<CalibratedValue> values, IReadOnlyList<CalibrationFigure> figures)
    {
        var reasons = new List<string>();
        foreach (CalibratedValue value in values.Where(v => v.AtBound))
        {
            string end = value.After >= value.Max - (0.01 * (value.Max - value.Min)) ? "upper" : "lower";
            reasons.Add(Text($"{value.Key} = {value.After:0.###} rests at the {end} end of its range {value.Min:0.###}-{value.Max:0.###}"));
        }

        foreach (CalibrationFigure figure in figures.Where(f => Math.Abs(f.ErrorAfter) > Tolerance))
        {
            reasons.Add(Text($"{figure.Key} is still {figure.ErrorAfter:+0.0%;-0.0%} off ({figure.After:0.###} predicted, {figure.Measured:0.###} measured)"));
        }

        return reasons.Count == 0
            ? null
            : "the run cannot be reproduced within the engine's plausible overheads; the rest of the model is off for this deployment: " + string.Join("; ", reasons);
    }

    private static string EngineName(EngineKind engine) => engine.ToString().ToLowerInvariant();

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Target(string Key, string Measure, double Measured, Func<EstimateResult, double> Predict);
}
