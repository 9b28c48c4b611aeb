namespace ParaPlan.Validation;

/// <summary>One measured figure next to the model's prediction.</summary>
public sealed record Comparison(
    string Id,
    string Engine,
    string Gpu,
    string Metric,
    string Mode,
    double Measured,
    double Predicted,
    double AbsolutePercentError,
    string ComparedWith)
{
    /// <summary>The source the record comes from (one page, post or host: <see cref="MeasurementRecord.SourceKey"/>).</summary>
    public string Source { get; init; } = string.Empty;

    /// <summary>Dense or MoE, concurrency band, engine and GPU vendor (<see cref="Validation.Regime"/>).</summary>
    public string Regime { get; init; } = string.Empty;
}

/// <summary>A record the model cannot express, and why.</summary>
public sealed record SkippedRecord(string Id, string Reason);

/// <summary>Error statistics of one metric (for one measurement mode, or all when <c>Mode</c> is "all").</summary>
public sealed record MetricSummary(string Metric, int Count, double MedianApe, double P90Ape, string Mode = "all");

/// <summary>What <c>paraplan validate</c> answers.</summary>
public sealed record ValidationReport(
    string File,
    int Records,
    int Covered,
    IReadOnlyList<MetricSummary> Summary,
    IReadOnlyList<MetricSummary> SummaryByMode,
    IReadOnlyList<Comparison> Comparisons,
    IReadOnlyList<SkippedRecord> Skipped);
