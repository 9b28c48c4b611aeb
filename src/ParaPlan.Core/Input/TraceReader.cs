using System.Globalization;
using System.Text.Json;
using ParaPlan.Domain;

namespace ParaPlan.Input;

/// <summary>
/// Request traces (docs/serving-at-a-rate.md, "Traces"): the Azure LLM inference trace CSV
/// (Azure/AzurePublicDataset, <c>TIMESTAMP,ContextTokens,GeneratedTokens</c>, timestamps such as
/// <c>2023-11-16 18:15:46.6805900</c> or <c>2024-05-10 00:00:00.009930+00:00</c>) and the Mooncake trace JSONL
/// (kvcache-ai/Mooncake FAST25-release: <c>{"timestamp": ms, "input_length": n, "output_length": n, "hash_ids": [...]}</c>).
/// Arrival times are returned in ms after the trace's first request, sorted.
/// </summary>
public static class TraceReader
{
    /// <summary>Requests a trace may hold (the simulation's own bound).</summary>
    public const int MaxRequests = FieldLimits.MaxSimulatedRequests;

    public static IReadOnlyList<TracedRequest> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text = DocumentLoader.ReadText(path, InputLimits.MaxFileBytes * 4);
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new InputException(path, string.Empty, "this is a binary file, not a trace (Azure LLM inference CSV or Mooncake JSONL).");
        }

        string first = text.TrimStart().Split('\n', 2)[0].Trim();
        List<TracedRequest> requests = first.StartsWith('{') ? ReadJsonLines(text, path) : ReadCsv(text, path, first);
        if (requests.Count == 0)
        {
            throw new InputException(path, string.Empty, "the trace holds no requests.");
        }

        double start = requests.Min(r => r.ArrivalMs);
        return [.. requests.Select(r => r with { ArrivalMs = r.ArrivalMs - start }).OrderBy(r => r.ArrivalMs)];
    }

    private static List<TracedRequest> ReadCsv(string text, string path, string header)
    {
        string[] columns = [.. header.Split(',').Select(c => c.Trim())];
        int time = Array.FindIndex(columns, c => c.Equals("TIMESTAMP", StringComparison.OrdinalIgnoreCase));
        int context = Array.FindIndex(columns, c => c.Equals("ContextTokens", StringComparison.OrdinalIgnoreCase));
        int generated = Array.FindIndex(columns, c => c.Equals("GeneratedTokens", StringComparison.OrdinalIgnoreCase));
        if (time < 0 || context < 0 || generated < 0)
        {
            throw new InputException(path, "line 1", $"expected the Azure LLM inference trace header TIMESTAMP,ContextTokens,GeneratedTokens or Mooncake JSON lines; found '{Clip(header)}'.", 1);
        }

        var requests = new List<TracedRequest>();
        long? firstTicks = null; // times are kept relative to the first row's in whole ticks (ms since year 1 lose precision as a double)
        int lineNumber = 1;
        foreach (string raw in text.Split('\n').Skip(1))
        {
            lineNumber++;
            string line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            string[] cells = line.Split(',');
            if (cells.Length < columns.Length)
            {
                throw new InputException(path, $"line {lineNumber}", $"expected {columns.Length} comma-separated values, found {cells.Length}.", lineNumber);
            }

            if (!DateTimeOffset.TryParse(cells[time].Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at))
            {
                throw new InputException(path, $"line {lineNumber}: TIMESTAMP", $"expected a date and time such as 2023-11-16 18:15:46.6805900, found '{Clip(cells[time])}'.", lineNumber);
            }

            firstTicks ??= at.UtcTicks;
            Add(requests, path, lineNumber, (at.UtcTicks - firstTicks.Value) / (double)TimeSpan.TicksPerMillisecond, Length(cells[context], "ContextTokens"), Length(cells[generated], "GeneratedTokens"));
        }

        return requests;

        int Length(string cell, string column) =>
            int.TryParse(cell.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 0 && n <= FieldLimits.MaxTokens
                ? n
                : throw new InputException(path, $"line {lineNumber}: {column}", $"expected a token count from 0 to {FieldLimits.MaxTokens:#,0}, found '{Clip(cell)}'.", lineNumber);
    }

    private static List<TracedRequest> ReadJsonLines(string text, string path)
    {
        var requests = new List<TracedRequest>();
        int lineNumber = 0;
        foreach (string raw in text.Split('\n'))
        {
            lineNumber++;
            string line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 8 });
                JsonElement e = doc.RootElement;
                if (e.ValueKind != JsonValueKind.Object)
                {
                    throw new InputException(path, $"line {lineNumber}", "expected a JSON object with timestamp, input_length and output_length.", lineNumber);
                }

                Add(requests, path, lineNumber, Number(e, "timestamp", double.MaxValue), (int)Number(e, "input_length", FieldLimits.MaxTokens), (int)Number(e, "output_length", FieldLimits.MaxTokens));
            }
            catch (JsonException ex)
            {
                throw new InputException(path, $"line {lineNumber}", $"not valid JSON ({ex.Message.Split('.')[0]}).", lineNumber);
            }
        }

        return requests;

        double Number(JsonElement e, string key, double max) =>
            e.TryGetProperty(key, out JsonElement v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d) && d >= 0 && d <= max && double.IsFinite(d)
                ? d
                : throw new InputException(path, $"line {lineNumber}: {key}", $"expected a number from 0 to {FieldLimits.Text(max)} (Mooncake trace: timestamp in ms, input_length and output_length in tokens).", lineNumber);
    }

    private static void Add(List<TracedRequest> requests, string path, int line, double arrivalMs, int input, int output)
    {
        if (requests.Count >= MaxRequests)
        {
            throw new InputException(path, $"line {line}", $"the trace holds more than {MaxRequests:#,0} requests, the most one simulation serves; cut it to a window.", line);
        }

        // A request with no prompt or no output (the Azure traces hold a few) is costed as one token of each.
        requests.Add(new TracedRequest(arrivalMs, Math.Max(1, input), Math.Max(1, output)));
    }

    private static string Clip(string text) => text.Length > 60 ? string.Concat(text.AsSpan(0, 60), "...") : text;
}
