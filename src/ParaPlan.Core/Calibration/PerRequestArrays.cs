using System.Globalization;
using System.Text.Json;

namespace ParaPlan.Calibration;

/// <summary>
/// The per-request lists vLLM (<c>--save-detailed</c>, older versions always; <c>latencies</c> in every recent file)
/// and SGLang (<c>--output-details</c>) write beside the summary: <c>ttfts</c> and <c>latencies</c> per request and
/// <c>itls</c> as one list of gaps per request, all in <b>seconds</b>. Summaries are taken over the successful
/// requests only: those whose <c>errors</c> entry is empty, or whose <c>output_lens</c> entry is above zero when
/// there is no error list. Without either, the lists are used only when the file reports no failed request.
/// </summary>
internal sealed class PerRequestArrays
{
    private PerRequestArrays(LatencySummary? ttft, LatencySummary? itl, LatencySummary? e2e)
    {
        Ttft = ttft;
        Itl = itl;
        E2e = e2e;
    }

    /// <summary>Time to first token over the successful requests, in ms.</summary>
    public LatencySummary? Ttft { get; }

    /// <summary>Every gap between streamed chunks of the successful requests, in ms.</summary>
    public LatencySummary? Itl { get; }

    /// <summary>End-to-end latency over the successful requests, in ms.</summary>
    public LatencySummary? E2e { get; }

    /// <summary>The summaries the run's lists allow, or null when it has none (or cannot tell failures apart).</summary>
    public static PerRequestArrays? Read(JsonFields run, int? failed)
    {
        JsonElement? ttfts = run.List("ttfts");
        JsonElement? itls = run.List("itls");
        JsonElement? latencies = run.List("latencies");
        if (ttfts is null && itls is null && latencies is null)
        {
            return null;
        }

        JsonElement? errors = run.List("errors");
        JsonElement? outputLengths = run.List("output_lens");
        int count = CommonLength(run, ("ttfts", ttfts), ("itls", itls), ("latencies", latencies), ("errors", errors), ("output_lens", outputLengths));
        bool[]? succeeded = Successes(run, errors, outputLengths, count);
        if (succeeded is null && failed is > 0)
        {
            return null;
        }

        return new PerRequestArrays(
            SampleStatistics.Summarize(Milliseconds(run, "ttfts", ttfts, succeeded, nested: false)),
            SampleStatistics.Summarize(Milliseconds(run, "itls", itls, succeeded, nested: true)),
            SampleStatistics.Summarize(Milliseconds(run, "latencies", latencies, succeeded, nested: false)));
    }

    private static int CommonLength(JsonFields run, params (string Key, JsonElement? List)[] lists)
    {
        (string Key, int Length)? first = null;
        foreach ((string key, JsonElement? list) in lists)
        {
            if (list is not { } present)
            {
                continue;
            }

            int length = present.GetArrayLength();
            if (first is null)
            {
                first = (key, length);
            }
            else if (first.Value.Length != length)
            {
                throw run.Fail(key, string.Create(CultureInfo.InvariantCulture,
                    $"has {length} entries but {first.Value.Key} has {first.Value.Length}; the per-request lists must have one entry per request."));
            }
        }

        return first?.Length ?? 0;
    }

    private static bool[]? Successes(JsonFields run, JsonElement? errors, JsonElement? outputLengths, int count)
    {
        var succeeded = new bool[count];
        if (errors is { } errorList)
        {
            int i = 0;
            foreach (JsonElement error in errorList.EnumerateArray())
            {
                succeeded[i] = error.ValueKind switch
                {
                    JsonValueKind.Null => true,
                    JsonValueKind.String => string.IsNullOrEmpty(error.GetString()),
                    _ => throw run.Fail($"errors[{i}]", $"expected an error message or null, found {JsonFields.Describe(error)}."),
                };
                i++;
            }

            return succeeded;
        }

        if (outputLengths is { } lengthList)
        {
            int i = 0;
            foreach (JsonElement length in lengthList.EnumerateArray())
            {
                int index = i;
                succeeded[i] = JsonFields.ParseNumber(length, problem => run.Fail($"output_lens[{index}]", problem), allowInfinity: false) > 0;
                i++;
            }

            return succeeded;
        }

        return null;
    }

    private static List<double> Milliseconds(JsonFields run, string key, JsonElement? list, bool[]? succeeded, bool nested)
    {
        var samples = new List<double>();
        if (list is not { } values)
        {
            return samples;
        }

        int i = 0;
        foreach (JsonElement value in values.EnumerateArray())
        {
            int index = i++;
            if (succeeded is not null && !succeeded[index])
            {
                continue;
            }

            if (!nested)
            {
                samples.Add(Seconds(run, $"{key}[{index}]", value) * 1000);
                continue;
            }

            if (value.ValueKind != JsonValueKind.Array)
            {
                throw run.Fail($"{key}[{index}]", $"expected the list of one request's gaps, found {JsonFields.Describe(value)}.");
            }

            int j = 0;
            foreach (JsonElement gap in value.EnumerateArray())
            {
                samples.Add(Seconds(run, $"{key}[{index}][{j++}]", gap) * 1000);
            }
        }

        return samples;
    }

    private static double Seconds(JsonFields run, string key, JsonElement value) =>
        JsonFields.ParseNumber(value, problem => run.Fail(key, problem), allowInfinity: false);
}
