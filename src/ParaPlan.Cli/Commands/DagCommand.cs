using System.CommandLine;
using System.Globalization;
using System.Text;
using ParaPlan.Catalog;
using ParaPlan.Cli.Rendering;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Dag;
using ParaPlan.Domain;
using ParaPlan.Input;
using ParaPlan.Planning;

namespace ParaPlan.Cli.Commands;

/// <summary><c>paraplan dag FILE</c>: the deployment DAG of the scenario's strategy (or of the best plan).</summary>
internal static class DagCommand
{
    public static Command Create(CliOutput output)
    {
        Argument<string> file = CommandOptions.InputFile("A scenario file (YAML or JSON); without 'parallel' the best plan's strategy is used.");
        var format = new Option<string>("--format", "-f")
        {
            Description = "Output format: text (a summary), json, markdown, dot (Graphviz), svg (rendered with Graphviz 'dot'), trace (Chrome trace for Perfetto).",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json", "markdown", "dot", "svg", "trace");
        Option<string?> layers = new("--layers") { Description = "Only layers A..B (inclusive), e.g. 0..1, or A alone." };
        Option<string?> phase = new("--phase") { Description = "prefill (one prompt chunk) or decode (one decode step); default decode (the trace shows both unless one is named)." };
        phase.AcceptOnlyFromAmong("prefill", "decode");
        Option<string?> collapse = new("--collapse") { Description = "tp: one node per tensor-parallel group instead of one per GPU." };
        collapse.AcceptOnlyFromAmong("tp");
        Option<string?> profiles = CommandOptions.Profiles();
        var command = new Command("dag", """
            The deployment DAG: every operator of every layer on the GPUs that run it (embedding, norms, QKV,
            attention, output projection, router, experts per EP rank, shared experts, FFN, LM head) with its
            tensor shapes per GPU and its time from the cost model; the collectives between them (TP all-reduce, SP
            K/V exchange, EP dispatch and combine, PP send/recv) naming every GPU of their group; routing and
            aggregation nodes, each router with one gate edge to the node holding the routing table (which
            expert node holds which experts). Every replica is drawn; nodes are listed in topological order.
            Built from the same per-operator description the cost model uses. A DAG is drawn up to 1,500,000
            nodes (--layers and --collapse tp make it smaller); svg up to 3,000.

            Examples:
              paraplan dag examples/qwen3-235b-8xh100.yaml --layers 0..1 --format dot
              paraplan dag examples/deepseek-v3-2x8xh200.yaml --layers 3..3 --collapse tp --format svg > dag.svg
              paraplan dag examples/llama-3.1-70b-4xh100.yaml --format trace > trace.json
            """)
        {
            file,
            format,
            layers,
            phase,
            collapse,
            profiles,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(file)!;
            EfficiencyCatalog catalog = CommandOptions.LoadProfiles(parse.GetValue(profiles));
            Scenario scenario = ScenarioReader.ReadFile(path);
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
                PlanResult plan = Planner.Plan(scenario, suggest: false, profiles: catalog);
                if (plan.Infeasible is { } why)
                {
                    output.Error.WriteLine($"paraplan: {path}: no feasible plan to draw ({why}); state 'parallel' to draw a strategy anyway.");
                    return ExitCodes.No;
                }

                var p = plan.Best.Parallel;
                strategy = new ParallelStrategy(p.Tp, p.Sp, p.Dp, p.Pp, p.Ep, p.Replicas);
                if (plan.Best.Disaggregation is { } d)
                {
                    static ParallelStrategy Instance(ParaPlan.Reports.StrategySummary s) => new(s.Tp, s.Sp, s.Dp, s.Pp, s.Ep, 1);
                    pools = new DisaggregatedStrategy(Instance(d.Prefill.Instance), Instance(d.Decode.Instance), d.Prefill.Instances, d.Decode.Instances);
                }

                scenario = scenario with { Workload = scenario.Workload.WithConcurrency(ConcurrencySetting.Of(plan.Best.Concurrency)) };
            }

            (int first, int last) = ParseLayers(path, parse.GetValue(layers), scenario.Model.LayerCount);
            bool collapseTp = parse.GetValue(collapse) == "tp";
            CheckSize(path, strategy, first, last, collapseTp);
            if (pools is not null)
            {
                CheckSize(path, pools.PrefillPool, first, last, collapseTp);
            }

            string chosen = parse.GetValue(format)!;
            string? phaseText = parse.GetValue(phase);
            int perNode = scenario.Hardware.GpusPerNode;
            if (chosen == "trace")
            {
                DagPhase[] phases = phaseText is null ? [DagPhase.Prefill, DagPhase.Decode] : [Phase(phaseText)];
                using Stream stream = output.OpenOutputStream();
                // Built lazily: one phase's DAG in memory at a time.
                IEnumerable<DeploymentDag> dags = pools is null
                    ? phases.Select(ph => DagBuilder.Build(scenario, strategy, ph, first, last, collapseTp, catalog))
                    : [DisaggregatedDag.Build(scenario, pools, first, last, collapseTp, catalog)];
                DagTrace.Write(stream, (int)(pools?.GpuCount ?? strategy.GpuCount), perNode, dags);
                return ExitCodes.Success;
            }

            DeploymentDag dag = pools is null
                ? DagBuilder.Build(scenario, strategy, Phase(phaseText ?? "decode"), first, last, collapseTp, catalog)
                : DisaggregatedDag.Build(scenario, pools, first, last, collapseTp, catalog);
            switch (chosen)
            {
                case "json":
                {
                    using Stream stream = output.OpenOutputStream();
                    DagJson.Write(stream, dag);
                    break;
                }

                case "dot":
                {
                    using Stream stream = output.OpenOutputStream();
                    using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16);
                    DagDot.Write(writer, dag, perNode);
                    break;
                }

                case "svg":
                {
                    using Stream stream = output.OpenOutputStream();
                    DagSvg.Write(stream, dag, perNode, path);
                    break;
                }

                default:
                    DocumentWriter.Write(DagReportBuilder.Build(dag, path), CommandOptions.ParseFormat(chosen), output);
                    break;
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static DagPhase Phase(string text) => text == "prefill" ? DagPhase.Prefill : DagPhase.Decode;

    /// <summary>
    /// The layers of <c>--layers</c>: <c>A..B</c> (inclusive) or <c>A</c> alone; all of the model's without it. Bad
    /// input (one line naming the file, <c>--layers</c> and the problem) when it is not a range of whole numbers,
    /// reversed, or outside the model.
    /// </summary>
    internal static (int First, int Last) ParseLayers(string path, string? text, int layerCount)
    {
        if (text is null)
        {
            return (0, layerCount - 1);
        }

        string[] parts = text.Split("..", StringSplitOptions.TrimEntries);
        if (parts.Length > 2 || parts.Any(p => p.Length == 0 || !p.All(char.IsAsciiDigit)))
        {
            throw new InputException(path, "--layers", $"'{text}' is not a layer range; write A..B with whole numbers, e.g. 0..1 (or A for one layer).");
        }

        bool firstFits = int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int first);
        bool lastFits = int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int last);
        if (!firstFits || !lastFits || last >= layerCount)
        {
            throw new InputException(path, "--layers", $"{text} is outside the model's layers 0..{layerCount - 1}.");
        }

        if (first > last)
        {
            throw new InputException(path, "--layers", $"{text} is reversed; write the first layer first ({last}..{first}).");
        }

        return (first, last);
    }

    /// <summary>Bad input when the DAG would pass <see cref="DagBuilder.MaxNodes"/> nodes or GPUs, naming what would bring it under.</summary>
    private static void CheckSize(string path, ParallelStrategy strategy, int first, int last, bool collapseTp)
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
        throw new InputException(path, "--layers", $"{size}; draw fewer layers (--layers A..B){collapse}.");
    }
}
