using ParaPlan.Reports;

namespace ParaPlan.CostModel.Disaggregation;

/// <summary>One pool of a disaggregated deployment: its instance, how many, and what each GPU holds and does.</summary>
/// <param name="Instance">One instance's degrees (replicas 1).</param>
/// <param name="Instances">Instances in the pool.</param>
/// <param name="Gpus">GPUs of the pool.</param>
/// <param name="Memory">Memory per GPU of the pool's busiest stage.</param>
/// <param name="Utilization">Share of the pool's capacity the workload uses (prefill: prompt tokens; decode: sequences that fit).</param>
/// <param name="Capacity">Prefill: prompt tokens/s the pool prefills at most; decode: sequences it holds at most.</param>
public sealed record PoolReport(StrategySummary Instance, int Instances, long Gpus, MemoryPerGpu Memory, double Utilization, double Capacity);

/// <summary>A request's KV cache moving from its prefill instance to its decode instance.</summary>
/// <param name="BytesPerRequestGb">KV cache of the longest prompt, GB.</param>
/// <param name="Link">The link it crosses (intra-node NVLink when both instances fit in one node, else the inter-node network).</param>
/// <param name="BandwidthGbps">GB/s achieved: the link's per-GPU bandwidth x the GPUs sending in parallel x the transfer efficiency.</param>
/// <param name="TransferMs">Time of the whole transfer, setup included.</param>
/// <param name="ExposedMs">What TTFT waits for: the whole transfer, or (chunk overlap) the last chunk's share.</param>
/// <param name="Overlap">"none" or "chunk".</param>
/// <param name="Source">Where the engine's behaviour and the efficiency come from.</param>
public sealed record KvTransferReport(double BytesPerRequestGb, string Link, double BandwidthGbps, double TransferMs, double ExposedMs, string Overlap, string Source);

/// <summary>The <c>disaggregation</c> object of an estimate of a disaggregated strategy (docs/disaggregation.md).</summary>
public sealed record DisaggregationReport
{
    /// <summary>xPyD: prefill and decode instances.</summary>
    public required string Layout { get; init; }

    public required PoolReport Prefill { get; init; }

    public required PoolReport Decode { get; init; }

    public required KvTransferReport KvTransfer { get; init; }

    /// <summary>Requests per second the deployment serves at this workload.</summary>
    public required double RequestsPerS { get; init; }

    /// <summary>Sequences decoding at once in the decode pool.</summary>
    public required double DecodeSequences { get; init; }

    /// <summary>Mean wait for a prefill instance, ms (in TTFT).</summary>
    public required double PrefillQueueMs { get; init; }

    /// <summary>Which pool limits the rate: "prefill", "decode" or "neither" (the workload's own concurrency or rate).</summary>
    public required string Bottleneck { get; init; }

    /// <summary>GPUs of both pools.</summary>
    public required long Gpus { get; init; }
}
