using System.CommandLine;
using ParaPlan.Audit;
using ParaPlan.Catalog;
using ParaPlan.Cli.Rendering;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;

namespace ParaPlan.Cli.Commands;

/// <summary><c>paraplan audit FILE</c>: check a written plan claim by claim.</summary>
internal static class AuditCommand
{
    public static Command Create(CliOutput output)
    {
        Argument<string> file = CommandOptions.InputFile("A plan file: a scenario with 'parallel' and 'claims' (the figures the plan states).");
        Option<string> format = CommandOptions.Format();
        Option<string?> profiles = CommandOptions.Profiles();
        var command = new Command("audit", """
            Check a written deployment plan: the degrees and the GPU count they imply (including the common mistake
            of multiplying EP in), divisibility of heads, KV heads, experts and layers, the declared parameter
            count, module division; then every claimed figure recomputed with the cost model under the plan's own
            strategy: right, wrong (beyond a stated tolerance), physically impossible (beyond a compute, bandwidth
            or capacity bound, named with its value), or checkable only under a stated assumption; training-only
            notions and changes to the model in its description; and the corrected plan the search finds for the
            same conditions, side by side. An invalid strategy is a finding, not bad input.
            Exit code 0 when no finding is an error, 1 when one is, 2 for bad input.

            Examples:
              paraplan audit examples/seeds/seed-0-qwen3-235b.plan.yaml
              paraplan audit my-plan.yaml --format json
              paraplan audit my-plan.yaml --profiles calibrated.json
            """)
        {
            file,
            format,
            profiles,
        };
        command.SetAction(parse =>
        {
            EfficiencyCatalog catalog = CommandOptions.LoadProfiles(parse.GetValue(profiles));
            Scenario plan = ScenarioReader.ReadFile(parse.GetValue(file)!);
            AuditResult audit = Auditor.Audit(plan, profiles: catalog);
            FigureGuard.Ensure(audit, plan.SourcePath);
            OutputFormat chosen = CommandOptions.ParseFormat(parse.GetValue(format)!);
            if (chosen == OutputFormat.Json)
            {
                Json.Write(output.Output, audit, plan.SourcePath);
            }
            else
            {
                DocumentWriter.Write(AuditReportBuilder.Build(audit), chosen, output);
            }

            return audit.Verdict == "invalid" ? ExitCodes.No : ExitCodes.Success;
        });
        return command;
    }
}
