using System.CommandLine;
using System.Text;
using ParaPlan.Catalog;
using ParaPlan.Cli.Rendering;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Dag;
using ParaPlan.Domain;

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
            DagSetup setup = DagOperation.Prepare(scenario, parse.GetValue(layers), parse.GetValue(collapse) == "tp", catalog);
            if (setup.Infeasible is { } why)
            {
                output.Error.WriteLine($"paraplan: {path}: no feasible plan to draw ({why}); state 'parallel' to draw a strategy anyway.");
                return ExitCodes.No;
            }

            string chosen = parse.GetValue(format)!;
            string? phaseText = parse.GetValue(phase);
            int perNode = setup.Scenario.Hardware.GpusPerNode;
            if (chosen == "trace")
            {
                DagPhase[] phases = phaseText is null ? [DagPhase.Prefill, DagPhase.Decode] : [Phase(phaseText)];
                using Stream stream = output.OpenOutputStream();
                // Built lazily: one phase's DAG in memory at a time.
                IEnumerable<DeploymentDag> dags = setup.Pools is null
                    ? phases.Select(ph => setup.Build(ph, catalog))
                    : [setup.Build(DagPhase.Decode, catalog)];
                DagTrace.Write(stream, (int)(setup.Pools?.GpuCount ?? setup.Strategy.GpuCount), perNode, dags);
                return ExitCodes.Success;
            }

            DeploymentDag dag = setup.Build(Phase(phaseText ?? "decode"), catalog);
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
}
