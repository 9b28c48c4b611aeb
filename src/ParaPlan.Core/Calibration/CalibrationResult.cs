namespace ParaPlan.Calibration;

/// <summary>
/// What <c>paraplan calibrate</c> answers: the run compared, the figures measured and predicted before and after the
/// fit, the fitted serving-loop values, what was not compared and why, and whether the run was reproduced.
/// </summary>
public sealed record CalibrationResult
{
    /// <summary>The scenario file that states the run's configuration.</summary>
    public required string Scenario { get; init; }

    /// <summary>The benchmark result file.</summary>
    public required string ResultFile { get; init; }

    /// <summary>1-based position of the compared run in its file.</summary>
    public required int Run { get; init; }

    /// <summary>Runs in the result file.</summary>
    public required int Runs { get; init; }

    /// <summary>How the run sent its requests and what it measured, in words.</summary>
    public required string RunDescription { get; init; }

    /// <summary>Requests the run kept in flight, as far as its file says, and how that is known.</summary>
    public required string RunConcurrency { get; init; }

    /// <summary>The scenario's model, GPU count, GPU and engine in words.</summary>
    public required string Deployment { get; init; }

    /// <summary>The engine of the profile entry written.</summary>
    public required string Engine { get; init; }

    /// <summary>The GPU (catalog id, an architecture or *) of the profile entry written.</summary>
    public required string Gpu { get; init; }

    public required IReadOnlyList<CalibrationFigure> Figures { get; init; }

    public required IReadOnlyList<CalibratedValue> Values { get; init; }

    /// <summary>Figures the run states that were not compared, each with the reason.</summary>
    public required IReadOnlyList<string> NotCompared { get; init; }

    /// <summary>Differences between the scenario and the run, and anything else the reader should know.</summary>
    public required IReadOnlyList<string> Warnings { get; init; }

    /// <summary>Null when the run is reproduced with every value inside its range; else why it is not.</summary>
    public string? Failure { get; init; }

    /// <summary>The efficiency profile the fit started from (its entries, by name).</summary>
    public required string StartingProfile { get; init; }

    /// <summary>Where the profiles overlay was written; null when it was not.</summary>
    public string? WrittenTo { get; init; }
}
