using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ParaPlan.CostModel.Profiles;

namespace ParaPlan.Calibration;

/// <summary>
/// Writes a calibration as a profiles overlay (the format of data/efficiency/profiles.json, what
/// <c>--profiles FILE</c> reads): one entry <c>{engine, gpu, fitted: true, values, sources}</c> with the fitted
/// values only, each source naming the command, the run and the figures measured and predicted. Nothing in it depends
/// on the date, so the same calibration writes the same file.
/// </summary>
public static class ProfileOverlayWriter
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The overlay's text.</summary>
    /// <param name="result">The calibration.</param>
    /// <param name="command">The command that made it, quoted in every source (e.g. "paraplan calibrate s.yaml r.json").</param>
    public static string Write(CalibrationResult result, string command)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(command);
        string source = Source(result, command);
        var values = new JsonObject();
        var sources = new JsonObject();
        foreach (CalibratedValue value in result.Values.Where(v => v.Fitted))
        {
            values[value.Key] = Math.Round(value.After, 6);
            sources[value.Key] = source;
        }

        var root = new JsonObject
        {
            ["description"] = $"Efficiency profiles overlay written by {command}: the serving-loop values of {result.Engine} on {result.Gpu} fitted to one benchmark run. Lay it over the built-in profiles with --profiles FILE.",
            ["profiles"] = new JsonArray
            {
                new JsonObject
                {
                    ["engine"] = result.Engine,
                    ["gpu"] = result.Gpu,
                    ["fitted"] = true,
                    ["values"] = values,
                    ["sources"] = sources,
                },
            },
        };
        string text = root.ToJsonString(Options) + "\n";
        _ = EfficiencyCatalog.BuiltIn.WithOverlay(text, "calibrated profiles"); // what is written reads back
        return text;
    }

    /// <summary>"calibrated by COMMAND on run N of M (what it was): measured TPOT X ms, predicted Y ms; ...".</summary>
    public static string Source(CalibrationResult result, string command)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(command);
        string figures = string.Join("; ", result.Figures.Select(f =>
        {
            (string name, string unit) = Name(f.Key);
            return $"measured {name} {Number(f.Measured)}{unit}, predicted {Number(f.After)}{unit}";
        }));
        return string.Create(CultureInfo.InvariantCulture, $"calibrated by {command} on run {result.Run} of {result.Runs} ({result.RunDescription}): {figures}");
    }

    private static (string Name, string Unit) Name(string key) => key switch
    {
        "tpot_ms" => ("TPOT", " ms"),
        "output_tokens_per_s_per_gpu" => ("output tokens/s per GPU", string.Empty),
        "mean_ttft_ms" => ("mean TTFT", " ms"),
        _ => (key, string.Empty),
    };

    private static string Number(double value) => value.ToString(Math.Abs(value) >= 100 ? "0.#" : "0.###", CultureInfo.InvariantCulture);
}
