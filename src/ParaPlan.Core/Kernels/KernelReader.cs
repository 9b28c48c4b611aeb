using System.Globalization;
using ParaPlan.Input;

namespace ParaPlan.Kernels;

/// <summary>Reads kernel measurement files (data/kernels/*.json: a JSON list of rows, docs/kernels.md).</summary>
public static class KernelReader
{
    private static readonly HashSet<string> ShapeKeys = new(StringComparer.Ordinal)
    {
        "m", "n", "k", "tokens", "experts_total", "top_k", "experts_local", "hidden", "intermediate", "ep", "tp", "batch",
        "seq_q", "seq_kv", "heads_q", "heads_kv", "head_dim_qk", "head_dim_v", "head_dim", "window", "kv_len", "page_size",
        "q_tokens", "n_gpus", "nodes", "bytes", "tokens_per_rank", "routed_rows", "rows_per_expert", "gemm_n", "gemm_k",
    };

    public static IReadOnlyList<KernelMeasurement> ReadFile(string path)
    {
        InputNode root = DocumentLoader.LoadFile(path);
        if (root is not ListNode list)
        {
            throw new InputException(path, string.Empty, $"expected a list of kernel measurements, found {root.Describe()}.", root.Line);
        }

        var rows = new List<KernelMeasurement>(list.Items.Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (InputNode item in list.Items)
        {
            var map = new MapReader(item, path);
            string id = map.RequiredString("id");
            if (!ids.Add(id))
            {
                throw map.Fail("id", $"the id '{id}' appears twice.");
            }

            double time = map.Number("time_us") ?? throw map.Missing("time_us", "the measured time in microseconds");
            if (!(time > 0) || !double.IsFinite(time))
            {
                throw map.Fail("time_us", "must be a finite time above 0.");
            }

            var shape = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (string key in map.Keys.Where(ShapeKeys.Contains))
            {
                if (map.Get(key) is ScalarNode { IsNull: false, Text: { } text }
                    && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value))
                {
                    shape[key] = value;
                }
            }

            rows.Add(new KernelMeasurement
            {
                Id = id,
                Op = map.RequiredString("op"),
                Gpu = map.String("gpu"),
                Kernel = map.String("kernel") ?? string.Empty,
                Family = map.String("family") ?? string.Empty,
                EngineFamily = map.String("engine_family") ?? "any",
                Dtype = map.String("dtype") ?? string.Empty,
                Shape = shape,
                Causal = map.Bool("causal") ?? false,
                Includes = map.String("includes") ?? string.Empty,
                TimeUs = time,
                Source = SourceText(map),
            });
        }

        return rows;
    }

    private static string SourceText(MapReader map)
    {
        if (map.Map("source") is not { } source)
        {
            return map.String("source") ?? string.Empty;
        }

        string where = source.String("repo") is { Length: > 0 } repo ? $"{repo}/{source.String("path")}" : source.String("url") ?? string.Empty;
        return string.Join(", ", new[] { where, source.String("commit") ?? string.Empty, source.String("date") ?? string.Empty }.Where(s => s.Length > 0));
    }
}
