using System.Globalization;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Dag;
using ParaPlan.Domain;
using ParaPlan.Input;
using ParaPlan.Planning;
using ParaPlan.Search;

namespace ParaPlan.Service;

/// <summary>What a DAG is drawn of: the strategy (the scenario's, or the best plan's), the layers and the size checked.</summary>
/// <param name="Scenario">The conditions (at the plan's concurrency when the strategy came from a plan).</param>
/// <param name="Strategy">The strategy drawn (the decode pool of a disaggregated one).</param>
/// <param name="Pools">A disaggregated strategy's pools, drawn both with the KV transfer between them; null when aggregated.</param>
/// <param name="First">First layer drawn.</param>
/// <param name="Last">Last layer drawn (inclusive).</param>
/// <param name="CollapseTp">One node per tensor-parallel group instead of one per GPU.</param>
/// <param name="Infeasible">Why there is nothing to draw (no strategy stated and no feasible plan); null when there is.</param>
public sealed record DagSetup(Scenario Scenario, ParallelStrategy Strategy, DisaggregatedStrategy? Pools, int First, int Last, bool CollapseTp, string? Infeasible)
{
    /// <summary>The DAG of one phase (both pools and the transfer when disaggregated).</summary>
    public DeploymentDag Build(DagPhase phase, IProfileSource profiles) => Pools is null
        ? DagBuilder.Build(Scenario, Strategy, phase, First, Last, CollapseTp, profiles)
        : DisaggregatedDag.Build(Scenario, Pools, First, Last, CollapseTp, profiles);
}

/// <summary><c>dag</c> as library calls, for the command line and the web API alike.</summary>
public static class DagOperation
{
    /// <param name="scenario">The conditions; without a strategy the best plan's is drawn.</param>
    /// <param name="layers">"A..B", "A", or null for every layer.</param>
    /// <param name="collapseTp">One node per tensor-parallel group.</param>
    /// <param name="catalog">The efficiency profiles.</param>
    /// <param name="layersField">The option or parameter <paramref name="layers"/> came from, for messages.</param>
    /// <param name="cancellation">Stops the search when no strategy is stated.</param>
    public static DagSetup Prepare(Scenario scenario, string? layers, bool collapseTp, IProfileSource catalog, string layersField = "--layers", CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        string path = scenario.SourcePath;
        ParallelStrategy strategy;
        DisaggregatedStrategy? pools = scenario.Disaggregated;
        if (pools is not null)
        {
            // Both pools and the KV transfer between them (docs/disaggregation.md); sized as the decode pool.
            scenario = scenario with { Parallel = pools.DecodePool };
        }

        if (scenario.Parallel is { } stated)
        {
            IReadOnlyList<StrategyViolation> violations = StrategyRules.Check(stated, scenario.Model, scenario.Hardware.GpuCount);
            if (violations.Count > 0)
            {
                throw new InputException(path, violations[0].Field, violations[0].Problem);
            }

            strategy = stated;
        }
        else
        {
            PlanResult plan = Planner.Plan(scenario, new SearchOptions { Cancellation = cancellation }, suggest: false, profiles: catalog);
            if (plan.Infeasible is { } why)
            {
                return new DagSetup(scenario, new ParallelStrategy(1, 1, 1, 1, 1, 1), null, 0, 0, collapseTp, why);
            }

            var p = plan.Best.Parallel;
            strategy = new ParallelStrategy(p.Tp, p.Sp, p.Dp, p.Pp, p.Ep, p.Replicas);
            if (plan.Best.Disaggregation is { } d)
            {
                static ParallelStrategy Instance(Reports.StrategySummary s) => new(s.Tp, s.Sp, s.Dp, s.Pp, s.Ep, 1);
                pools = new DisaggregatedStrategy(Instance(d.Prefill.Instance), Instance(d.Decode.Instance), d.Prefill.Instances, d.Decode.Instances);
            }

            scenario = scenario with { Workload = scenario.Workload.WithConcurrency(ConcurrencySetting.Of(plan.Best.Concurrency)) };
        }

        (int first, int last) = ParseLayers(path, layers, scenario.Model.LayerCount, layersField);
        CheckSize(path, strategy, first, last, collapseTp, layersField);
        if (pools is not null)
        {
            CheckSize(path, pools.PrefillPool, first, last, collapseTp, layersField);
        }

        return new DagSetup(scenario, strategy, pools, first, last, collapseTp, null);
    }

    /// <summary>
    /// The layers of <c>--layers</c>: <c>A..B</c> (inclusive) or <c>A</c> alone; all of the model's without it. Bad
    /// input (naming the file, the option and the problem) when it is not a range of whole numbers, reversed, or
    /// outside the model.
    /// </summary>
    public static (int First, int Last) ParseLayers(string path, string? text, int layerCount, string field = "--layers")
    {
        if (text is null)
        {
            return (0, layerCount - 1);
        }

        string[] parts = text.Split("..", StringSplitOptions.TrimEntries);
        if (parts.Length > 2 || parts.Any(p => p.Length == 0 || !p.All(char.IsAsciiDigit)))
        {
            throw new InputException(path, field, $"'{text}' is not a layer range; write A..B with whole numbers, e.g. 0..1 (or A for one layer).");
        }

        bool firstFits = int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int first);
        bool lastFits = int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int last);
        if (!firstFits || !lastFits || last >= layerCount)
        {
            throw new InputException(path, field, $"{text} is outside the model's layers 0..{layerCount - 1}.");
        }

        if (first > last)
        {
            throw new InputException(path, field, $"{text} is reversed; write the first layer first ({last}..{first}).");
        }

        return (first, last);
    }

    /// <summary>Bad input when the DAG would pass <see cref="DagBuilder.MaxNodes"/> nodes or GPUs, naming what would bring it under.</summary>
    private static void CheckSize(string path, ParallelStrategy strategy, int first, int last, bool collapseTp, string layersField)
    {
        double bound = DagBuilder.NodeBound(strategy, last - first + 1, collapseTp);
        if (bound <= DagBuilder.MaxNodes && strategy.GpuCount <= DagBuilder.MaxNodes)
        {
            return;
        }

        string gpus = strategy.GpuCount == 1 ? "1 GPU" : string.Create(CultureInfo.InvariantCulture, $"{strategy.GpuCount:N0} GPUs");
        string size = string.Create(CultureInfo.InvariantCulture, $"the DAG of layers {first}..{last} on {gpus} would have up to {bound:N0} nodes; a DAG is drawn up to {DagBuilder.MaxNodes:N0} nodes and GPUs");
        if (strategy.GpuCount > DagBuilder.MaxNodes || DagBuilder.NodeBound(strategy, 1, collapseTp: true) > DagBuilder.MaxNodes)
        {
            throw new InputException(path, "parallel", $"{size}; even one layer with one node per TP group is too large: draw a smaller strategy.");
        }

        string collapse = strategy.TensorParallel > 1 && !collapseTp ? " or one node per TP group (--collapse tp)" : string.Empty;
        throw new InputException(path, layersField, $"{size}; draw fewer layers (--layers A..B){collapse}.");
    }
}
