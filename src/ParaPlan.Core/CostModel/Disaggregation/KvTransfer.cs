using System.Text.Json;
using ParaPlan.Catalog;
using ParaPlan.Domain;

namespace ParaPlan.CostModel.Disaggregation;

/// <summary>How an engine moves a request's KV cache between the pools (data/engines/kv-transfer.json).</summary>
/// <param name="ChunkOverlap">True when each prefill chunk's KV is sent after that chunk (SGLang): only the last chunk's transfer is exposed.</param>
/// <param name="Transport">The engine's mechanism, in words.</param>
/// <param name="Source">Where the behaviour was read.</param>
public sealed record KvTransferBehaviour(bool ChunkOverlap, string Transport, string Source);

/// <summary>The KV transfer's data: per engine behaviour, the achieved share of the link and the setup time, each with its source.</summary>
public static class KvTransfer
{
    private static readonly Lazy<(Dictionary<EngineKind, KvTransferBehaviour> Engines, double Efficiency, string EfficiencySource, double SetupMs, string SetupSource)> Data = new(Load);

    /// <summary>The share of the link's bandwidth a KV transfer achieves.</summary>
    public static double Efficiency => Data.Value.Efficiency;

    public static string EfficiencySource => Data.Value.EfficiencySource;

    /// <summary>Fixed time per transfer (control messages), ms.</summary>
    public static double SetupMs => Data.Value.SetupMs;

    public static string SetupSource => Data.Value.SetupSource;

    public static KvTransferBehaviour For(EngineKind engine) => Data.Value.Engines[engine];

    private static (Dictionary<EngineKind, KvTransferBehaviour>, double, string, double, string) Load()
    {
        using JsonDocument doc = JsonDocument.Parse(EmbeddedData.ReadText("ParaPlan.Data.Engines.", "kv-transfer.json"));
        JsonElement root = doc.RootElement;
        var engines = new Dictionary<EngineKind, KvTransferBehaviour>();
        foreach (JsonProperty e in root.GetProperty("engines").EnumerateObject())
        {
            EngineKind kind = e.Name switch
            {
                "vllm" => EngineKind.Vllm,
                "sglang" => EngineKind.Sglang,
                "trtllm" => EngineKind.Trtllm,
                _ => EngineKind.Generic,
            };
            engines[kind] = new KvTransferBehaviour(
                e.Value.GetProperty("overlap").GetString() == "chunk",
                e.Value.GetProperty("transport").GetString()!,
                e.Value.GetProperty("source").GetString()!);
        }

        JsonElement efficiency = root.GetProperty("transfer_efficiency");
        JsonElement setup = root.GetProperty("setup_ms");
        return (engines, efficiency.GetProperty("value").GetDouble(), efficiency.GetProperty("source").GetString()!, setup.GetProperty("value").GetDouble(), setup.GetProperty("source").GetString()!);
    }
}

/// <summary>
/// The KV transfer of one prompt from a prefill instance to a decode instance (docs/disaggregation.md, "KV
/// transfer"): NVLink when both instances fit one node, else the network, over as many lanes as the smaller instance
/// has GPUs, at <see cref="KvTransfer.Efficiency"/> of the link, plus the setup and the link's latency; exposed in full
/// when the engine sends after the prefill, only its last chunk's share when it sends chunk by chunk.
/// </summary>
public sealed class KvTransferPath
{
    public KvTransferPath(Scenario scenario, DisaggregatedStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(strategy);
        Behaviour = KvTransfer.For(scenario.Engine);
        BytesPerToken = scenario.Model.KvCacheElementsPerToken * scenario.Precision.KvCache.BytesPerElement();
        SameNode = strategy.Prefill.GpusPerInstance + strategy.Decode.GpusPerInstance <= scenario.Hardware.GpusPerNode;
        Link = SameNode ? scenario.Hardware.Gpu.IntraNode : scenario.Hardware.Gpu.InterNode;
        double lanes = Math.Min(strategy.Prefill.GpusPerInstance, strategy.Decode.GpusPerInstance);
        BandwidthGbps = Link.BandwidthGbps * lanes * KvTransfer.Efficiency;
    }

    public KvTransferBehaviour Behaviour { get; }

    public double BytesPerToken { get; }

    public bool SameNode { get; }

    public LinkSpec Link { get; }

    /// <summary>Bandwidth the transfer gets, GB/s.</summary>
    public double BandwidthGbps { get; }

    /// <summary>Time to move the KV cache of <paramref name="tokens"/> tokens, ms.</summary>
    public double TransferMs(double tokens) => (tokens * BytesPerToken / 1e9 / BandwidthGbps * 1000) + KvTransfer.SetupMs + (Link.LatencyUs / 1000);

    /// <summary>The part of the transfer of a <paramref name="tokens"/>-token prompt whose last chunk held <paramref name="lastChunk"/> tokens that adds to TTFT, ms.</summary>
    public double ExposedMs(double tokens, double lastChunk) => Behaviour.ChunkOverlap ? TransferMs(lastChunk) : TransferMs(tokens);
}
