using System.Globalization;
using ParaPlan.Domain;
using ParaPlan.Input;

namespace ParaPlan.Validation;

/// <summary>Reads a measurements file (a JSON list of records, the format of published-measurements.json).</summary>
public static class MeasurementReader
{
    public static IReadOnlyList<MeasurementRecord> ReadFile(string path)
    {
        InputNode root = DocumentLoader.LoadFile(path);
        if (root is not ListNode list)
        {
            throw new InputException(path, string.Empty, $"expected a list of measurement records, found {root.Describe()}.", root.Line);
        }

        var records = new List<MeasurementRecord>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (InputNode item in list.Items)
        {
            var map = new MapReader(item, path);
            string id = map.RequiredString("id");
            if (!ids.Add(id))
            {
                throw map.Fail("id", $"the id '{id}' appears twice.");
            }

            records.Add(new MeasurementRecord
            {
                Id = id,
                Quality = map.String("quality") ?? string.Empty,
                Source = SourceText(map),
                SourceKey = SourceKey(map, id),
                Engine = map.String("engine") ?? string.Empty,
                Model = map.String("model") ?? string.Empty,
                ArchRef = map.String("arch_ref"),
                Arch = Flat(map.Map("arch")),
                Precision = map.String("precision") ?? string.Empty,
                KvCacheDtype = map.String("kv_cache_dtype"),
                Gpu = map.String("gpu") ?? string.Empty,
                NumGpus = map.Integer("num_gpus", GpuCount),
                Tp = map.Integer("tp", GpuCount),
                Pp = map.Integer("pp", GpuCount),
                Ep = map.Integer("ep", GpuCount),
                Dp = map.Integer("dp", GpuCount),
                AttentionDp = map.Get("attention_dp") is ScalarNode { Text: { } t } ? t == "true" : null,
                Disaggregated = map.String("disaggregated"),
                BatchSize = map.String("batch_size"),
                Concurrency = map.Integer("concurrency", RequestCount),
                NumRequests = map.Integer("num_requests", RequestCount),
                Isl = map.Integer("isl", TokenCount),
                Osl = map.Integer("osl", TokenCount),
                OslMax = map.Integer("osl_max", TokenCount),
                Scenario = map.String("scenario") ?? string.Empty,
                Dataset = map.String("dataset") ?? string.Empty,
                Notes = map.String("notes") ?? string.Empty,
                OutputTokensPerSecondPerGpu = map.Number("output_tok_s_per_gpu", Figure),
                TtftMs = map.Number("ttft_ms", Figure),
                TtftStat = map.String("ttft_stat"),
                TpotMs = map.Number("tpot_ms", Figure),
                ItlMs = map.Number("itl_ms", Figure),
                RequestsPerS = map.Number("request_per_s", Figure),
                InputTokensPerSecondPerGpu = map.Number("input_tok_s_per_gpu", Figure),
            });
        }

        return records;
    }

    /// <summary>Most GPUs a record's degrees may name.</summary>
    public const int MaxGpus = 65_536;

    /// <summary>Most requests or sequences a record may state: each is simulated.</summary>
    public const int MaxRequests = 1_000_000;

    /// <summary>Longest input or output a record may state, in tokens.</summary>
    public const int MaxTokens = 10_000_000;

    // A record's counts, when stated (absent or null is "not stated"): whole numbers in these ranges.
    private static readonly FieldLimit GpuCount = new(1, MaxGpus, "no published measurement ran on more GPUs");
    private static readonly FieldLimit RequestCount = new(1, MaxRequests, "each request is simulated; a million take seconds");
    private static readonly FieldLimit TokenCount = new(1, MaxTokens, "the longest context windows hold about 10 million tokens");

    /// <summary>A measured figure, when stated: a number above 0.</summary>
    private static readonly FieldLimit Figure = new(0, double.MaxValue, "a measured figure", AboveMinimum: true);

    private static string SourceText(MapReader map)
    {
        if (map.Map("source") is not { } source)
        {
            return map.String("source") ?? string.Empty;
        }

        string name = source.String("name") ?? string.Empty;
        string where = source.String("repo") is { } repo ? $"{repo}/{source.String("path")}" : source.String("url") ?? string.Empty;
        return string.Join(", ", new[] { name, where, source.String("date") ?? string.Empty }.Where(s => s.Length > 0));
    }

    /// <summary>The page a record comes from: repository and path, else the URL, else its source key, else its name.</summary>
    private static string SourceKey(MapReader map, string id)
    {
        if (map.Map("source") is not { } source)
        {
            return map.String("source") is { Length: > 0 } text ? text : id;
        }

        if (source.String("repo") is { Length: > 0 } repo && source.String("path") is { Length: > 0 } path)
        {
            return $"{repo}/{path}";
        }

        return source.String("url") is { Length: > 0 } url ? url
            : source.String("key") is { Length: > 0 } key ? key
            : source.String("name") ?? id;
    }

    private static Dictionary<string, string> Flat(MapReader? map)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (map is null)
        {
            return result;
        }

        foreach (KeyValuePair<string, InputNode> entry in map.Node.Entries)
        {
            if (entry.Value is ScalarNode { Text: { } text })
            {
                result[entry.Key] = text;
            }
        }

        return result;
    }

    internal static int? ArchInt(MeasurementRecord record, string key) =>
        record.Arch.TryGetValue(key, out string? text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v == Math.Floor(v)
            ? (int)v
            : null;
}
