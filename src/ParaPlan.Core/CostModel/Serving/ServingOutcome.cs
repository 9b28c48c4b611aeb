using ParaPlan.Domain;

namespace ParaPlan.CostModel.Serving;

/// <summary>Everything the serving loop worked out for one strategy at one concurrency, for the report.</summary>
internal sealed record ServingOutcome
{
    public required Workload Workload { get; init; }

    public required int Concurrency { get; init; }

    public required int ConcurrencyByMemory { get; init; }

    public required int LimitByMemoryPerGroup { get; init; }

    public required double KvPerSequenceGb { get; init; }

    public required int ContextForMemory { get; init; }

    public required double PerGroupRequested { get; init; }

    public required double Running { get; init; }

    public required double Waves { get; init; }

    public required MemoryPerGpu Memory { get; init; }

    public required double DecodeContext { get; init; }

    public required int MicroBatches { get; init; }

    public required double DecodeTokensPerGroup { get; init; }

    public required PhaseStep Decode { get; init; }

    public required PhaseStep TtftPrefill { get; init; }

    public required PhaseStep MeanPrefill { get; init; }

    public required FrontEndPlan FrontEnd { get; init; }

    public required double AdmissionMs { get; init; }

    public required double TpotMs { get; init; }

    public required double TpotLongestMs { get; init; }

    public required double CycleMs { get; init; }

    public required double OutputPerGpu { get; init; }

    public required double TotalPerGpu { get; init; }

    public required double TtftMs { get; init; }

    public required double MeanTtftMs { get; init; }

    /// <summary>TTFT of the last request when every one arrives at once (the burst form's headline).</summary>
    public required double BurstTtftMs { get; init; }

    /// <summary>Decode step time (ms) at sequences per DP group and their mean context.</summary>
    public required Func<double, double, double> DecodeStepAtContext { get; init; }

    /// <summary>Prefill step time (ms) at prompt tokens per DP group and the prompts' length.</summary>
    public required Func<double, double, double> PrefillStepAtPrompt { get; init; }

    public required Func<double, double> DecodeStepAt { get; init; }

    public required Func<double, double> PrefillStepAt { get; init; }
}
