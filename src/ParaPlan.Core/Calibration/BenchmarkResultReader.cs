using System.Globalization;
using ParaPlan.Input;

namespace ParaPlan.Calibration;

/// <summary>
/// Reads the result files the engines' own benchmark clients write into <see cref="BenchmarkRun"/>s with common
/// units (ms, per second, seconds): <c>vllm bench serve --save-result</c> (and benchmark_serving.py),
/// <c>sglang.bench_serving --output-file</c>, GenAI-Perf's <c>profile_export_genai_perf.json</c> or <c>.csv</c>, and
/// <c>trtllm-bench throughput</c>'s <c>--report_json</c> or printed report. The format is recognised from the
/// content, not the file name. Bad input fails with an <see cref="InputException"/> naming the file, the field and
/// the problem.
/// </summary>
public static class BenchmarkResultReader
{
    /// <summary>Largest file read (64 MiB): per-request lists of 100k requests fit with room to spare.</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    private const string Document = "(document)";

    /// <summary>Every run in the file at <paramref name="path"/>.</summary>
    public static IReadOnlyList<BenchmarkRun> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        long length;
        try
        {
            var info = new FileInfo(path);
            length = info.Exists ? info.Length : 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InputException(path, string.Empty, $"the file cannot be read ({ex.Message}).");
        }

        if (length > MaxFileBytes)
        {
            throw TooLarge(path, length);
        }

        return Read(DocumentLoader.ReadText(path, MaxFileBytes), path);
    }

    /// <summary>Every run in <paramref name="text"/>; <paramref name="fileNameForMessages"/> names it in errors.</summary>
    public static IReadOnlyList<BenchmarkRun> Read(string text, string fileNameForMessages)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileNameForMessages);
        string file = fileNameForMessages;
        if (text.Length > MaxFileBytes)
        {
            throw TooLarge(file, text.Length);
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new InputException(file, Document, "the file is binary, not a benchmark result (JSON, CSV or a printed report).");
        }

        string content = text.TrimStart('\uFEFF');
        string start = content.TrimStart();
        if (start.Length == 0)
        {
            throw new InputException(file, Document, "the file is empty.");
        }

        if (LooksLikeJson(start))
        {
            return JsonResultFile.Read(content, file);
        }

        if (start.StartsWith("Metric,", StringComparison.Ordinal))
        {
            return [GenAiPerfCsvReader.Read(content, file)];
        }

        if (TrtllmBenchTextReader.LooksLikeReport(content))
        {
            return TrtllmBenchTextReader.Read(content, file);
        }

        throw new InputException(file, Document,
            "not a result file of vllm bench serve (--save-result JSON), sglang.bench_serving (--output-file JSONL), genai-perf "
            + "(profile_export_genai_perf.json or .csv) or trtllm-bench (--report_json or its printed report); the printed summaries "
            + "of vllm and sglang are not read, save their JSON instead.");
    }

    /// <summary>An object, or a list of objects or lists; a log line such as "[01/18/2025-01:01:42] ..." is not JSON.</summary>
    private static bool LooksLikeJson(string start)
    {
        if (start[0] == '{')
        {
            return true;
        }

        if (start[0] != '[')
        {
            return false;
        }

        string rest = start[1..].TrimStart();
        return rest.Length == 0 || rest[0] is '{' or '[' or ']';
    }

    private static InputException TooLarge(string file, long size) =>
        new(file, Document, string.Create(CultureInfo.InvariantCulture,
            $"the file is {size / (1024.0 * 1024.0):0.#} MiB; result files over {MaxFileBytes / (1024 * 1024)} MiB are refused (drop the per-request lists, e.g. run vllm without --save-detailed)."));
}
