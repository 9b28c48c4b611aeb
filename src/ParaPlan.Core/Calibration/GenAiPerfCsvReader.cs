using System.Globalization;
using ParaPlan.Input;

namespace ParaPlan.Calibration;

/// <summary>
/// GenAI-Perf's <c>profile_export_genai_perf.csv</c> (genai_perf/export_data/csv_exporter.py): a table of request
/// metrics under <c>Metric,avg,min,max,p99,p95,p90,p75,p50,p25[,p10,p5,p1]</c>, a blank line, then system metrics
/// under <c>Metric,Value</c>. Names are "Title Case (unit)" (<c>Time To First Token (ms)</c>,
/// <c>Output Token Throughput (per sec)</c> or <c>(tokens/sec)</c>, <c>Request Count (count)</c>); values are
/// formatted <c>{:,.2f}</c>, so "32,688.40" in quotes, or N/A. The CSV names neither the model nor the load.
/// Inter Token Latency is read into the TPOT figures (see <see cref="GenAiPerfJsonReader"/>).
/// </summary>
internal static class GenAiPerfCsvReader
{
    public static BenchmarkRun Read(string text, string file)
    {
        var rows = new Dictionary<string, (Dictionary<string, double?> Values, string Unit, string Name, int Line)>(StringComparer.Ordinal);
        List<string>? header = null;
        string[] lines = text.Split('\n');
        for (int index = 0; index < lines.Length; index++)
        {
            string line = lines[index].TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                header = null;
                continue;
            }

            List<string> fields = CsvFields.Split(line)
                ?? throw new InputException(file, "(document)", "a quoted CSV field is not closed; is the file truncated?", index + 1);
            if (fields[0].Trim() == "Metric")
            {
                header = fields;
                continue;
            }

            if (header is null)
            {
                continue;
            }

            (string name, string unit) = SplitName(fields[0]);
            var values = new Dictionary<string, double?>(StringComparer.Ordinal);
            for (int column = 1; column < header.Count && column < fields.Count; column++)
            {
                values[header[column].Trim()] = Value(fields[column], $"{fields[0].Trim()}.{header[column].Trim()}", file, index + 1);
            }

            rows[name] = (values, unit, fields[0].Trim(), index + 1);
        }

        double? Stat(string row, string column) =>
            rows.TryGetValue(row, out var found) && found.Values.TryGetValue(column, out double? value) ? value : null;

        LatencySummary Latency(string row)
        {
            if (!rows.TryGetValue(row, out var found))
            {
                return default;
            }

            double factor = GenAiPerfUnits.ToMilliseconds(found.Unit)
                ?? throw new InputException(file, found.Name, $"\"{found.Unit}\" is not a time unit GenAI-Perf writes (ms, or ns in early releases).", found.Line);
            return new LatencySummary(Stat(row, "avg") * factor, Stat(row, "p50") * factor, Stat(row, "p90") * factor, Stat(row, "p99") * factor);
        }

        double? Single(string row) => Stat(row, "Value") ?? Stat(row, "avg");

        if (!rows.TryGetValue("OUTPUT TOKEN THROUGHPUT", out var outputRow))
        {
            string problem = rows.Count == 0
                ? "no GenAI-Perf metric rows under a \"Metric,...\" header; is this a profile_export_genai_perf.csv?"
                : "required row is missing (GenAI-Perf writes it for every LLM profile).";
            throw new InputException(file, "Output Token Throughput", problem);
        }

        double output = Single("OUTPUT TOKEN THROUGHPUT")
            ?? throw new InputException(file, outputRow.Name, "has no value (N/A).", outputRow.Line);
        LatencySummary ttft = Latency("TIME TO FIRST TOKEN");
        LatencySummary tpot = Latency("INTER TOKEN LATENCY");
        LatencySummary e2e = Latency("REQUEST LATENCY");
        double? count = Single("REQUEST COUNT");
        if (count is { } whole && whole != Math.Floor(whole))
        {
            throw new InputException(file, "Request Count", string.Create(CultureInfo.InvariantCulture, $"expected a whole number, found {whole}."), rows["REQUEST COUNT"].Line);
        }

        return new BenchmarkRun
        {
            Tool = BenchmarkTool.GenAiPerf,
            SourceFile = file,
            Completed = count is { } c && c <= int.MaxValue ? (int)c : null,
            MeanInputTokens = Stat("INPUT SEQUENCE LENGTH", "avg") ?? Stat("NUM INPUT TOKEN", "avg"),
            MeanOutputTokens = Stat("OUTPUT SEQUENCE LENGTH", "avg") ?? Stat("NUM OUTPUT TOKEN", "avg"),
            OutputTokensPerS = output,
            RequestsPerS = Single("REQUEST THROUGHPUT"),
            MeanTtftMs = ttft.Mean,
            MedianTtftMs = ttft.Median,
            P90TtftMs = ttft.P90,
            P99TtftMs = ttft.P99,
            MeanTpotMs = tpot.Mean,
            MedianTpotMs = tpot.Median,
            P90TpotMs = tpot.P90,
            P99TpotMs = tpot.P99,
            MeanE2eMs = e2e.Mean,
            MedianE2eMs = e2e.Median,
            P90E2eMs = e2e.P90,
            P99E2eMs = e2e.P99,
        };
    }

    /// <summary>"Time To First Token (ms)" → ("TIME TO FIRST TOKEN", "ms").</summary>
    private static (string Name, string Unit) SplitName(string field)
    {
        string trimmed = field.Trim();
        int open = trimmed.LastIndexOf('(');
        if (open > 0 && trimmed.EndsWith(')'))
        {
            return (trimmed[..open].Trim().ToUpperInvariant(), trimmed[(open + 1)..^1].Trim());
        }

        return (trimmed.ToUpperInvariant(), string.Empty);
    }

    private static double? Value(string field, string name, string file, int line)
    {
        string text = field.Trim().Replace(",", string.Empty, StringComparison.Ordinal);
        if (text.Length == 0 || text.Equals("N/A", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            throw new InputException(file, name, $"expected a number, found \"{field.Trim()}\".", line);
        }

        if (!double.IsFinite(value))
        {
            throw new InputException(file, name, $"is {field.Trim()}; expected a finite number.", line);
        }

        return value < 0
            ? throw new InputException(file, name, string.Create(CultureInfo.InvariantCulture, $"is negative ({value}); a count, rate, length or latency cannot be below zero."), line)
            : value;
    }
}
