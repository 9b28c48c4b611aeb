using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
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
        Option<string?> layers = new("--layers") { Description = "Only layers A..B (inclusive), e.g. 0..1." };
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
            aggregation nodes with gate edges to the experts. Built from the same per-operator description the
            cost model uses.

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
                var p = plan.Best.Parallel;
                strategy = new ParallelStrategy(p.Tp, p.Sp, p.Dp, p.Pp, p.Ep, p.Replicas);
                scenario = scenario with { Workload = new Workload(scenario.Workload.InputTokens, scenario.Workload.OutputTokens, ConcurrencySetting.Of(plan.Best.Concurrency)) };
            }

            (int? first, int? last) = ParseLayers(parse.GetValue(layers), scenario.Model.LayerCount);
            bool collapseTp = parse.GetValue(collapse) == "tp";
            string chosen = parse.GetValue(format)!;
            string? phaseText = parse.GetValue(phase);
            if (chosen == "trace")
            {
                var phases = phaseText is null ? new[] { DagPhase.Prefill, DagPhase.Decode } : [Phase(phaseText)];
                var dags = phases.Select(ph => DagBuilder.Build(scenario, strategy, ph, first, last, collapseTp, catalog)).ToList();
                output.Output.WriteLine(DagFormats.ToTrace(dags, scenario.Hardware.GpusPerNode));
                return ExitCodes.Success;
            }

            DeploymentDag dag = DagBuilder.Build(scenario, strategy, Phase(phaseText ?? "decode"), first, last, collapseTp, catalog);
            switch (chosen)
            {
                case "json":
                    Json.Write(output.Output, dag);
                    break;
                case "dot":
                    output.Output.Write(DagFormats.ToDot(dag, scenario.Hardware.GpusPerNode));
                    break;
                case "svg":
                    output.Output.Write(RenderSvg(DagFormats.ToDot(dag, scenario.Hardware.GpusPerNode)));
                    break;
                default:
                    DocumentWriter.Write(Summary(dag, path), CommandOptions.ParseFormat(chosen), output);
                    break;
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static DagPhase Phase(string text) => text == "prefill" ? DagPhase.Prefill : DagPhase.Decode;

    internal static (int? First, int? Last) ParseLayers(string? text, int layerCount)
    {
        if (text is null)
        {
            return (null, null);
        }

        string[] parts = text.Split("..", StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int first)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int last))
        {
            throw new InputException(string.Empty, "--layers", $"'{text}' is not a layer range; write A..B, e.g. 0..1.");
        }

        if (first > last || last >= layerCount)
        {
            throw new InputException(string.Empty, "--layers", $"{text} is outside the model's layers 0..{layerCount - 1} (or A > B).");
        }

        return (first, last);
    }

    /// <summary>Renders DOT to SVG with Graphviz's dot (Debian package graphviz); bad input when it is missing.</summary>
    private static string RenderSvg(string dot)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("dot", "-Tsvg")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            }) ?? throw new InputException(string.Empty, "--format svg", "Graphviz 'dot' could not be started.");
            Task<string> read = process.StandardOutput.ReadToEndAsync();
            Task<string> errors = process.StandardError.ReadToEndAsync();
            process.StandardInput.Write(dot);
            process.StandardInput.Close();
            process.WaitForExit();
            return process.ExitCode == 0
                ? read.Result
                : throw new InputException(string.Empty, "--format svg", $"Graphviz 'dot' failed: {errors.Result.Trim()}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InputException(string.Empty, "--format svg", "Graphviz 'dot' is not installed (Debian: apt-get install graphviz); use --format dot and render it elsewhere.");
        }
    }

    private static ReportDocument Summary(DeploymentDag dag, string path)
    {
        var doc = new ReportDocument();
        var p = dag.Parallel;
        doc.Heading($"Deployment DAG of {dag.Model}: {dag.Phase}, layers {dag.FirstLayer}-{dag.LastLayer}");
        (_, double end) = DagFormats.Schedule(dag);
        doc.Facts(
            ("Strategy", string.Create(CultureInfo.InvariantCulture, $"tp {p.Tp}, sp {p.Sp}, dp {p.Dp}, pp {p.Pp}, ep {p.Ep}, replicas {p.Replicas} on {dag.Gpus} GPUs{(dag.CollapsedTp ? " (one node per TP group)" : string.Empty)}")),
            ("Step", $"{Figures.Number(dag.TokensPerGroup, "0.#")} tokens per DP group"),
            ("Nodes", string.Join(", ", dag.Nodes.GroupBy(n => n.Kind).Select(g => $"{Figures.Whole(g.Count())} {g.Key}"))),
            ("Edges", string.Join(", ", dag.Edges.GroupBy(e => e.Kind).Select(g => $"{Figures.Whole(g.Count())} {g.Key}"))),
            ("Laid out", $"{Figures.Number(end, "0.###")} ms from the first node to the last (no step overhead)"),
            ("Checks", DagChecks.Problems(dag) is { Count: 0 } ? "acyclic; every GPU computes; shapes agree along edges; every collective names its whole group" : string.Join("; ", DagChecks.Problems(dag).Take(5))));
        doc.Table(
            ["Operator", "Kind", "Nodes>", "Time per node ms>"],
            dag.Nodes.GroupBy(n => (n.Op, n.Kind)).Select(g => (IReadOnlyList<string>)[g.Key.Op, g.Key.Kind, Figures.Whole(g.Count()), Figures.Number(g.Max(n => n.TimeMs), "0.####")]));
        doc.Paragraph($"Formats: --format json | dot | svg | trace (Perfetto). Example: paraplan dag {path} --format svg > dag.svg");
        return doc;
    }
}
