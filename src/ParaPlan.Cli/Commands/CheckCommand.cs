using System.CommandLine;
using ParaPlan.Catalog;
using ParaPlan.Cli.Rendering;
using ParaPlan.Domain;
using ParaPlan.Reports;

namespace ParaPlan.Cli.Commands;

/// <summary><c>paraplan check FILE</c>: read a scenario as ParaPlan sees it and check its strategy.</summary>
internal static class CheckCommand
{
    public static Command Create(CliOutput output)
    {
        Argument<string> file = CommandOptions.InputFile("A scenario file (YAML or JSON).");
        Option<string> format = CommandOptions.Format();
        var command = new Command("check", """
            Read a scenario file and show the deployment conditions as ParaPlan understands them: the model and its
            parameter count, the GPU, precision, workload and requirements, every default applied (assumptions)
            and every inconsistency (warnings). When the scenario states a strategy ('parallel'), check it against
            the rules: GPU count, heads and KV heads vs tp, ep dividing the stage's GPUs, layers vs pp.
            Exit code 0 when the input is good; 2 for bad input, an invalid strategy included (the report still
            lists every rule it breaks; standard error names the first).

            Examples:
              paraplan check examples/qwen3-235b-8xh100.yaml
              paraplan check examples/seed-0-qwen3-235b.yaml --format json
            """)
        {
            file,
            format,
        };
        command.SetAction(parse =>
        {
            Scenario scenario = ScenarioReader.ReadFile(parse.GetValue(file)!);
            ScenarioCheck check = ScenarioCheck.From(scenario);
            FigureGuard.Ensure(check, scenario.SourcePath);
            OutputFormat chosen = CommandOptions.ParseFormat(parse.GetValue(format)!);
            if (chosen == OutputFormat.Json)
            {
                Json.Write(output.Output, check, scenario.SourcePath);
            }
            else
            {
                DocumentWriter.Write(CheckReportBuilder.Build(check), chosen, output);
            }

            if (check.Valid)
            {
                return ExitCodes.Success;
            }

            StrategyViolation first = check.Violations[0];
            string more = check.Violations.Count > 1 ? $" ({check.Violations.Count - 1} more problem(s) in the report)" : string.Empty;
            output.Error.WriteLine($"paraplan: error: {scenario.SourcePath}: {first.Field}: {first.Problem}{more}");
            return ExitCodes.BadInput;
        });
        return command;
    }
}
