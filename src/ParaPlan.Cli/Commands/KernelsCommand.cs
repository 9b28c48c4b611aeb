using System.CommandLine;
using System.Globalization;
using ParaPlan.Catalog;
using ParaPlan.Cli.Rendering;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;
using ParaPlan.Input;
using ParaPlan.Kernels;

namespace ParaPlan.Cli.Commands;

/// <summary><c>paraplan kernels FILE...</c>: kernel microbenchmarks predicted by the cost model's per-operator formulas, and the fit of its kernel efficiencies to them.</summary>
internal static class KernelsCommand
{
    public static Command Create(CliOutput output)
    {
        Argument<string[]> files = new("file")
        {
            Description = "Kernel measurement files (data/kernels/*.json: GEMMs, fused-MoE layers, attention, collectives).",
            Arity = ArgumentArity.OneOrMore,
        };
        Option<string> format = CommandOptions.Format();
        Option<bool> fit = new("--fit")
        {
            Description = "Fit the kernel efficiencies per GPU architecture (and per engine for fused-MoE kernels) to the rows instead of predicting them with the built-in profiles.",
        };
        Option<string> writeProfiles = new("--write-profiles")
        {
            Description = "With --fit: replace this profiles file's kernel-fit entries (\"origin\": \"kernels\") with the fit, each value with its source.",
            HelpName = "PROFILES.json",
        };
        var command = new Command("kernels", """
            Predict published kernel and collective measurements with the cost model's per-operator formulas (the
            same arithmetic estimate uses), or fit the profiles' kernel efficiencies to them.

            Examples:
              paraplan kernels data/kernels/*.json
              paraplan kernels data/kernels/*.json --fit --format markdown
              paraplan kernels data/kernels/*.json --fit --write-profiles data/efficiency/profiles.json
            """)
        {
            files,
            format,
            fit,
            writeProfiles,
        };
        command.SetAction(parse =>
        {
            string[] paths = parse.GetValue(files)!;
            List<KernelMeasurement> rows = [.. paths.Where(p => !p.EndsWith("overheads.json", StringComparison.Ordinal)).SelectMany(KernelReader.ReadFile)];
            OutputFormat chosen = CommandOptions.ParseFormat(parse.GetValue(format)!);
            string? profilesPath = parse.GetValue(writeProfiles);
            if (profilesPath is not null && !parse.GetValue(fit))
            {
                throw new InputException("command line", "--write-profiles", "writes a fit: add --fit.");
            }

            KernelFitResult result;
            if (parse.GetValue(fit))
            {
                string? profilesText = profilesPath is null ? null : DocumentLoader.ReadText(profilesPath);
                EfficiencyCatalog? baseline = profilesText is null ? null : EfficiencyCatalog.Parse(profilesText, profilesPath!);
                result = KernelFitter.Fit(rows, baseline);
                if (profilesText is not null)
                {
                    string command = $"paraplan kernels {string.Join(' ', paths)} --fit";
                    File.WriteAllText(profilesPath!, KernelFitWriter.Write(profilesText, profilesPath!, result, command));
                }
            }
            else
            {
                result = Predict(rows);
            }

            if (chosen == OutputFormat.Json)
            {
                Json.Write(output.Output, result);
            }
            else
            {
                DocumentWriter.Write(Build(result, string.Join(", ", paths)), chosen, output);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Every row predicted with the built-in profile of its engine (the generic one for kernels any engine ships).</summary>
    private static KernelFitResult Predict(List<KernelMeasurement> rows)
    {
        var comparisons = new List<KernelComparison>();
        var skipped = new List<string>();
        foreach (KernelMeasurement row in rows)
        {
            if (row.Gpu is null || !GpuCatalog.BuiltIn.TryGet(row.Gpu, out GpuSpec gpu))
            {
                skipped.Add($"{row.Id}: GPU not in the catalog");
                continue;
            }

            EngineKind engine = row.EngineFamily switch { "vllm" => EngineKind.Vllm, "sglang" => EngineKind.Sglang, "trtllm" => EngineKind.Trtllm, _ => EngineKind.Generic };
            EfficiencyProfile profile = EfficiencyCatalog.BuiltIn.Resolve(engine, gpu);
            if (KernelPredictor.PredictUs(row, gpu, profile) is not { } predicted)
            {
                skipped.Add($"{row.Id}: not an operation the cost model has");
                continue;
            }

            comparisons.Add(new KernelComparison(row.Id, row.Op, gpu.Id, row.Kernel, engine.ToString().ToLowerInvariant(), row.TimeUs, Math.Round(predicted, 3), Math.Round(Math.Abs(predicted - row.TimeUs) / row.TimeUs * 100, 2)));
        }

        return new KernelFitResult([], comparisons, skipped);
    }

    private static ReportDocument Build(KernelFitResult result, string files)
    {
        var doc = new ReportDocument();
        doc.Heading($"Kernel measurements: {files}");
        doc.Paragraph(string.Create(CultureInfo.InvariantCulture, $"{result.Rows.Count} rows predicted; {result.Skipped.Count} skipped (GPU not in the catalog, or an operation the cost model does not have)."));
        if (result.Fits.Count > 0)
        {
            doc.Heading("Fitted values", 2);
            doc.Table(
                ["Level", "Operation", "Rows>", "Median>", "P90>", "Values", "At a bound", "GPUs", "Kernels"],
                result.Fits.Select(f => (IReadOnlyList<string>)
                [
                    $"{f.Engine}/{f.Architecture}", f.What, f.Rows.ToString(CultureInfo.InvariantCulture), Pct(f.MedianApe), Pct(f.P90Ape),
                    string.Join(", ", f.Values.Select(v => $"{v.Key} {Figures.Number(v.Value, "0.###")}")), f.AtBounds.Count == 0 ? "-" : string.Join("; ", f.AtBounds),
                    string.Join(", ", f.Gpus), string.Join(", ", f.Kernels),
                ]));
        }

        doc.Heading("By operation and GPU", 2);
        doc.Table(
            ["Operation", "GPU", "Rows>", "Median>", "P90>"],
            result.Rows.GroupBy(r => (r.Op, r.Gpu)).OrderBy(g => g.Key.Op, StringComparer.Ordinal).ThenBy(g => g.Key.Gpu, StringComparer.Ordinal).Select(g =>
            {
                List<double> errors = [.. g.Select(r => r.AbsolutePercentError).Order()];
                return (IReadOnlyList<string>)[g.Key.Op, g.Key.Gpu, errors.Count.ToString(CultureInfo.InvariantCulture), Pct(ParaPlan.Validation.Validator.Percentile(errors, 0.5)), Pct(ParaPlan.Validation.Validator.Percentile(errors, 0.9))];
            }));
        doc.Heading("Rows", 2);
        doc.Table(
            ["Id", "Operation", "GPU", "Kernel", "Measured us>", "Predicted us>", "Error>"],
            result.Rows.Select(r => (IReadOnlyList<string>)[r.Id, r.Op, r.Gpu, r.Kernel, Figures.Number(r.MeasuredUs, "0.##"), Figures.Number(r.PredictedUs, "0.##"), Pct(r.AbsolutePercentError)]));
        return doc;
    }

    private static string Pct(double value) => Figures.Number(value, "0.0") + "%";
}
