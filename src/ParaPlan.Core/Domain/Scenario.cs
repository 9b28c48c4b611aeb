namespace ParaPlan.Domain;

/// <summary>
/// Deployment conditions read from a scenario file: the model (what), the hardware (where), optionally the
/// strategy (how), the workload and the targets. Every default applied on reading is listed in
/// <see cref="Assumptions"/>; inconsistencies in the input are listed in <see cref="Warnings"/>.
/// </summary>
public sealed record Scenario
{
    public required string SourcePath { get; init; }

    public string? Name { get; init; }

    /// <summary>Free text the file carries (a written plan's own words, which an audit reads for notions that do not belong).</summary>
    public string? Description { get; init; }

    public required ModelArchitecture Model { get; init; }

    /// <summary>The catalog id or config path the model came from (for reports).</summary>
    public required string ModelSource { get; init; }

    /// <summary>The Hugging Face repo id (or local path) the scenario gives for the engines to load (<c>model_repo</c>), if any.</summary>
    public string? ModelRepo { get; init; }

    /// <summary>The catalog's published checkpoints of the model (its base repo first); empty for a config.json or inline model.</summary>
    public IReadOnlyList<ModelCheckpoint> Checkpoints { get; init; } = [];

    public required Precision Precision { get; init; }

    public required HardwareSpec Hardware { get; init; }

    public required EngineKind Engine { get; init; }

    /// <summary>
    /// <c>engine: any</c>: the planner searches vLLM, SGLang and TensorRT-LLM and names the best; everything else
    /// (check, estimate) uses the generic engine (<see cref="Engine"/>).
    /// </summary>
    public bool AnyEngine { get; init; }

    /// <summary>The strategy the file states, or null when it leaves the choice to the planner.</summary>
    public ParallelStrategy? Parallel { get; init; }

    /// <summary>A prefill/decode disaggregated strategy (<c>parallel: {prefill, decode, prefill_instances, decode_instances}</c>), when the scenario states one; <see cref="Parallel"/> is then null.</summary>
    public DisaggregatedStrategy? Disaggregated { get; init; }

    public required Workload Workload { get; init; }

    public required Requirements Requirements { get; init; }

    public required Objective Objective { get; init; }

    /// <summary>Figures a written plan claims, by claim key (audit input); empty when none.</summary>
    public IReadOnlyDictionary<string, double> Claims { get; init; } = new Dictionary<string, double>();

    public IReadOnlyList<string> Assumptions { get; init; } = [];

    public IReadOnlyList<string> Warnings { get; init; } = [];
}
