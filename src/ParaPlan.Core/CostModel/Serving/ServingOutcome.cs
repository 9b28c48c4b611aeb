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

    public required Func<double, double> DecodeStepAt { get; init; }

    public required Func<double, double> PrefillStepAt { get; init; }
}
