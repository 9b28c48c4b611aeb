using System.CommandLine;
using System.Globalization;
using ParaPlan.Calibration;
using ParaPlan.Catalog;
using ParaPlan.Cli.Rendering;
using ParaPlan.Domain;
using ParaPlan.Input;

namespace ParaPlan.Cli.Commands;

/// <summary>
/// <c>paraplan calibrate SCENARIO RESULT</c>: fits the engine's serving-loop values to one benchmark run of the
/// scenario's deployment and writes them as a profiles overlay for <c>--profiles</c>.
/// </summary>
internal static class CalibrateCommand
{
    public static Command Create(CliOutput output)
    {
        Argument<string> scenarioFile = new("scenario")
        {
            Description = "The scenario that was run (YAML or JSON): model, hardware, engine, 'parallel' and a workload stating the run's concurrency and input/output lengths.",
        };
        Argument<string> resultFile = new("result")
        {
            Description = "The benchmark result: vllm bench serve --save-result JSON, sglang.bench_serving JSONL, genai-perf's profile_export_genai_perf.json or .csv, or trtllm-bench's --report_json or printed report.",
        };
        Option<int?> run = new("--run")
        {
            Description = "The run to compare (1-based) when the file holds several; by default the one whose concurrency matches the scenario's.",
        };
        Option<string?> entry = new("--engine-gpu")
        {
            Description = "The profile entry to write, ENGINE/GPU: the scenario's engine (or generic) and its GPU's catalog id, its architecture or * (default: the scenario's engine and GPU).",
            HelpName = "ENGINE/GPU",
        };
        Option<string?> outFile = new("--out")
        {
            Description = "Write the fitted values to this profiles overlay (JSON), for estimate/plan/audit/dag --profiles. Not written when the run cannot be reproduced.",
            HelpName = "PROFILE.json",
        };
        Option<string> format = CommandOptions.Format();
        var command = new Command("calibrate", """
            Fit the engine's serving-loop values (step_overhead_ms, sequence_overhead_us, layer_overhead_us and,
            when every request of the run was sent at once, request_overhead_ms), each inside its plausible range,
            so that 'estimate' for the scenario reproduces the run's mean TPOT (or ITL), output tokens/s per GPU and
            mean TTFT: the sum of the squared log errors is minimised by a bounded coordinate search. Reports the
            figures measured and predicted before and after, and the fitted values. A value that ends at an end of
            its range, or a figure still more than 5% off, means the run cannot be reproduced within the engine's
            plausible overheads: the rest of the model is off for this deployment (exit 1, nothing written).
            Exit code 0 when the run is reproduced, 1 when it is not, 2 for bad input.

            Examples:
              paraplan calibrate my-deployment.yaml results.json --out calibrated.json
              paraplan calibrate my-deployment.yaml sweep.jsonl --run 3 --out calibrated.json
              paraplan estimate my-deployment.yaml --profiles calibrated.json
            """)
        {
            scenarioFile,
            resultFile,
            run,
            entry,
            outFile,
            format,
        };
        command.SetAction(parse =>
        {
            string scenarioPath = parse.GetValue(scenarioFile)!;
            string resultPath = parse.GetValue(resultFile)!;
            int? runNumber = parse.GetValue(run);
            string? entryText = parse.GetValue(entry);
            string? outPath = parse.GetValue(outFile);
            Scenario scenario = ScenarioReader.ReadFile(scenarioPath);
            IReadOnlyList<BenchmarkRun> runs = BenchmarkResultReader.Read(resultPath);
            CalibrationResult result = Calibrator.Calibrate(scenario, resultPath, runs, runNumber, entryText);
            string commandText = string.Join(' ', new[]
            {
                "paraplan calibrate", scenarioPath, resultPath,
                runNumber is { } n ? string.Create(CultureInfo.InvariantCulture, $"--run {n}") : null,
                entryText is null ? null : $"--engine-gpu {entryText}",
            }.Where(part => part is not null));
            if (result.Failure is null && outPath is not null)
            {
                WriteFile(outPath, ProfileOverlayWriter.Write(result, commandText));
                result = result with { WrittenTo = outPath };
            }

            OutputFormat chosen = CommandOptions.ParseFormat(parse.GetValue(format)!);
            if (chosen == OutputFormat.Json)
            {
                Json.Write(output.Output, result);
            }
            else
            {
                DocumentWriter.Write(Build(result, outPath), chosen, output);
            }

            return result.Failure is null ? ExitCodes.Success : ExitCodes.No;
        });
        return command;
    }

    private static void WriteFile(string path, string text)
    {
        try
        {
            File.WriteAllText(path, text);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InputException(path, "--out", $"the profiles overlay cannot be written ({ex.Message}).");
        }
    }

    private static ReportDocument Build(CalibrationResult result, string? outPath)
    {
        var doc = new ReportDocument();
        doc.Heading($"Calibration of {result.Engine}/{result.Gpu}: {result.Deployment}");
        string written = result.WrittenTo is { } path ? $"{path} (use it with estimate, plan, audit or dag --profiles {path})"
            : result.Failure is not null ? "nothing: the run is not reproduced"
            : outPath is null ? "nothing (no --out)" : "nothing";
        doc.Facts(
            ("Run", string.Create(CultureInfo.InvariantCulture, $"{result.Run} of {result.Runs} in {result.ResultFile}: {result.RunDescription}")),
            ("In flight", result.RunConcurrency),
            ("Scenario", result.Scenario),
            ("Started from", result.StartingProfile),
            ("Written", written));

        doc.Heading("Measured and predicted", 2);
        doc.Table(
            ["Figure", "Measured>", "Before>", "Error>", "After>", "Error>", "What the run states"],
            result.Figures.Select(f => (IReadOnlyList<string>)
            [
                f.Key, Figures.Number(f.Measured, "0.###"), Figures.Number(f.Before, "0.###"), Error(f.ErrorBefore),
                Figures.Number(f.After, "0.###"), Error(f.ErrorAfter), f.Measure,
            ]));

        doc.Heading("Serving-loop values", 2);
        doc.Table(
            ["Value", "Before>", "After>", "Range", "Note"],
            result.Values.Select(v => (IReadOnlyList<string>)
            [
                v.Key, Figures.Number(v.Before, "0.###"), v.Fitted ? Figures.Number(v.After, "0.###") : "-",
                $"{Figures.Number(v.Min, "0.###")}-{Figures.Number(v.Max, "0.###")}",
                !v.Fitted ? "not fitted: no figure compared depends on it" : v.AtBound ? "AT AN END OF ITS RANGE" : "fitted",
            ]));

        if (result.Failure is not null)
        {
            doc.Paragraph($"NOT REPRODUCED: {result.Failure}. No profile was written.");
        }

        doc.Bullets("Warnings", [
            .. result.Values.Where(v => v.AtBound).Select(v => string.Create(CultureInfo.InvariantCulture,
                $"{v.Key} ended at {v.After:0.###}, an end of its range {v.Min:0.###}-{v.Max:0.###} ({v.Range})")),
            .. result.Warnings,
        ]);
        doc.Bullets("Not compared", result.NotCompared);
        return doc;
    }

    private static string Error(double relative) => relative.ToString("+0.0%;-0.0%;0.0%", CultureInfo.InvariantCulture);
}
