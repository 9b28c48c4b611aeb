using ParaPlan.Catalog;
using ParaPlan.Domain;

namespace ParaPlan.Reports;

/// <summary>
/// What <c>paraplan check</c> answers: the conditions as ParaPlan reads them (defaults applied), whether the stated
/// strategy is valid and why not, and every assumption and warning.
/// </summary>
public sealed record ScenarioCheck
{
    public required string File { get; init; }

    public string? Name { get; init; }

    public required ModelSummary Model { get; init; }

    public required GpuSummary Gpu { get; init; }

    public required PrecisionSummary Precision { get; init; }

    public int? Gpus { get; init; }

    public required int GpusPerNode { get; init; }

    public required string Engine { get; init; }

    public required WorkloadSummary Workload { get; init; }

    /// <summary>A prefill/decode disaggregated strategy, when the scenario states one.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public DisaggregatedStrategy? Disaggregated { get; init; }

    public required RequirementsSummary Requirements { get; init; }

    public required string Objective { get; init; }

    public StrategySummary? Parallel { get; init; }

    /// <summary>True when the file states no strategy, or one that breaks no rule.</summary>
    public required bool Valid { get; init; }

    public required IReadOnlyList<StrategyViolation> Violations { get; init; }

    public required IReadOnlyDictionary<string, double> Claims { get; init; }

    public required IReadOnlyList<string> Assumptions { get; init; }

    public required IReadOnlyList<string> Warnings { get; init; }

    public static ScenarioCheck From(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        IReadOnlyList<StrategyViolation> violations = scenario.Parallel is { } parallel
            ? StrategyRules.Check(parallel, scenario.Model, scenario.Hardware.GpuCount)
            : [];
        var modelSource = new ResolvedModel(scenario.Model, scenario.ModelSource, null, []);
        return new ScenarioCheck
        {
            File = scenario.SourcePath,
            Name = scenario.Name,
            Model = ModelSummary.From(modelSource) with { Warnings = [] },
            Gpu = GpuSummary.From(scenario.Hardware.Gpu),
            Precision = PrecisionSummary.From(scenario.Precision),
            Gpus = scenario.Hardware.GpuCount,
            GpusPerNode = scenario.Hardware.GpusPerNode,
            Engine = scenario.Engine.ToString().ToLowerInvariant(),
            Workload = new WorkloadSummary(
                new RangeSummary(scenario.Workload.InputTokens.Min, scenario.Workload.InputTokens.Max),
                scenario.Workload.OutputTokens,
                scenario.Workload.Concurrency.ToString())
            {
                Arrival = EstimateReportArrival(scenario.Workload.Form),
                RequestRate = scenario.Workload.IsOpenLoop ? scenario.Workload.RequestRate : null,
                Description = $"input {(scenario.Workload.InputLengths?.ToString() ?? (scenario.Workload.InputTokens.IsFixed ? scenario.Workload.InputTokens.Min.ToString(System.Globalization.CultureInfo.InvariantCulture) : scenario.Workload.InputTokens.Min + ".." + scenario.Workload.InputTokens.Max))} tokens, output {scenario.Workload.OutputLengths?.ToString() ?? scenario.Workload.OutputTokens.ToString(System.Globalization.CultureInfo.InvariantCulture)}, {scenario.Workload.ArrivalText}",
            },
            Requirements = new RequirementsSummary(
                scenario.Requirements.TtftMs, scenario.Requirements.TpotMs,
                scenario.Requirements.MinOutputTokensPerSecondPerGpu, scenario.Requirements.MaxMemoryUtilization)
            {
                TtftPercentiles = scenario.Requirements.TtftTarget,
                TpotPercentiles = scenario.Requirements.TpotTarget,
                ItlPercentiles = scenario.Requirements.ItlTarget,
                E2ePercentiles = scenario.Requirements.E2eTarget,
            },
            Objective = scenario.Objective.ToString().ToLowerInvariant(),
            Parallel = scenario.Parallel is { } p ? StrategySummary.From(p) : null,
            Disaggregated = scenario.Disaggregated,
            Valid = violations.Count == 0,
            Violations = violations,
            Claims = scenario.Claims,
            Assumptions = scenario.Assumptions,
            Warnings = scenario.Warnings,
        };
    }

    private static string EstimateReportArrival(WorkloadForm form) => ParaPlan.CostModel.Reporting.EstimateReport.ArrivalName(form);
}

/// <summary>The precision as the contract writes it, with each module's own format when it differs from the weights'.</summary>
public sealed record PrecisionSummary(string Weights, string Activations, string KvCache)
{
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Attention { get; init; }

    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Experts { get; init; }

    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Dense { get; init; }

    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Embeddings { get; init; }

    public static PrecisionSummary From(Precision precision)
    {
        ArgumentNullException.ThrowIfNull(precision);
        return new(precision.Weights.FileName(), precision.Activations.FileName(), precision.KvCache.FileName())
        {
            Attention = precision.AttentionWeights != precision.Weights ? precision.AttentionWeights.FileName() : null,
            Experts = precision.ExpertWeights != precision.Weights ? precision.ExpertWeights.FileName() : null,
            Dense = precision.DenseWeights != precision.Weights ? precision.DenseWeights.FileName() : null,
            Embeddings = precision.Embeddings?.FileName(),
        };
    }
}

public sealed record RangeSummary(int Min, int Max);

public sealed record WorkloadSummary(RangeSummary InputTokens, int OutputTokens, string Concurrency)
{
    /// <summary>closed_loop, burst, request_rate or trace.</summary>
    public string Arrival { get; init; } = "closed_loop";

    /// <summary>Requests per second offered (request_rate, trace), else null.</summary>
    public double? RequestRate { get; init; }

    /// <summary>The workload in words (lengths' laws and arrivals).</summary>
    public string Description { get; init; } = string.Empty;
}

public sealed record RequirementsSummary(double? TtftMs, double? TpotMs, double? MinOutputTokensPerSPerGpu, double MaxMemoryUtilization)
{
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public LatencyTarget? TtftPercentiles { get; init; }

    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public LatencyTarget? TpotPercentiles { get; init; }

    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public LatencyTarget? ItlPercentiles { get; init; }

    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public LatencyTarget? E2ePercentiles { get; init; }
}

/// <summary>A strategy as the contract writes it, with the GPU count it implies.</summary>
public sealed record StrategySummary(int Tp, int Sp, int Dp, int Pp, int Ep, int Replicas, long Gpus)
{
    /// <summary>Redundant expert slots (EPLB), written only when there are some.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public int RedundantExperts { get; init; }

    public static StrategySummary From(ParallelStrategy strategy) =>
        new(strategy.TensorParallel, strategy.SequenceParallel, strategy.DataParallel, strategy.PipelineParallel,
            strategy.ExpertParallel, strategy.Replicas, strategy.GpuCount)
        {
            RedundantExperts = strategy.RedundantExperts,
        };
}
