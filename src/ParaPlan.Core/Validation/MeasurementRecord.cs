namespace ParaPlan.Validation;

/// <summary>
/// One published measurement as the measurements file states it (see docs/validation.md for the fields). Values a
/// record leaves out are null.
/// </summary>
public sealed record MeasurementRecord
{
    public required string Id { get; init; }

    public string Quality { get; init; } = string.Empty;

    public string Source { get; init; } = string.Empty;

    /// <summary>
    /// The source as one unit of validation: the page, post, repository file or host the record comes from
    /// (repository and path, else the URL, else the record's source key). Leave-one-source-out holds out every record
    /// that shares it.
    /// </summary>
    public string SourceKey { get; init; } = string.Empty;

    public string Engine { get; init; } = string.Empty;

    public string Model { get; init; } = string.Empty;

    public string? ArchRef { get; init; }

    public IReadOnlyDictionary<string, string> Arch { get; init; } = new Dictionary<string, string>();

    public string Precision { get; init; } = string.Empty;

    public string? KvCacheDtype { get; init; }

    public string Gpu { get; init; } = string.Empty;

    public int? NumGpus { get; init; }

    public int? Tp { get; init; }

    public int? Pp { get; init; }

    public int? Ep { get; init; }

    public int? Dp { get; init; }

    public bool? AttentionDp { get; init; }

    public string? Disaggregated { get; init; }

    public string? BatchSize { get; init; }

    public int? Concurrency { get; init; }

    /// <summary>Requests the benchmark sent in all (<c>--num-prompts</c>); null for a measurement window of a longer run.</summary>
    public int? NumRequests { get; init; }

    public int? Isl { get; init; }

    public int? Osl { get; init; }

    /// <summary>The cap on each request's output (<c>max_tokens</c>) when a dataset's lengths vary: outputs stop there.</summary>
    public int? OslMax { get; init; }

    public string Scenario { get; init; } = string.Empty;

    public string Dataset { get; init; } = string.Empty;

    public string Notes { get; init; } = string.Empty;

    public double? OutputTokensPerSecondPerGpu { get; init; }

    public double? TtftMs { get; init; }

    public string? TtftStat { get; init; }

    public double? TpotMs { get; init; }

    public double? ItlMs { get; init; }

    /// <summary>Prompt tokens per second per GPU (input_tok_s_per_gpu): what a prefill-only run measures.</summary>
    public double? InputTokensPerSecondPerGpu { get; init; }

    /// <summary>Requests per second the run served (request_per_s): for runs at a request rate, the rate the simulation is driven at.</summary>
    public double? RequestsPerS { get; init; }
}
