using System.Text.Json;
using System.Text.Json.Nodes;
using ParaPlan.Input;

namespace ParaPlan.CostModel.Profiles;

/// <summary>A profiles file opened for a fit to rewrite its own entries (the kernel fit's, the end-to-end fit's).</summary>
internal static class ProfilesJson
{
    /// <summary>
    /// Parses <paramref name="profilesText"/> (checked as a valid profiles file first, so a bad one is reported by
    /// field) and returns its root with its <c>profiles</c> list, the entries <paramref name="replaced"/> selects
    /// removed.
    /// </summary>
    public static JsonObject OpenWithout(string profilesText, string file, Func<JsonObject, bool> replaced, out JsonArray profiles)
    {
        ArgumentNullException.ThrowIfNull(replaced);
        _ = EfficiencyCatalog.Parse(profilesText, file);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(profilesText) as JsonObject ?? throw new InputException(file, string.Empty, "a profiles file must be a JSON object with a 'profiles' list");
        }
        catch (JsonException ex)
        {
            throw new InputException(file, string.Empty, $"the fit can only be written into a JSON profiles file: {ex.Message}");
        }

        profiles = root["profiles"] as JsonArray ?? throw new InputException(file, "profiles", "a list of profiles is required");
        for (int i = profiles.Count - 1; i >= 0; i--)
        {
            if (profiles[i] is JsonObject entry && replaced(entry))
            {
                profiles.RemoveAt(i);
            }
        }

        return root;
    }

    /// <summary>True when <paramref name="entry"/> has the boolean <paramref name="key"/> set.</summary>
    public static bool Flag(JsonObject entry, string key) =>
        entry[key] is JsonValue flag && flag.TryGetValue(out bool set) && set;

    /// <summary>True when <paramref name="entry"/>'s string <paramref name="key"/> is <paramref name="value"/>.</summary>
    public static bool Is(JsonObject entry, string key, string value) =>
        entry[key] is JsonValue text && text.TryGetValue(out string? s) && s == value;
}
