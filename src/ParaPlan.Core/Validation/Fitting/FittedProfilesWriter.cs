using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ParaPlan.CostModel.Profiles;

namespace ParaPlan.Validation.Fitting;

/// <summary>
/// Writes a fit into a profiles file (data/efficiency/profiles.json): its entries marked <c>"fitted": true</c> are
/// replaced by one entry per fitted level, each value with its source (the command that fitted it, the records it was
/// fitted on and the cross-validated error of the whole fit); every other entry and field is kept as it is.
/// </summary>
public static class FittedProfilesWriter
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The text of <paramref name="file"/> (<paramref name="profilesText"/>) with <paramref name="fit"/> as its fitted entries.</summary>
    /// <param name="profilesText">The profiles file's text.</param>
    /// <param name="file">Its path, for messages.</param>
    /// <param name="fit">The fit.</param>
    /// <param name="command">The command that made the fit, quoted in every source.</param>
    public static string Write(string profilesText, string file, FitResult fit, string command)
    {
        ArgumentNullException.ThrowIfNull(fit);
        JsonObject root = ProfilesJson.OpenWithout(profilesText, file, e => ProfilesJson.Flag(e, "fitted"), out JsonArray profiles);

        foreach (FittedValues level in fit.Levels.Where(l => l.Values.Count > 0))
        {
            string source = Source(level, fit, command);
            var values = new JsonObject();
            var sources = new JsonObject();
            var notes = new List<string>();
            foreach ((string key, double value) in level.Values)
            {
                if (fit.AtBounds.FirstOrDefault(b => b.Level == level.Engine && b.Key == key) is { } bound)
                {
                    // Never shipped: a value the fit drove to an end of its range is a finding, not a result.
                    notes.Add(string.Create(CultureInfo.InvariantCulture, $"{key} not written: the fit ended at {bound.Value:0.###}, an end of its range {bound.Min:0.###}-{bound.Max:0.###} (docs/validation.md)"));
                    continue;
                }

                values[key] = value;
                sources[key] = source;
            }

            var entry = new JsonObject
            {
                ["engine"] = level.Engine,
                ["gpu"] = level.Gpu,
                ["fitted"] = true,
                ["values"] = values,
                ["sources"] = sources,
            };
            if (notes.Count > 0)
            {
                entry["notes"] = string.Join("; ", notes);
            }

            profiles.Add(entry);
        }

        string text = root.ToJsonString(Options) + "\n";
        _ = EfficiencyCatalog.Parse(text, file); // what is written reads back
        return text;
    }

    private static string Source(FittedValues level, FitResult fit, string command)
    {
        string error = fit.HeldOut.Count > 0
            ? string.Join(", ", fit.HeldOut.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Metric} {e.MedianApe:0.0}%")))
            : "not cross-validated";
        return string.Create(CultureInfo.InvariantCulture, $"fitted ({level.Engine}'s own overheads, inside the ranges of docs/validation.md) by `{command}` on {level.Records} records; leave-one-source-out median error over {fit.Sources} sources: {error}");
    }
}
