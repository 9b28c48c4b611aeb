using System.CommandLine;
using ParaPlan.Catalog;
using ParaPlan.Cli.Rendering;
using ParaPlan.CostModel;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;

namespace ParaPlan.Cli.Commands;

/// <summary><c>paraplan estimate FILE</c>: memory, TTFT, TPOT and throughput of the scenario's strategy.</summary>
internal static class EstimateCommand
{
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
                scenario = Overrides.ApplyParallel(scenario, Overrides.ParseParallel(text, "--parallel"));
            }

            if (parse.GetValue(engineOverride) is { } engineText)
            {
                scenario = Overrides.ApplyEngine(scenario, Overrides.ParseEngine(engineText, "--engine"));
            }

            if (parse.GetValue(concurrencyOverride) is { } concurrencyText)
            {
                scenario = Overrides.ApplyConcurrency(scenario, Overrides.ParseConcurrency(concurrencyText, "--concurrency"));
            }

            scenario = Overrides.ApplyRequestRate(scenario, parse.GetValue(rateOverride), "--request-rate");
            double routingSkew = Overrides.CheckRoutingSkew(parse.GetValue(skew), "--routing-skew");
            EstimateResult estimate = EstimateOperation.Run(scenario, routingSkew, catalog);
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
}
