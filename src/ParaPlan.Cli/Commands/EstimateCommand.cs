using System.CommandLine;
using ParaPlan.Catalog;
using ParaPlan.Cli.Rendering;
using ParaPlan.CostModel;
using ParaPlan.CostModel.Profiles;
using ParaPlan.CostModel.Serving.Simulation;
using ParaPlan.Domain;
using ParaPlan.Input;

namespace ParaPlan.Cli.Commands;

/// <summary><c>paraplan estimate FILE</c>: memory, TTFT, TPOT and throughput of the scenario's strategy.</summary>
internal static class EstimateCommand
{
    /// <summary>Largest --routing-skew: at a Zipf exponent of 10 the top expert takes nearly every token already.</summary>
    internal const double MaxRoutingSkew = 10;

    public static Command Create(CliOutput output)
    {
        Argument<string> file = CommandOptions.InputFile("A scenario file (YAML or JSON) with a 'parallel' strategy.");
        Option<string> format = CommandOptions.Format();
        Option<double> skew = new("--routing-skew")
        {
            Description = "Expert popularity skew as a Zipf exponent (0 = uniform top-k routing, the default; 1 is strongly skewed).",
            DefaultValueFactory = _ => 0,
        };
        Option<string?> parallelOverride = new("--parallel")
        {
            Description = "Use this strategy instead of the scenario's 'parallel', e.g. tp=8,ep=8 (unstated degrees are 1).",
        };
        Option<string?> concurrencyOverride = new("--concurrency")
        {
            Description = "Use this many sequences in flight (or max) instead of the scenario's workload.concurrency.",
        };
        Option<double?> rateOverride = CommandOptions.RequestRate();
        Option<string?> engineOverride = new("--engine")
        {
            Description = "Cost with this engine instead of the scenario's: generic, vllm, sglang or trtllm (what 'plan' prints to reproduce an 'engine: any' plan).",
        };
        engineOverride.AcceptOnlyFromAmong("generic", "vllm", "sglang", "trtllm");
        Option<string?> profiles = CommandOptions.Profiles();
        var command = new Command("estimate", """
            Cost the strategy in the scenario's 'parallel': what each GPU holds (weights as each degree really
            splits them, KV cache, activations, runtime reserve), the largest concurrency that fits when the
            workload says 'max', TTFT (in the steady state of the workload's clients or rate; for 'burst', all
            requests arriving together), TPOT (decode step at the mean context), output and total tokens/s per
            GPU, the per-operator breakdown of a decode step and of the prefill, expert load, communication
            groups, a simulation of the workload request by request (P50/P90/P99 of TTFT, TPOT, inter-token and
            end-to-end latency, achieved and good requests/s, saturation) and every requirement check.
            Exit code 0 when every check passes, 1 when one fails, 2 for bad input (an invalid strategy included).

            Examples:
              paraplan estimate examples/qwen3-235b-8xh100.yaml
              paraplan estimate examples/deepseek-v3-2x8xh200.yaml --format json
              paraplan estimate examples/qwen3-235b-8xh100.yaml --parallel tp=1,dp=8,ep=8 --concurrency 128
              paraplan estimate examples/qwen3-235b-8xh100.yaml --request-rate 2
              paraplan estimate my-deployment.yaml --profiles calibrated.json
            """)
        {
            file,
            format,
            skew,
            parallelOverride,
            concurrencyOverride,
            rateOverride,
            engineOverride,
            profiles,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(file)!;
            string? profilesFile = parse.GetValue(profiles);
            EfficiencyCatalog catalog = CommandOptions.LoadProfiles(profilesFile);
            Scenario scenario = ScenarioReader.ReadFile(path);
            if (parse.GetValue(parallelOverride) is { } text)
            {
                scenario = scenario with { Parallel = ParseParallel(text) };
            }

            if (parse.GetValue(engineOverride) is { } engineText)
            {
                EngineKind engine = engineText switch
                {
                    "vllm" => EngineKind.Vllm,
                    "sglang" => EngineKind.Sglang,
                    "trtllm" => EngineKind.Trtllm,
                    _ => EngineKind.Generic,
                };
                scenario = scenario with { Engine = engine, AnyEngine = false };
            }

            if (parse.GetValue(concurrencyOverride) is { } concurrencyText)
            {
                scenario = scenario with { Workload = scenario.Workload with { Concurrency = ParseConcurrency(concurrencyText), Form = WorkloadForm.ClosedLoop, RequestRate = null, Trace = null } };
            }

            scenario = CommandOptions.ApplyRequestRate(scenario, parse.GetValue(rateOverride));

            if (scenario.Disaggregated is { } disaggregated && parse.GetValue(parallelOverride) is null)
            {
                return EstimateDisaggregated(scenario, disaggregated, catalog, path, parse.GetValue(format)!, profilesFile, output);
            }

            ParallelStrategy strategy = scenario.Parallel
                ?? throw new InputException(path, "parallel", "estimate needs a strategy (tp, sp, dp, pp, ep, replicas); use 'paraplan plan' to search for one.");
            IReadOnlyList<StrategyViolation> violations = StrategyRules.Check(strategy, scenario.Model, scenario.Hardware.GpuCount, scenario.Workload.InputTokens.Max);
            if (violations.Count > 0)
            {
                string more = violations.Count > 1 ? $" (and {violations.Count - 1} more: {string.Join("; ", violations.Skip(1).Select(v => v.ToString()))})" : string.Empty;
                throw new InputException(path, violations[0].Field, violations[0].Problem + more);
            }

            double routingSkew = parse.GetValue(skew);
            if (!(routingSkew >= 0 && routingSkew <= MaxRoutingSkew))
            {
                throw new InputException(string.Empty, "--routing-skew", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"must be a Zipf exponent from 0 to {MaxRoutingSkew} (1 is strongly skewed); got {routingSkew}."));
            }

            EfficiencyProfile profile = catalog.Resolve(scenario.Engine, scenario.Hardware.Gpu);
            EstimateResult estimate = Estimator.Estimate(scenario, strategy, profile, routingSkew);
            estimate = WorkloadSimulator.Attach(scenario, strategy, estimate, profile);
            estimate = estimate with
            {
                Assumptions = [.. scenario.Assumptions, .. estimate.Assumptions],
                Warnings = [.. scenario.Warnings, .. estimate.Warnings],
            };
            FigureGuard.Ensure(estimate, path, nonNegative: true);
            OutputFormat chosen = CommandOptions.ParseFormat(parse.GetValue(format)!);
            if (chosen == OutputFormat.Json)
            {
                Json.Write(output.Output, estimate, path);
            }
            else
            {
                DocumentWriter.Write(EstimateReportBuilder.Build(estimate, path, profilesFile), chosen, output);
            }

            return estimate.Checks.All(c => c.Passed) ? ExitCodes.Success : ExitCodes.No;
        });
        return command;
    }

    /// <summary>Parses "tp=8,ep=8" (commas or spaces; unstated degrees are 1).</summary>
    /// <summary>A prefill/decode disaggregated strategy: each pool's rules, then the deployment's figures (docs/disaggregation.md).</summary>
    private static int EstimateDisaggregated(Scenario scenario, DisaggregatedStrategy strategy, EfficiencyCatalog catalog, string path, string format, string? profilesFile, CliOutput output)
    {
        foreach ((string pool, ParallelStrategy instance) in new[] { ("prefill", strategy.Prefill), ("decode", strategy.Decode) })
        {
            IReadOnlyList<StrategyViolation> violations = StrategyRules.Check(instance, scenario.Model, null, scenario.Workload.InputTokens.Max);
            if (violations.Count > 0)
            {
                throw new InputException(path, violations[0].Field.Replace("parallel", "parallel." + pool, StringComparison.Ordinal), violations[0].Problem);
            }
        }

        if (scenario.Hardware.GpuCount is { } available && strategy.GpuCount > available)
        {
            throw new InputException(path, "parallel", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the two pools need {strategy.GpuCount} GPUs ({strategy.PrefillGpus} prefill + {strategy.DecodeGpus} decode), more than the {available} of hardware.gpus."));
        }

        EfficiencyProfile profile = catalog.Resolve(scenario.Engine, scenario.Hardware.Gpu);
        EstimateResult estimate = Estimator.EstimateDisaggregated(scenario, strategy, profile);
        estimate = estimate with
        {
            Assumptions = [.. scenario.Assumptions, .. estimate.Assumptions, "not simulated request by request: the simulation covers aggregated serving (docs/serving-at-a-rate.md); the figures are the analytical path's"],
            Warnings = [.. scenario.Warnings, .. estimate.Warnings],
        };
        FigureGuard.Ensure(estimate, path, nonNegative: true);
        OutputFormat chosen = CommandOptions.ParseFormat(format);
        if (chosen == OutputFormat.Json)
        {
            Json.Write(output.Output, estimate, path);
        }
        else
        {
            DocumentWriter.Write(EstimateReportBuilder.Build(estimate, path, profilesFile), chosen, output);
        }

        return estimate.Checks.All(c => c.Passed) ? ExitCodes.Success : ExitCodes.No;
    }

    internal static ParallelStrategy ParseParallel(string text)
    {
        var degrees = new Dictionary<string, int>(StringComparer.Ordinal) { ["tp"] = 1, ["sp"] = 1, ["dp"] = 1, ["pp"] = 1, ["ep"] = 1, ["replicas"] = 1 };
        foreach (string part in text.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            string[] pair = part.Split('=', 2);
            string key = pair[0].Trim().ToLowerInvariant();
            if (pair.Length != 2 || !degrees.ContainsKey(key))
            {
                throw new InputException(string.Empty, "--parallel", $"'{part}' is not a degree; write tp=8,ep=8 with tp, sp, dp, pp, ep or replicas.");
            }

            if (!int.TryParse(pair[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int value) || !FieldLimits.Degree.Allows(value))
            {
                throw new InputException(string.Empty, "--parallel", $"{key} must be a whole number from 1 to {FieldLimits.Degree.MaximumText}; got '{pair[1]}'.");
            }

            degrees[key] = value;
        }

        double gpus = (double)degrees["replicas"] * degrees["pp"] * degrees["tp"] * degrees["sp"] * degrees["dp"];
        if (gpus > FieldLimits.MaxGpus)
        {
            throw new InputException(string.Empty, "--parallel", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the strategy needs replicas*pp*tp*sp*dp = {gpus:#,0} GPUs, more than the {FieldLimits.MaxGpus:#,0} ParaPlan plans for."));
        }

        return new ParallelStrategy(degrees["tp"], degrees["sp"], degrees["dp"], degrees["pp"], degrees["ep"], degrees["replicas"]);
    }

    private static ConcurrencySetting ParseConcurrency(string text)
    {
        if (text.Trim().Equals("max", StringComparison.OrdinalIgnoreCase))
        {
            return ConcurrencySetting.Max;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int value) && FieldLimits.Concurrency.Allows(value)
            ? ConcurrencySetting.Of(value)
            : throw new InputException(string.Empty, "--concurrency", $"must be a whole number from 1 to {FieldLimits.Concurrency.MaximumText}, or max; got '{text}'.");
    }
}
