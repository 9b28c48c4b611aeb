using System.Globalization;
using ParaPlan.CostModel;
using ParaPlan.CostModel.Disaggregation;
using ParaPlan.CostModel.Profiles;
using ParaPlan.CostModel.Serving.Simulation;
using ParaPlan.Domain;
using ParaPlan.Input;

namespace ParaPlan.Service;

/// <summary>
/// <c>estimate</c> as one library call, for the command line and the web API alike: the scenario's strategy checked
/// by the rules, costed, simulated request by request (aggregated serving) and guarded.
/// </summary>
public static class EstimateOperation
{
    /// <param name="scenario">The conditions, with any override already applied (<see cref="Overrides"/>).</param>
    /// <param name="routingSkew">Expert popularity skew as a Zipf exponent (0 = uniform).</param>
    /// <param name="catalog">The efficiency profiles.</param>
    /// <returns>The estimate; bad input (<see cref="InputException"/>) when there is no valid strategy.</returns>
    public static EstimateResult Run(Scenario scenario, double routingSkew, EfficiencyCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(catalog);
        string path = scenario.SourcePath;
        if (scenario.Disaggregated is { } disaggregated)
        {
            return Disaggregated(scenario, disaggregated, catalog);
        }

        ParallelStrategy strategy = scenario.Parallel
            ?? throw new InputException(path, "parallel", "estimate needs a strategy (tp, sp, dp, pp, ep, replicas); use 'paraplan plan' to search for one.");
        IReadOnlyList<StrategyViolation> violations = StrategyRules.Check(strategy, scenario.Model, scenario.Hardware.GpuCount, scenario.Workload.InputTokens.Max);
        if (violations.Count > 0)
        {
            string more = violations.Count > 1 ? $" (and {violations.Count - 1} more: {string.Join("; ", violations.Skip(1).Select(v => v.ToString()))})" : string.Empty;
            throw new InputException(path, violations[0].Field, violations[0].Problem + more);
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
        return estimate;
    }

    /// <summary>A prefill/decode disaggregated strategy: each pool's rules, then the deployment's figures (docs/disaggregation.md).</summary>
    private static EstimateResult Disaggregated(Scenario scenario, DisaggregatedStrategy strategy, EfficiencyCatalog catalog)
    {
        string path = scenario.SourcePath;
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
            throw new InputException(path, "parallel", string.Create(CultureInfo.InvariantCulture, $"the two pools need {strategy.GpuCount} GPUs ({strategy.PrefillGpus} prefill + {strategy.DecodeGpus} decode), more than the {available} of hardware.gpus."));
        }

        EfficiencyProfile profile = catalog.Resolve(scenario.Engine, scenario.Hardware.Gpu);
        EstimateResult estimate = Estimator.EstimateDisaggregated(scenario, strategy, profile);
        estimate = DisaggregatedSimulation.Attach(scenario, strategy, estimate, profile);
        estimate = estimate with
        {
            Assumptions = [.. scenario.Assumptions, .. estimate.Assumptions],
            Warnings = [.. scenario.Warnings, .. estimate.Warnings],
        };
        FigureGuard.Ensure(estimate, path, nonNegative: true);
        return estimate;
    }
}
