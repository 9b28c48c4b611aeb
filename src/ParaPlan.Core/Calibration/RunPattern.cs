using System.Globalization;

namespace ParaPlan.Calibration;

/// <summary>
/// How a benchmark run sent its requests, read from what its file states: a burst (every request sent at once, no
/// client cap below the request count), a closed loop of a fixed number of clients (a concurrency cap), or an open
/// stream at a finite request rate; and how many requests it kept in flight.
/// </summary>
public static class RunPattern
{
    /// <summary>
    /// Requests sent within this time of each other count as sent at once: trtllm-bench states its issue rate
    /// (1.0526E+15 requests/s when it issues them together) rather than an infinite rate.
    /// </summary>
    public const double AtOnceSeconds = 0.001;

    /// <summary>
    /// True when every request was sent at once: the request rate is infinite (or so high that all were sent within
    /// <see cref="AtOnceSeconds"/>) and no client cap held any back. The estimate's TTFT describes exactly this.
    /// </summary>
    public static bool IsBurst(BenchmarkRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.RequestRate is not { } rate)
        {
            return false;
        }

        int? requests = run.NumRequests ?? run.Completed;
        bool atOnce = double.IsPositiveInfinity(rate) || (requests is { } n && rate > 0 && n / rate <= AtOnceSeconds);
        bool uncapped = run.Concurrency is null || (requests is { } m && run.Concurrency >= m);
        return atOnce && uncapped;
    }

    /// <summary>
    /// Requests the run kept in flight, and how that is known: the client's cap; the request count of a burst; the
    /// mean in flight the file states; or Little's law (completed requests / duration x mean latency) for a stream at
    /// a finite rate. Null when the file says none of these (a GenAI-Perf CSV does not carry its command line).
    /// </summary>
    public static double? Concurrency(BenchmarkRun run, out string how)
    {
        ArgumentNullException.ThrowIfNull(run);
        int? requests = run.NumRequests ?? run.Completed;
        if (run.Concurrency is { } cap)
        {
            if (requests is { } n && n < cap)
            {
                how = Text($"{n} requests, fewer than the client's cap of {cap}");
                return n;
            }

            how = Text($"the client's concurrency cap ({cap})");
            return cap;
        }

        if (IsBurst(run) && requests is { } all)
        {
            how = Text($"{all} requests sent at once");
            return all;
        }

        if (run.AverageConcurrency is { } average)
        {
            how = Text($"the mean requests in flight the file states ({average:0.##})");
            return average;
        }

        if (run.RequestRate is { } rate && !double.IsPositiveInfinity(rate) && run.Completed is { } completed && run.DurationS is { } duration && duration > 0
            && MeanLatencyMs(run) is { } latency)
        {
            double inFlight = completed / duration * latency / 1000;
            how = Text($"Little's law: {completed} requests / {duration:0.##} s x {latency:0.#} ms mean latency = {inFlight:0.##} in flight");
            return inFlight;
        }

        how = "the file does not state it";
        return null;
    }

    /// <summary>One line on how the run sent its requests and what it measured, for reports and messages.</summary>
    public static string Describe(BenchmarkRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        string requests = (run.NumRequests ?? run.Completed) is { } n ? Text($"{n} requests") : "requests";
        string sent = IsBurst(run) ? "sent at once"
            : run.Concurrency is { } cap ? Text($"by {cap} clients in a closed loop")
            : run.RequestRate is { } rate && !double.IsPositiveInfinity(rate) ? Text($"at {rate:0.###} requests/s")
            : "(the file does not say how they were sent)";
        string lengths = run.MeanInputTokens is { } input && run.MeanOutputTokens is { } output ? Text($", {input:0.#} input / {output:0.#} output tokens on average") : string.Empty;
        return $"{ToolName(run.Tool)}: {requests} {sent}{lengths}";
    }

    /// <summary>The benchmark client as its users call it.</summary>
    public static string ToolName(BenchmarkTool tool) => tool switch
    {
        BenchmarkTool.VllmBenchServe => "vllm bench serve",
        BenchmarkTool.SglangBenchServing => "sglang.bench_serving",
        BenchmarkTool.GenAiPerf => "genai-perf",
        BenchmarkTool.TrtllmBench => "trtllm-bench",
        _ => tool.ToString(),
    };

    /// <summary>Mean request latency: stated, or TTFT + TPOT x (output tokens - 1) from the means.</summary>
    private static double? MeanLatencyMs(BenchmarkRun run) =>
        run.MeanE2eMs
        ?? (run.MeanTtftMs is { } ttft && (run.MeanTpotMs ?? run.MeanItlMs) is { } tpot && run.MeanOutputTokens is { } output
            ? ttft + (tpot * Math.Max(0, output - 1))
            : null);

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
