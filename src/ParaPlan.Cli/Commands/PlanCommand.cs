using System.CommandLine;
using ParaPlan.Catalog;
using ParaPlan.Cli.Rendering;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;
using ParaPlan.Planning;
using ParaPlan.Reports;

namespace ParaPlan.Cli.Commands;

/// <summary><c>paraplan plan FILE</c>: search strategies and write the deployment plan.</summary>
internal static class PlanCommand
{
    public static Command Create(CliOutput output)
    {
        Argument<string> file = CommandOptions.InputFile("A scenario file (YAML or JSON); its 'parallel', if any, is ignored.");
        Option<string> format = CommandOptions.Format();
        Option<string?> profiles = CommandOptions.Profiles();
        Option<double?> rate = CommandOptions.RequestRate();
        Option<string?> emit = new("--emit")
        {
            Description = "Also write the launch bundle into this folder: per engine a script per node, TensorRT-LLM's extra.yaml, a Kubernetes manifest and a benchmark script with the predicted figures.",
        };
        var command = new Command("plan", """
            Search every valid strategy (tp, sp, dp, pp, ep, replicas) within the GPU budget, and the concurrency
            when the workload says 'max'; rank those that meet every requirement by the objective (throughput,
            latency or gpus); report the best with its memory, TTFT, TPOT, throughput and per-operator breakdown,
            why it beats the runners-up, the GPU mapping (node, coordinates, layers, heads and experts of every
            GPU), the module-division check, the communication groups, launch settings for vLLM, SGLang and
            TensorRT-LLM, the Pareto front of output tokens/s per GPU vs tokens/s per user, and how many candidates
            were rejected for what. Exit code 0 with a feasible plan, 1 when none is (the closest candidate, by how
            much it misses and what would make it feasible are shown), 2 for bad input.
            At a request rate (workload.request_rate, a trace, or --request-rate) every replica count is tried: the
            analytical model prunes to the strategies that drain the rate, and a request-by-request simulation of
            the first of them ranks them against percentile targets such as ttft_ms: {p90: 2000}.

            Examples:
              paraplan plan examples/qwen3-235b-8xh100.yaml
              paraplan plan examples/seed-0-qwen3-235b.yaml --format markdown
              paraplan plan examples/qwen3-235b-rate.yaml
              paraplan plan examples/qwen3-235b-8xh100.yaml --request-rate 4
              paraplan plan my-deployment.yaml --profiles calibrated.json
            """)
        {
            file,
            format,
            profiles,
            rate,
            emit,
        };
        command.SetAction(parse =>
        {
            string? profilesFile = parse.GetValue(profiles);
            EfficiencyCatalog catalog = CommandOptions.LoadProfiles(profilesFile);
            Scenario scenario = Overrides.ApplyRequestRate(ScenarioReader.ReadFile(parse.GetValue(file)!), parse.GetValue(rate), "--request-rate");
            PlanResult plan = Planner.Plan(scenario, profiles: catalog);
            if (profilesFile is not null)
            {
                plan = plan with { Reproduce = $"{plan.Reproduce} --profiles {profilesFile}" };
            }
            FigureGuard.Ensure(plan, scenario.SourcePath, nonNegative: true);
            if (parse.GetValue(emit) is { } folder)
            {
                Emit(folder, LaunchBundle.Files(plan, scenario));
            }

            OutputFormat chosen = CommandOptions.ParseFormat(parse.GetValue(format)!);
            if (chosen == OutputFormat.Json)
            {
                Json.Write(output.Output, plan, scenario.SourcePath);
            }
            else
            {
                DocumentWriter.Write(PlanReportBuilder.Build(plan, ScenarioCheck.From(scenario with { Parallel = null }), profilesFile), chosen, output);
            }

            return plan.Infeasible is null ? ExitCodes.Success : ExitCodes.No;
        });
        return command;
    }

    private static void Emit(string folder, IReadOnlyDictionary<string, string> files)
    {
        try
        {
            foreach ((string name, string text) in files)
            {
                string path = Path.Combine(folder, name);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, text);
                if (name.EndsWith(".sh", StringComparison.Ordinal) && !OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new Input.InputException("command line", "--emit", $"cannot write the launch bundle into '{folder}' ({ex.Message}).");
        }
    }
}
