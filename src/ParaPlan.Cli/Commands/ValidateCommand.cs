using System.CommandLine;
using System.Globalization;
using ParaPlan.Cli.Rendering;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Input;
using ParaPlan.Validation;

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
            Description = "Instead of the comparison, fit the efficiency profiles to the records (shared kernel efficiencies, then each engine's overheads; coordinate descent) and print the fitted values with their 5-fold cross-validated error (over --cv-repeats partitions of the records into folds), as JSON.",
        };
        Option<string> writeProfiles = new("--write-profiles")
        {
            Description = "With --fit: fit from this profiles file's unfitted entries and replace its fitted ones (\"fitted\": true) with the new fit, each value with its source. data/efficiency/profiles.json is the built-in file: rebuild to use what was written.",
            HelpName = "PROFILES.json",
        };
        Option<int> repeats = new("--cv-repeats")
        {
            Description = "With --fit: how many partitions of the records into the 5 folds the cross-validation runs over (1-10; each partition is one more fit per fold). The held-out medians are over every partition's predictions.",
            DefaultValueFactory = _ => ProfileFitter.DefaultRepeats,
            HelpName = "N",
        };
        var command = new Command("validate", """
            Predict every measurement the cost model can express and compare: for each record, the measured and
            predicted output tokens/s per GPU, TTFT and TPOT (each compared with the figure that matches how it was
            measured), then the median and 90th-percentile absolute percentage error per metric, and the records
            skipped with the reason.

            Examples:
              paraplan validate data/validation/published-measurements.json
              paraplan validate data/validation/*.json --fit
              paraplan validate data/validation/*.json --fit --write-profiles data/efficiency/profiles.json
            """)
        {
            file,
            format,
            fit,
            writeProfiles,
            repeats,
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

            if (parse.GetResult(repeats) is { Implicit: false } && !parse.GetValue(fit))
            {
                throw new InputException("command line", "--cv-repeats", "sets the fit's cross-validation: add --fit.");
            }

            int partitions = parse.GetValue(repeats);
            if (partitions is < 1 or > 10)
            {
                throw new InputException("command line", "--cv-repeats", $"must be between 1 and 10; got {partitions}.");
            }

            if (parse.GetValue(fit))
            {
                // With --write-profiles the fit starts from that file's unfitted entries, else from the built-in ones.
                string? profilesText = profilesPath is null ? null : DocumentLoader.ReadText(profilesPath);
                EfficiencyCatalog? baseline = profilesText is null ? null : EfficiencyCatalog.Parse(profilesText, profilesPath!);
                FitResult result = ProfileFitter.Fit(RecordMapper.Expressible(records), baseline: baseline, repeats: partitions);
                if (profilesText is not null)
                {
                    WriteProfiles(profilesPath!, FittedProfilesWriter.Write(profilesText, profilesPath!, result, $"paraplan validate {string.Join(' ', paths)} --fit"));
                }

                Json.Write(output.Output, result);
                return ExitCodes.Success;
            }

            ValidationReport report = Validator.Run(path, records);
            OutputFormat chosen = CommandOptions.ParseFormat(parse.GetValue(format)!);
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

    private static void WriteProfiles(string path, string text)
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
