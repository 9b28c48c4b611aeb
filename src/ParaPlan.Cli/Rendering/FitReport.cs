using System.Globalization;
using ParaPlan.Validation.Fitting;
using ParaPlan.Validation.Harness;

namespace ParaPlan.Cli.Rendering;

/// <summary>The report of <c>validate --fit</c>: fitted values, values at a bound, and the held-out errors.</summary>
internal static class FitReport
{
    public static ReportDocument Build(FitResult fit, string files)
    {
        var doc = new ReportDocument();
        doc.Heading($"Fit and leave-one-source-out validation: {files}");
        doc.Paragraph(string.Create(CultureInfo.InvariantCulture, $"{fit.Records} records from {fit.Sources} sources. Every source is predicted by engine values fitted without it; a served run (burst or closed loop) also needs its benchmark's harness, fitted on the source itself with the deployment frozen (two nuisance values), or, in the stricter column, the typical harness of the other sources."));
        doc.Heading("Held-out error", 2);
        doc.Table(
            ["Metric", "Figures>", "Median>", "P90>", "Median, typical harness>", "P90, typical harness>", "Median, fitted on all>", "P90, fitted on all>"],
            fit.Fitted.Select(all =>
            {
                ErrorSummary? held = fit.HeldOut.FirstOrDefault(t => t.Metric == all.Metric);
                ErrorSummary? typical = fit.HeldOutTypicalHarness.FirstOrDefault(t => t.Metric == all.Metric);
                return (IReadOnlyList<string>)[all.Metric, Count(all.Figures), Pct(held?.MedianApe), Pct(held?.P90Ape), Pct(typical?.MedianApe), Pct(typical?.P90Ape), Pct(all.MedianApe), Pct(all.P90Ape)];
            }));
        if (fit.WorstSource is { } worst)
        {
            doc.Paragraph($"Worst source: {worst} (median {Pct(fit.WorstSourceMedianApe)} over its figures).");
        }

        doc.Heading("Values at an end of their range", 2);
        doc.Paragraph(fit.AtBounds.Count == 0
            ? "None: every fitted value is inside its range."
            : "The fit FAILS: " + string.Join("; ", fit.AtBounds.Select(b => $"{b.Level} {b.Key} = {Number(b.Value)} (range {Number(b.Min)}-{Number(b.Max)}: {b.Range})")));
        doc.Heading("Fitted engine values", 2);
        doc.Table(
            ["Engine", "Records>", "Values"],
            fit.Levels.Select(l => (IReadOnlyList<string>)[l.Engine, Count(l.Records), string.Join(", ", l.Values.Select(v => $"{v.Key} {Number(v.Value)}"))]));
        doc.Heading("Ranges", 2);
        doc.Table(["Value", "Range", "Why"], fit.Parameters.Select(p => (IReadOnlyList<string>)[p.Key, $"{Number(p.Min)}-{Number(p.Max)}", p.Range]));
        doc.Heading("Held out, by regime", 2);
        doc.Table(["Regime", "Metric", "Figures>", "Median>", "P90>"], fit.HeldOutByRegime.Select(Row));
        doc.Heading("Held out, by source", 2);
        doc.Table(
            ["Source", "Metric", "Figures>", "Median>", "P90>", "Harness"],
            fit.HeldOutBySource.Select(s => (IReadOnlyList<string>)[s.Group, s.Metric, Count(s.Figures), Pct(s.MedianApe), Pct(s.P90Ape), fit.HarnessBySource.TryGetValue(s.Group, out HarnessCosts? h) ? HarnessFile.Describe(h) : "-"]));
        doc.Heading("Held-out predictions", 2);
        doc.Table(
            ["Record", "Source", "Metric", "Measured>", "Predicted>", "Error>"],
            fit.HeldOutComparisons.Select(c => (IReadOnlyList<string>)[c.Id, c.Source, c.Metric, Figures.Number(c.Measured, "0.#"), Figures.Number(c.Predicted, "0.#"), (c.Predicted >= c.Measured ? "+" : "-") + Pct(c.AbsolutePercentError)]));
        return doc;
    }

    private static IReadOnlyList<string> Row(ErrorSummary s) => [s.Group, s.Metric, Count(s.Figures), Pct(s.MedianApe), Pct(s.P90Ape)];

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Number(double v) => Figures.Number(v, "0.###");

    private static string Pct(double? value) => value is { } v ? Figures.Number(v, "0.0") + "%" : "-";
}
