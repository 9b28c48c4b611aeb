using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ParaPlan.CostModel.Profiles;

namespace ParaPlan.Kernels;

/// <summary>
/// Writes a kernel fit into a profiles file: its entries marked <c>"origin": "kernels"</c> are replaced by one entry
/// per engine and architecture, each value with its source (the rows it was fitted to, their GPUs and kernel
/// families, the command, the error); every other entry is kept as it is. A value at an end of its range is not
/// written (the entry says why it is missing).
/// </summary>
public static class KernelFitWriter
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(string profilesText, string file, KernelFitResult fit, string command)
    {
        ArgumentNullException.ThrowIfNull(fit);
        JsonObject root = ProfilesJson.OpenWithout(profilesText, file, e => ProfilesJson.Is(e, "origin", "kernels"), out JsonArray profiles);

        // After the hand-written unfitted entries and before the end-to-end fitted ones.
        int insertAt = profiles.Count;
        for (int i = 0; i < profiles.Count; i++)
        {
            if (profiles[i] is JsonObject entry && ProfilesJson.Flag(entry, "fitted"))
            {
                insertAt = i;
                break;
            }
        }

        foreach (IGrouping<(string Engine, string Architecture), KernelFit> level in fit.Fits
            .GroupBy(f => (f.Engine, f.Architecture))
            .OrderBy(g => g.Key.Engine == "generic" ? 0 : 1).ThenBy(g => g.Key.Engine, StringComparer.Ordinal).ThenBy(g => g.Key.Architecture, StringComparer.Ordinal))
        {
            var values = new JsonObject();
            var sources = new JsonObject();
            var notes = new List<string>();
            foreach (KernelFit group in level)
            {
                string source = Source(group, command);
                foreach ((string key, double value) in group.Values.OrderBy(v => v.Key, StringComparer.Ordinal))
                {
                    if (group.AtBounds.Any(b => b.StartsWith(key + " ", StringComparison.Ordinal)))
                    {
                        notes.Add($"{key} not written: the fit ended at an end of its range ({group.AtBounds.First(b => b.StartsWith(key + " ", StringComparison.Ordinal))})");
                        continue;
                    }

                    values[key] = value;
                    sources[key] = source;
                }
            }

            if (values.Count == 0)
            {
                continue;
            }

            var entry = new JsonObject
            {
                ["engine"] = level.Key.Engine,
                ["gpu"] = level.Key.Architecture,
                ["origin"] = "kernels",
                ["values"] = values,
                ["sources"] = sources,
            };
            if (notes.Count > 0)
            {
                entry["notes"] = string.Join("; ", notes);
            }

            profiles.Insert(insertAt++, entry);
        }

        string written = root.ToJsonString(Options) + "\n";
        _ = EfficiencyCatalog.Parse(written, file);
        return written;
    }

    private static string Source(KernelFit group, string command) => string.Create(
        CultureInfo.InvariantCulture,
        $"fitted to {group.Rows} {group.What} rows of data/kernels/{group.File} ({string.Join(", ", group.Gpus)}; {string.Join(", ", group.Kernels)}) by `{command}`: median error {group.MedianApe:0.0}%, P90 {group.P90Ape:0.0}%");
}
