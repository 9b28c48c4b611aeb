using System.Text.RegularExpressions;
using ParaPlan.Input;

namespace ParaPlan.Calibration;

/// <summary>
/// The report <c>trtllm-bench throughput</c> prints (reporting.py, <c>report_statistics</c>): "Label: value" lines
/// in sections <c>= ENGINE DETAILS</c> or <c>= PYTORCH BACKEND</c>, <c>= REQUEST DETAILS</c>,
/// <c>= WORLD + RUNTIME INFORMATION</c> (TP/PP/EP Size, Max Runtime Batch Size, Max Runtime Tokens, Scheduling
/// Policy, KV Memory Percentage as "90.00%", Issue Rate (req/sec): the rate the benchmark issued its requests at,
/// read as the request rate; 1.0526E+15 in the NVIDIA blog's report, i.e. all at once), <c>= PERFORMANCE OVERVIEW</c> (Request Throughput (req/sec), Total
/// Output Throughput (tokens/sec), Total Token Throughput (tokens/sec), Total Latency (ms), Average request latency
/// (ms), Average time-to-first-token [TTFT] (ms), Average time-per-output-token [TPOT] (ms)) and the per-request
/// breakdowns "[TTFT] P50    : 159.7857", "[TPOT] ...", "[Latency] ..." in ms. Releases up to 0.17 printed
/// "Token Throughput (tokens/sec)", which is output tokens over the total latency (statistics.py,
/// token_throughput_ns), so it is read as the output throughput. A log may hold several reports: each starts at an
/// engine or backend header line.
/// </summary>
internal static partial class TrtllmBenchTextReader
{
    private const string Why = "trtllm-bench prints it in every report";

    public static bool LooksLikeReport(string text) =>
        text.Contains("= PERFORMANCE OVERVIEW", StringComparison.Ordinal)
        && (text.Contains("Throughput (tokens/sec)", StringComparison.Ordinal) || text.Contains("Request Throughput (req/sec)", StringComparison.Ordinal));

    public static IReadOnlyList<BenchmarkRun> Read(string text, string file)
    {
        string[] lines = text.Split('\n');
        var starts = new List<int>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (ReportHeader().IsMatch(lines[i]))
            {
                starts.Add(i);
            }
        }

        if (starts.Count == 0)
        {
            starts.Add(0);
        }

        var runs = new List<BenchmarkRun>(starts.Count);
        for (int k = 0; k < starts.Count; k++)
        {
            int end = k + 1 < starts.Count ? starts[k + 1] : lines.Length;
            runs.Add(ReadReport(lines, starts[k], end, file, k + 1, starts.Count > 1));
        }

        return runs;
    }

    private static BenchmarkRun ReadReport(string[] lines, int start, int end, string file, int runIndex, bool several)
    {
        var values = new Dictionary<string, (string Text, int Line)>(StringComparer.Ordinal);
        for (int i = start; i < end; i++)
        {
            string line = lines[i].TrimEnd('\r');
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || line.StartsWith('='))
            {
                continue;
            }

            string label = Spaces().Replace(line[..colon].Trim(), " ");
            string value = line[(colon + 1)..].Trim();
            values.TryAdd(label, (value, i + 1));
        }

        var report = new TrtllmReportValues(values, file);
        double output = report.Number("Total Output Throughput (tokens/sec)") ?? report.Number("Token Throughput (tokens/sec)")
            ?? throw new InputException(file, "Total Output Throughput (tokens/sec)", $"required line is missing ({Why}).", several ? start + 1 : 0);

        return new BenchmarkRun
        {
            Tool = BenchmarkTool.TrtllmBench,
            SourceFile = file,
            RunIndex = runIndex,
            Line = several ? start + 1 : 0,
            ModelName = report.Text("Model"),
            EngineVersion = report.Text("TensorRT-LLM Version") ?? report.Text("TensorRT LLM Version"),
            Dtype = report.Text("Dtype"),
            KvCacheDtype = report.Text("KV Cache Dtype"),
            Quantization = report.Text("Quantization"),
            NumRequests = report.Whole("Number of requests"),
            AverageConcurrency = report.Number("Number of concurrent requests"),
            MeanInputTokens = report.Number("Average Input Length (tokens)"),
            MeanOutputTokens = report.Number("Average Output Length (tokens)"),
            TensorParallelSize = report.Whole("TP Size"),
            PipelineParallelSize = report.Whole("PP Size"),
            ExpertParallelSize = report.Whole("EP Size"),
            MaxBatchSize = report.Whole("Max Runtime Batch Size"),
            MaxNumTokens = report.Whole("Max Runtime Tokens"),
            SchedulingPolicy = report.Text("Scheduling Policy"),
            KvCacheMemoryFraction = report.Number("KV Memory Percentage") / 100,
            RequestRate = report.Number("Issue Rate (req/sec)"),
            RequestsPerS = report.Number("Request Throughput (req/sec)"),
            OutputTokensPerS = output,
            TotalTokensPerS = report.Number("Total Token Throughput (tokens/sec)"),
            DurationS = report.Number("Total Latency (ms)") / 1000,
            MeanE2eMs = report.Number("Average request latency (ms)") ?? report.Number("[Latency] AVERAGE"),
            MedianE2eMs = report.Number("[Latency] P50"),
            P90E2eMs = report.Number("[Latency] P90"),
            P99E2eMs = report.Number("[Latency] P99"),
            MeanTtftMs = report.Number("Average time-to-first-token [TTFT] (ms)") ?? report.Number("[TTFT] AVERAGE"),
            MedianTtftMs = report.Number("[TTFT] P50"),
            P90TtftMs = report.Number("[TTFT] P90"),
            P99TtftMs = report.Number("[TTFT] P99"),
            MeanTpotMs = report.Number("Average time-per-output-token [TPOT] (ms)") ?? report.Number("[TPOT] AVERAGE"),
            MedianTpotMs = report.Number("[TPOT] P50"),
            P90TpotMs = report.Number("[TPOT] P90"),
            P99TpotMs = report.Number("[TPOT] P99"),
        };
    }

    [GeneratedRegex(@"^=\s*(ENGINE DETAILS|PYTORCH BACKEND|PyTorch backend|AUTODEPLOY BACKEND)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex ReportHeader();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Spaces();
}
