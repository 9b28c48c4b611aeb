using System.Globalization;
using System.Text;
using System.Text.Json;
using ParaPlan.Input;

namespace ParaPlan.Calibration;

/// <summary>
/// Reads a JSON result file: one object (vLLM, GenAI-Perf, TensorRT-LLM), several objects one after another (JSON
/// lines: SGLang's <c>--output-file</c>, vLLM's <c>--append-result</c>) or a list of objects, each a run whose tool
/// is recognised from its keys.
/// </summary>
internal static class JsonResultFile
{
    /// <summary>Deepest nesting accepted: the tools write at most four levels.</summary>
    public const int MaxDepth = 64;

    private static readonly string[] SglangResultKeys =
        ["mean_e2e_latency_ms", "median_e2e_latency_ms", "total_output_tokens_retokenized", "input_throughput"];

    private static readonly string[] VllmResultKeys =
        ["model_id", "tokenizer_id", "burstiness", "endpoint_type", "total_token_throughput", "mean_e2el_ms", "request_goodput"];

    private static readonly string[] GenAiPerfMetricKeys =
        ["time_to_first_token", "request_latency", "output_token_throughput", "request_throughput", "inter_token_latency"];

    public static IReadOnlyList<BenchmarkRun> Read(string text, string file)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(PythonJsonLiterals.QuoteNonFinite(text));
        int[] lineStarts = JsonTextPositions.LineStarts(bytes);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions
        {
            AllowMultipleValues = true,
            CommentHandling = JsonCommentHandling.Disallow,
            MaxDepth = MaxDepth,
        });
        var runs = new List<BenchmarkRun>();
        try
        {
            while (reader.Read())
            {
                int line = JsonTextPositions.LineOf(lineStarts, reader.TokenStartIndex);
                using JsonDocument document = JsonDocument.ParseValue(ref reader);
                JsonElement root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Array)
                {
                    int item = 0;
                    foreach (JsonElement element in root.EnumerateArray())
                    {
                        runs.Add(ReadRun(element, file, line, runs.Count + 1, $"[{item++}]"));
                    }
                }
                else
                {
                    runs.Add(ReadRun(root, file, line, runs.Count + 1, string.Empty));
                }
            }
        }
        catch (JsonException ex)
        {
            int line = ex.LineNumber is { } l ? (int)l + 1 : 0;
            throw new InputException(file, "(document)", $"not valid JSON ({JsonTextPositions.Describe(ex)}); is the file truncated or mis-typed?", line);
        }

        return runs.Count > 0 ? runs : throw new InputException(file, "(document)", "the file holds no JSON value.");
    }

    private static BenchmarkRun ReadRun(JsonElement element, string file, int line, int runIndex, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new InputException(file, path.Length == 0 ? "(document)" : path,
                $"expected one JSON object per benchmark run, found {JsonFields.Describe(element)}.", line);
        }

        var fields = new JsonFields(element, file, line, path);
        return Detect(fields) switch
        {
            BenchmarkTool.VllmBenchServe => VllmResultReader.Read(fields, runIndex),
            BenchmarkTool.SglangBenchServing => SglangResultReader.Read(fields, runIndex),
            BenchmarkTool.GenAiPerf => GenAiPerfJsonReader.Read(fields, runIndex),
            BenchmarkTool.TrtllmBench => TrtllmBenchJsonReader.Read(fields, runIndex),
            _ => throw new InputException(file, path.Length == 0 ? "(document)" : path, string.Create(CultureInfo.InvariantCulture,
                $"this JSON object is not a result of vllm bench serve (model_id, output_throughput, ...), sglang.bench_serving (mean_e2e_latency_ms, ...), genai-perf (time_to_first_token: {{unit, avg}}, input_config) or trtllm-bench --report_json (performance, world_info); its first keys are {FirstKeys(element)}."), line),
        };
    }

    /// <summary>The tool whose result <paramref name="run"/> is, from keys only that tool writes; null when none.</summary>
    private static BenchmarkTool? Detect(JsonFields run)
    {
        if (run.Has("world_info") || (run.Has("performance") && (run.Has("request_info") || run.Has("engine"))))
        {
            return BenchmarkTool.TrtllmBench;
        }

        if (run.Has("input_config") || GenAiPerfMetricKeys.Any(key => run.TryGet(key, out JsonElement value) && value.ValueKind == JsonValueKind.Object))
        {
            return BenchmarkTool.GenAiPerf;
        }

        // SGLang's result keys first: vLLM's --metadata can add arbitrary keys (even dataset_name) to its results.
        if (SglangResultKeys.Any(run.Has))
        {
            return BenchmarkTool.SglangBenchServing;
        }

        if (VllmResultKeys.Any(run.Has))
        {
            return BenchmarkTool.VllmBenchServe;
        }

        return run.Has("dataset_name") && run.Has("output_throughput") ? BenchmarkTool.SglangBenchServing : null;
    }

    private static string FirstKeys(JsonElement element)
    {
        var keys = element.EnumerateObject().Take(5).Select(p => p.Name).ToList();
        return keys.Count == 0 ? "none (the object is empty)" : string.Join(", ", keys);
    }
}
