using System.Globalization;
using System.Text.Json;
using ParaPlan.Catalog;

namespace ParaPlan.Domain;

/// <summary>What one serving engine can run, in ParaPlan's degrees (data/engines/capabilities.json, each rule with its source).</summary>
/// <param name="Engine">The engine.</param>
/// <param name="Version">Versions the rules were read for.</param>
/// <param name="SequenceParallel">Whether the engine serves with ParaPlan's sequence parallelism (sp above 1).</param>
/// <param name="ExpertParallelWholeStageOnly">Expert parallelism spans every GPU of a stage or none (vLLM's EP = TP x DP).</param>
/// <param name="AttentionDpNeedsAttentionTp1">With attention DP, attention runs on one GPU per DP rank (TensorRT-LLM).</param>
/// <param name="AttentionDpNeedsPp1">Attention DP only without pipeline stages (TensorRT-LLM: not verified otherwise).</param>
/// <param name="Sources">The source of each rule, by rule name.</param>
public sealed record EngineCapability(
    EngineKind Engine, string Version, bool SequenceParallel, bool ExpertParallelWholeStageOnly, bool AttentionDpNeedsAttentionTp1,
    bool AttentionDpNeedsPp1, IReadOnlyDictionary<string, string> Sources);

/// <summary>The engines' capabilities and the rules they put on a strategy.</summary>
public static class EngineCapabilities
{
    private static readonly Lazy<Dictionary<EngineKind, EngineCapability>> All = new(Load);

    /// <summary>The capability of <paramref name="engine"/>; null for the generic engine (the full space).</summary>
    public static EngineCapability? For(EngineKind engine) => All.Value.TryGetValue(engine, out EngineCapability? c) ? c : null;

    /// <summary>Every way <paramref name="strategy"/> is not something <paramref name="engine"/> can run; empty when it can.</summary>
    public static IReadOnlyList<StrategyViolation> Check(ParallelStrategy strategy, ModelArchitecture model, EngineKind engine)
    {
        ArgumentNullException.ThrowIfNull(model);
        return For(engine) is { } c
            ? [.. Broken(strategy, model, c).Select(field => new StrategyViolation(field, Problem(field, strategy, c)))]
            : [];
    }

    /// <summary>The field of the first rule <paramref name="strategy"/> breaks on <paramref name="engine"/>, or null: the search's cheap form of <see cref="Check"/>, which words no message.</summary>
    public static string? FirstUnsupported(ParallelStrategy strategy, ModelArchitecture model, EngineKind engine)
    {
        ArgumentNullException.ThrowIfNull(model);
        return For(engine) is { } c ? Broken(strategy, model, c).FirstOrDefault() : null;
    }

    /// <summary>The field of every rule broken (each rule once, here).</summary>
    private static IEnumerable<string> Broken(ParallelStrategy s, ModelArchitecture model, EngineCapability c)
    {
        if (!c.SequenceParallel && s.SequenceParallel > 1)
        {
            yield return "parallel.sp";
        }

        if (c.ExpertParallelWholeStageOnly && model.IsMoe && s.ExpertParallel != 1 && s.ExpertParallel != s.GpusPerStage)
        {
            yield return "parallel.ep";
        }

        if (c.AttentionDpNeedsAttentionTp1 && s.DataParallel > 1 && s.TensorParallel * s.SequenceParallel > 1)
        {
            yield return "parallel.dp";
        }

        if (c.AttentionDpNeedsPp1 && s.DataParallel > 1 && s.PipelineParallel > 1)
        {
            yield return "parallel.pp";
        }
    }

    /// <summary>What the broken rule on <paramref name="field"/> says, with its source.</summary>
    private static string Problem(string field, ParallelStrategy s, EngineCapability c)
    {
        string name = Name(c.Engine);
        return field switch
        {
            "parallel.sp" => string.Create(CultureInfo.InvariantCulture,
                $"{name} does not serve with sequence parallelism (sp {s.SequenceParallel}); sp must be 1 ({c.Sources["sequence_parallel"]})."),
            "parallel.ep" => string.Create(CultureInfo.InvariantCulture,
                $"{name}'s expert parallelism spans every GPU of a stage: ep must be 1 or {s.GpusPerStage}, not {s.ExpertParallel}; it cannot also tensor-split each expert ({c.Sources["expert_parallel_whole_stage_only"]})."),
            "parallel.dp" => string.Create(CultureInfo.InvariantCulture,
                $"{name}'s attention DP runs attention on one GPU per DP rank (attention tp 1): with dp {s.DataParallel}, tp x sp must be 1, not {s.TensorParallel * s.SequenceParallel} ({c.Sources["attention_dp_needs_attention_tp1"]})."),
            _ => string.Create(CultureInfo.InvariantCulture,
                $"{name} is planned with attention DP only on one pipeline stage: with dp {s.DataParallel}, pp must be 1, not {s.PipelineParallel} ({c.Sources["attention_dp_needs_pp1"]})."),
        };
    }

    /// <summary>The engine's name as users write it.</summary>
    public static string Name(EngineKind engine) => engine switch
    {
        EngineKind.Vllm => "vLLM",
        EngineKind.Sglang => "SGLang",
        EngineKind.Trtllm => "TensorRT-LLM",
        _ => "generic",
    };

    private static Dictionary<EngineKind, EngineCapability> Load()
    {
        using JsonDocument document = JsonDocument.Parse(EmbeddedData.ReadText("ParaPlan.Data.Engines.", "capabilities.json"));
        var result = new Dictionary<EngineKind, EngineCapability>();
        foreach (JsonElement e in document.RootElement.GetProperty("engines").EnumerateArray())
        {
            EngineKind kind = e.GetProperty("engine").GetString() switch
            {
                "vllm" => EngineKind.Vllm,
                "sglang" => EngineKind.Sglang,
                "trtllm" => EngineKind.Trtllm,
                var other => throw new InvalidOperationException($"data/engines/capabilities.json names an unknown engine '{other}'."),
            };
            var sources = e.GetProperty("sources").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty, StringComparer.Ordinal);
            result[kind] = new EngineCapability(
                kind,
                e.GetProperty("version").GetString() ?? string.Empty,
                e.GetProperty("sequence_parallel").GetBoolean(),
                e.GetProperty("expert_parallel_whole_stage_only").GetBoolean(),
                e.GetProperty("attention_dp_needs_attention_tp1").GetBoolean(),
                e.GetProperty("attention_dp_needs_pp1").GetBoolean(),
                sources);
        }

        return result;
    }
}
