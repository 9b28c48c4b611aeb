using System.CommandLine;
using System.Globalization;
using ParaPlan.Cli.Rendering;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Input;
using ParaPlan.Validation;
using ParaPlan.Validation.Fitting;
using ParaPlan.Validation.Harness;

namespace ParaPlan.Cli.Commands;

/// <summary><c>paraplan validate FILE</c>: predicted vs measured for every record the model can express.</summary>
internal static class ValidateCommand
{
    public static Command Create(CliOutput output)
    {
        Argument<string[]> file = new("file")
        {
            Description = "One or more measurements files: JSON lists of records in the format of data/validation/published-measurements.json (several are read as one set).",
            Arity = ArgumentArity.OneOrMore,
        };
        Option<string> format = CommandOptions.Format();
        Option<bool> fit = new("--fit")
        {
            Description = "Instead of the comparison, fit each engine's overheads (inside cited ranges) and each source's benchmark harness, then predict every source with values fitted without it (leave one source out); prints the fitted values, any value at an end of its range (the fit then fails, exit 1), and the held-out error per metric, source and regime.",
        };
        Option<string> writeProfiles = new("--write-profiles")
        {
            Description = "With --fit: fit from this profiles file's unfitted entries and replace its fitted ones (\"fitted\": true) with the new fit, each value with its source. Not written when a value ends at a bound. data/efficiency/profiles.json is the built-in file: rebuild to use what was written.",
            HelpName = "PROFILES.json",
        };
        Option<bool> noHoldOut = new("--no-hold-out")
        {
            Description = "With --fit: fit only, without predicting each source from a fit without it (a quick look; the held-out errors are then empty).",
        };
        Option<string> writeHarness = new("--write-harness")
        {
            Description = "With --fit: write each source's fitted harness (validation only) to this file, for --harness.",
            HelpName = "HARNESS.json",
        };
        Option<string> harness = new("--harness")
        {
            Description = "Without --fit: the benchmark harness of each source (a file --write-harness wrote, e.g. data/harness.json); a source it does not list gets its typical harness. Without it served runs are predicted with no harness cost.",
            HelpName = "HARNESS.json",
        };
        var command = new Command("validate", """
            Predict every measurement the cost model can express and compare: for each record, the measured and
            predicted output tokens/s per GPU, TTFT and TPOT (each compared with the figure that matches how it was
            measured), then the median and 90th-percentile absolute percentage error per metric, and the records
            skipped with the reason.

            Examples:
              paraplan validate data/validation/published-measurements.json
              paraplan validate data/validation/*.json --harness data/harness.json
              paraplan validate data/validation/*.json --fit --format markdown
              paraplan validate data/validation/*.json --fit --write-profiles data/efficiency/profiles.json --write-harness data/harness.json
            """)
        {
            file,
            format,
            fit,
            writeProfiles,
            writeHarness,
            harness,
            noHoldOut,
        };
        command.SetAction(parse =>
        {
            string[] paths = parse.GetValue(file)!;
            List<MeasurementRecord> records = [.. paths.SelectMany(MeasurementReader.ReadFile)];
            string path = string.Join(", ", paths);
            string? profilesPath = parse.GetValue(writeProfiles);
            if (profilesPath is not null && !parse.GetValue(fit))
            {
                throw new InputException("command line", "--write-profiles", "writes a fit: add --fit.");
            }

            string? harnessOut = parse.GetValue(writeHarness);
            if (harnessOut is not null && !parse.GetValue(fit))
            {
                throw new InputException("command line", "--write-harness", "writes a fit: add --fit.");
            }

            string? harnessIn = parse.GetValue(harness);
            if (harnessIn is not null && parse.GetValue(fit))
            {
                throw new InputException("command line", "--harness", "a fit fits the harness itself: leave --harness out with --fit.");
            }

            OutputFormat chosen = CommandOptions.ParseFormat(parse.GetValue(format)!);
            if (parse.GetValue(fit))
            {
                // With --write-profiles the fit starts from that file's unfitted entries, else from the built-in ones.
                string? profilesText = profilesPath is null ? null : DocumentLoader.ReadText(profilesPath);
                EfficiencyCatalog? baseline = profilesText is null ? null : EfficiencyCatalog.Parse(profilesText, profilesPath!);
                FitResult result = ProfileFitter.Fit(RecordMapper.Expressible(records), baseline: baseline, crossValidate: !parse.GetValue(noHoldOut));
                bool failed = result.AtBounds.Count > 0;
                string command = $"paraplan validate {string.Join(' ', paths)} --fit";
                if (profilesText is not null)
                {
                    // Values at an end of their range are left out (each entry's notes say which); the rest is written.
                    WriteFile(profilesPath!, FittedProfilesWriter.Write(profilesText, profilesPath!, result, command));
                }

                if (harnessOut is not null)
                {
                    WriteFile(harnessOut, HarnessFile.Write(result, command));
                }

                if (chosen == OutputFormat.Json)
                {
                    Json.Write(output.Output, result);
                }
                else
                {
                    DocumentWriter.Write(FitReport.Build(result, path), chosen, output);
                }

                if (failed)
                {
                    output.Error.WriteLine($"the fit failed: {string.Join("; ", result.AtBounds.Select(b => $"{b.Level} {b.Key} = {Figures.Number(b.Value, "0.###")} at an end of its range {Figures.Number(b.Min, "0.###")}-{Figures.Number(b.Max, "0.###")}"))}{(profilesPath is null ? string.Empty : "; those values were not written (the others were)")}");
                    return ExitCodes.No;
                }

                return ExitCodes.Success;
            }

            HarnessSet? harnessSet = harnessIn is null ? null : HarnessFile.Read(harnessIn);
            ValidationReport report = Validator.Run(path, records, harness: harnessSet);
            if (chosen == OutputFormat.Json)
            {
                Json.Write(output.Output, report);
            }
            else
            {
                DocumentWriter.Write(Build(report), chosen, output);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteFile(string path, string text)
    {
        try
        {
            File.WriteAllText(path, text);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, string.Empty, $"the fit cannot be written ({ex.Message}).");
        }
    }

    private static ReportDocument Build(ValidationReport report)
    {
        var doc = new ReportDocument();
        doc.Heading($"Validation against {report.File}");
        doc.Paragraph(string.Create(CultureInfo.InvariantCulture, $"{report.Covered} of {report.Records} records expressed; {report.Comparisons.Count} measured figures compared; {report.Skipped.Count} records skipped."));
        doc.Table(
            ["Metric", "Figures>", "Median error>", "P90 error>"],
            report.Summary.Select(s => (IReadOnlyList<string>)[s.Metric, s.Count.ToString(CultureInfo.InvariantCulture), Pct(s.MedianApe), Pct(s.P90Ape)]));
        doc.Heading("By how the measurement was taken", 2);
        doc.Table(
            ["Mode", "Metric", "Figures>", "Median error>", "P90 error>"],
            report.SummaryByMode.Select(s => (IReadOnlyList<string>)[s.Mode, s.Metric, s.Count.ToString(CultureInfo.InvariantCulture), Pct(s.MedianApe), Pct(s.P90Ape)]));
        doc.Heading("Predicted vs measured", 2);
        doc.Table(
            ["Record", "Engine", "GPU", "Metric", "Measured>", "Predicted>", "Error>", "Compared with"],
            report.Comparisons.Select(c => (IReadOnlyList<string>)
            [
                c.Id, c.Engine, c.Gpu, c.Metric, Figures.Number(c.Measured, "0.#"), Figures.Number(c.Predicted, "0.#"),
                (c.Predicted >= c.Measured ? "+" : "-") + Pct(c.AbsolutePercentError), c.ComparedWith,
            ]));
        doc.Heading("Skipped records", 2);
        doc.Table(["Record", "Why"], report.Skipped.Select(s => (IReadOnlyList<string>)[s.Id, s.Reason]));
        return doc;
    }

    private static string Pct(double value) => Figures.Number(value, "0.0") + "%";
}
