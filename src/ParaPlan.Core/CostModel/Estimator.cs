using ParaPlan.CostModel.Profiles;
using ParaPlan.CostModel.Serving;
using ParaPlan.Domain;

namespace ParaPlan.CostModel;

/// <summary>
/// The cost model: for a scenario and one strategy, what each GPU holds and how fast the deployment runs. The GPU
/// physics of each operator (<c>Physics/</c>), the engine's serving loop on top of it (<c>Serving/</c>) and the
/// report in words (<c>Reporting/</c>); every formula is in docs/cost-model.md with its source. A benchmark
/// harness (its client, its host, its arrival pattern) is not part of it: that lives in validation only.
/// </summary>
public static class Estimator
{
    /// <summary>Estimates <paramref name="strategy"/> for <paramref name="scenario"/> with the engine's efficiency profile.</summary>
    public static EstimateResult Estimate(Scenario scenario, ParallelStrategy strategy) =>
        Estimate(scenario, strategy, EfficiencyCatalog.BuiltIn.Resolve(scenario.Engine, scenario.Hardware.Gpu));

    public static EstimateResult Estimate(Scenario scenario, ParallelStrategy strategy, EfficiencyProfile profile, double routingSkew = 0)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(profile);
        var model = new ServingModel(scenario, strategy, profile, routingSkew, report: true);
        return model.Compute(out _)!;
    }

    /// <summary>
    /// The full estimate together with every pipeline stage's operators (in the order a layer runs them, with their
    /// counts and times) for one decode step and one prefill chunk: what the deployment DAG is built from, so the two
    /// can never disagree.
    /// </summary>
    public static OperatorDescription Describe(Scenario scenario, ParallelStrategy strategy, EfficiencyProfile profile)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(profile);
        var model = new ServingModel(scenario, strategy, profile, 0, report: true) { CaptureStages = true };
        EstimateResult estimate = model.Compute(out _)!;
        return new OperatorDescription(estimate, model.DecodeStages!, model.PrefillStages!, model.DecodeTokensPerGroup, model.PrefillTokensPerGroup);
    }

    /// <summary>
    /// The cost model prepared for one strategy, to be evaluated at several concurrencies without redoing the
    /// per-strategy work (the search's inner loop).
    /// </summary>
    public static PreparedEstimate Prepare(Scenario scenario, ParallelStrategy strategy, EfficiencyProfile profile, double routingSkew = 0)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(profile);
        return new PreparedEstimate(new ServingModel(scenario, strategy, profile, routingSkew, report: false));
    }

    /// <summary>
    /// The headline figures only, without the breakdown, texts and checks: the same arithmetic as
    /// <see cref="Estimate(Scenario, ParallelStrategy, EfficiencyProfile, double)"/>, for a search that costs
    /// millions of strategies.
    /// </summary>
    public static EstimateFigures Figures(Scenario scenario, ParallelStrategy strategy, EfficiencyProfile profile, double routingSkew = 0)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(profile);
        new ServingModel(scenario, strategy, profile, routingSkew, report: false).Compute(out EstimateFigures figures);
        return figures;
    }

    /// <summary>The full estimate of a prefill/decode disaggregated strategy (docs/disaggregation.md).</summary>
    public static EstimateResult EstimateDisaggregated(Scenario scenario, DisaggregatedStrategy strategy, EfficiencyProfile profile) =>
        new ParaPlan.CostModel.Disaggregation.DisaggregatedServing(scenario, strategy, profile, report: true).Compute(out _)!;

    /// <summary>The headline figures of a disaggregated strategy (the search's path).</summary>
    public static EstimateFigures FiguresDisaggregated(Scenario scenario, DisaggregatedStrategy strategy, EfficiencyProfile profile)
    {
        new ParaPlan.CostModel.Disaggregation.DisaggregatedServing(scenario, strategy, profile, report: false).Compute(out EstimateFigures figures);
        return figures;
    }

    /// <summary>A strategy ready to be costed at any concurrency (figures only).</summary>
    public sealed class PreparedEstimate
    {
        private readonly ServingModel _model;

        internal PreparedEstimate(ServingModel model) => _model = model;

        public EstimateFigures Figures(ConcurrencySetting concurrency)
        {
            _model.Compute(out EstimateFigures figures, concurrency);
            return figures;
        }

        /// <summary>The figures of the scenario's own workload (at a request rate: the sequences in flight the rate asks for).</summary>
        public EstimateFigures Figures()
        {
            _model.Compute(out EstimateFigures figures);
            return figures;
        }
    }
}
