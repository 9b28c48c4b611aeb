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
