using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using ParaPlan.Catalog;

namespace ParaPlan.Engines;

/// <summary>One flag of an engine's serving entry point, as its argument parser declares it (data/engines).</summary>
public sealed record EngineFlag(IReadOnlyList<string> Names, string Type, IReadOnlyList<string> Choices, bool TakesValue)
{
    /// <summary>True for argparse's <c>nargs="+"</c>: one or more values follow the flag (vLLM's <c>--goodput ttft:2000 tpot:50</c>).</summary>
    public bool SeveralValues { get; init; }
}

/// <summary>The argument list of one engine, with where it was captured from.</summary>
public sealed record EngineArgumentList(
    string Engine, string Entry, string Repo, string Commit, string Captured, bool Complete,
    IReadOnlyDictionary<string, EngineFlag> Flags, IReadOnlyDictionary<string, string> YamlKeys);

/// <summary>
/// The flags of vLLM (vllm serve), SGLang (sglang.launch_server) and TensorRT-LLM (trtllm-serve) captured from the
/// engines' own argument-parser source (data/engines/README.md): whether a flag exists and whether a value parses.
/// The benchmark clients of benchmark.sh (vllm bench serve, sglang.bench_serving, genai-perf profile) are listed the
/// same way under <see cref="BenchmarkTools"/> (data/engines/bench-args.json).
/// </summary>
public static class EngineArguments
{
    public static readonly IReadOnlyList<string> Engines = ["vllm", "sglang", "trtllm"];

    /// <summary>The benchmark clients, by the name <see cref="EngineCommandLine"/> gives them: vllm bench serve, python -m sglang.bench_serving, genai-perf profile.</summary>
    public static readonly IReadOnlyList<string> BenchmarkTools = ["vllm-bench", "sglang-bench", "genai-perf"];

    private static readonly Lazy<FrozenDictionary<string, EngineArgumentList>> Lists = new(() =>
        Engines.Select(e => Read(EmbeddedData.ReadText("ParaPlan.Data.Engines.", e + "-args.json")))
            .Concat(ReadTools(EmbeddedData.ReadText("ParaPlan.Data.Engines.", "bench-args.json")))
            .ToFrozenDictionary(l => l.Engine, l => l));

    public static EngineArgumentList For(string engine) =>
        Lists.Value.TryGetValue(engine, out EngineArgumentList? list) ? list : throw new ArgumentException($"unknown engine '{engine}'", nameof(engine));

    public static bool Has(string engine, string flag) => Find(engine, flag) is not null;

    public static EngineFlag? Find(string engine, string flag) =>
        For(engine).Flags.TryGetValue(flag, out EngineFlag? found) ? found : null;

    /// <summary>Null if <paramref name="flag"/> exists and accepts <paramref name="value"/> (null: the flag given alone); else the problem.</summary>
    public static string? CheckValue(string engine, string flag, string? value)
    {
        EngineFlag? f = Find(engine, flag);
        if (f is null)
        {
            return $"{flag} is not a flag of {For(engine).Entry}";
        }

        if (!f.TakesValue)
        {
            return value is null ? null : $"{flag} is a switch and takes no value (given '{value}')";
        }

        if (value is null)
        {
            return $"{flag} needs a value";
        }

        // The shell removes single quotes around a value ('{"kv_connector": ...}') before the engine sees it.
        if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'')
        {
            value = value[1..^1];
        }

        return CheckTyped(flag, f.Type, f.Choices, value);
    }

    private static string? CheckTyped(string name, string type, IReadOnlyList<string> choices, string value)
    {
        switch (type)
        {
            case "int":
                return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? null : $"{name} takes an integer, not '{value}'";
            case "float":
                return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) ? null : $"{name} takes a number, not '{value}'";
            case "bool":
                return value is "true" or "false" or "True" or "False" ? null : $"{name} takes true or false, not '{value}'";
            case "choice":
                return choices.Contains(value, StringComparer.Ordinal) ? null : $"{name} takes one of {string.Join(", ", choices)}, not '{value}'";
            case "json":
                try
                {
                    using JsonDocument _ = JsonDocument.Parse(value);
                    return null;
                }
                catch (JsonException)
                {
                    return $"{name} takes JSON, not '{value}'";
                }

            default:
                return null;
        }
    }

    /// <summary>Problems with a YAML text of TensorRT-LLM extra LLM API options (--extra_llm_api_options): unknown keys, values of the wrong type.</summary>
    public static IReadOnlyList<string> CheckExtraOptionsYaml(string yaml)
    {
        IReadOnlyDictionary<string, string> keys = For("trtllm").YamlKeys;
        var problems = new List<string>();
        foreach ((string path, string? scalar) in ExtraOptionsYaml.Leaves(yaml))
        {
            if (!keys.TryGetValue(path, out string? type))
            {
                problems.Add($"{path} is not among the captured extra-options keys");
            }
            else if (scalar is not null && type != "object" && CheckTyped(path, type, [], scalar) is string problem)
            {
                problems.Add(problem);
            }
        }

        return problems;
    }

    /// <summary>The tool lists of a file holding several (bench-args.json: <c>tools</c>, each in the form of one engine's file).</summary>
    internal static IReadOnlyList<EngineArgumentList> ReadTools(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return [.. document.RootElement.GetProperty("tools").EnumerateArray().Select(t => Read(t.GetRawText()))];
    }

    internal static EngineArgumentList Read(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        var flags = new Dictionary<string, EngineFlag>(StringComparer.Ordinal);
        foreach (JsonElement f in root.GetProperty("flags").EnumerateArray())
        {
            string[] names = [.. f.GetProperty("names").EnumerateArray().Select(n => n.GetString()!)];
            string[] choices = f.TryGetProperty("choices", out JsonElement c) ? [.. c.EnumerateArray().Select(n => n.GetString()!)] : [];
            var flag = new EngineFlag(names, f.GetProperty("type").GetString()!, choices, f.GetProperty("takes_value").GetBoolean())
            {
                SeveralValues = f.TryGetProperty("nargs", out JsonElement nargs) && nargs.GetString() is "+" or "*",
            };
            foreach (string name in names)
            {
                flags.Add(name, flag);
            }
        }

        var yamlKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("yaml_keys", out JsonElement y))
        {
            foreach (JsonProperty p in y.EnumerateObject())
            {
                yamlKeys.Add(p.Name, p.Value.GetString()!);
            }
        }

        return new EngineArgumentList(
            root.GetProperty("engine").GetString()!, root.GetProperty("entry").GetString()!, root.GetProperty("repo").GetString()!,
            root.GetProperty("commit").GetString()!, root.GetProperty("captured").GetString()!,
            !root.TryGetProperty("complete", out JsonElement complete) || complete.GetBoolean(),
            flags.ToFrozenDictionary(StringComparer.Ordinal), yamlKeys.ToFrozenDictionary(StringComparer.Ordinal));
    }
}
