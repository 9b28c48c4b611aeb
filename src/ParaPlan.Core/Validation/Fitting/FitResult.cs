using ParaPlan.Validation.Harness;

namespace ParaPlan.Validation.Fitting;

/// <summary>Values fitted for one level: an engine on every GPU ("*").</summary>
public sealed record FittedValues(string Engine, string Gpu, IReadOnlyDictionary<string, double> Values, int Records);

/// <summary>A fitted value that ended at an end of its allowed range: the fit fails and says which.</summary>
public sealed record BoundHit(string Level, string Key, double Value, double Min, double Max, string Range);

/// <summary>Error of one metric over a group of comparisons (a source, a regime, or everything).</summary>
public sealed record ErrorSummary(string Group, string Metric, int Figures, double MedianApe, double P90Ape);

/// <summary>
/// A fit of the engines' end-to-end values and of each source's harness, and how well profiles fitted without a
/// source predict it (leave one source out).
/// </summary>
public sealed record FitResult
{
    /// <summary>The fitted values per engine.</summary>
    public required IReadOnlyList<FittedValues> Levels { get; init; }

    /// <summary>Each source's harness (nuisance values, validation only).</summary>
    public required IReadOnlyDictionary<string, HarnessCosts> HarnessBySource { get; init; }

    /// <summary>The median harness over the sources with served runs.</summary>
    public required HarnessCosts TypicalHarness { get; init; }

    /// <summary>Fitted values at an end of their range (the fit fails when any is).</summary>
    public required IReadOnlyList<BoundHit> AtBounds { get; init; }

    /// <summary>The parameters fitted, with their ranges and the ranges' sources.</summary>
    public required IReadOnlyList<FitParameter> Parameters { get; init; }

    public required int Records { get; init; }

    public required int Sources { get; init; }

    /// <summary>Error of the whole fit on the records it was fitted on, per metric.</summary>
    public required IReadOnlyList<ErrorSummary> Fitted { get; init; }

    /// <summary>
    /// Leave one source out, per metric ("all"): every source predicted by profiles fitted without it, with its own
    /// harness fitted on it (two nuisance values; the deployment frozen).
    /// </summary>
    public required IReadOnlyList<ErrorSummary> HeldOut { get; init; }

    /// <summary>The same, with the typical harness of the other sources instead of the source's own.</summary>
    public required IReadOnlyList<ErrorSummary> HeldOutTypicalHarness { get; init; }

    /// <summary>Held out, per source and metric.</summary>
    public required IReadOnlyList<ErrorSummary> HeldOutBySource { get; init; }

    /// <summary>Held out, per regime (dense/MoE, concurrency band, engine, vendor) and metric, and per each of those alone.</summary>
    public required IReadOnlyList<ErrorSummary> HeldOutByRegime { get; init; }

    /// <summary>The source with the largest held-out median error (all its figures together), and that error.</summary>
    public required string? WorstSource { get; init; }

    public required double? WorstSourceMedianApe { get; init; }

    /// <summary>Every held-out comparison.</summary>
    public required IReadOnlyList<Comparison> HeldOutComparisons { get; init; }
}
