using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ParaPlan.Input;
using ParaPlan.Validation.Fitting;

namespace ParaPlan.Validation.Harness;

/// <summary>
/// The harness values a fit found for each source (data/harness.json): written by
/// <c>validate --fit --write-harness</c>, read by <c>validate --harness</c>. Validation data, never a deployment's.
/// </summary>
public static class HarnessFile
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The file's text for a fit.</summary>
    public static string Write(FitResult fit, string command)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var sources = new JsonObject();
        foreach ((string source, HarnessCosts costs) in fit.HarnessBySource.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            sources[source] = Costs(costs);
        }

        var root = new JsonObject
        {
            ["description"] = "Benchmark-harness nuisance values per source (the client's time per streamed token and per request on the front end's lane of a served run), fitted with the deployment's profiles by `" + command + "`. Validation only: estimate and plan never read them. docs/validation.md, 'The benchmark harness'.",
            ["typical"] = Costs(fit.TypicalHarness),
            ["sources"] = sources,
        };
        return root.ToJsonString(Options) + "\n";
    }

    /// <summary>Reads a harness file, or says which field is wrong.</summary>
    public static HarnessSet Read(string path)
    {
        var root = new MapReader(DocumentLoader.LoadFile(path), path);
        root.RejectUnknownKeys(["description", "typical", "sources"], "a harness file");
        HarnessCosts typical = root.Map("typical") is { } t ? ReadCosts(t) : HarnessCosts.None;
        var bySource = new Dictionary<string, HarnessCosts>(StringComparer.Ordinal);
        if (root.Map("sources") is { } map)
        {
            foreach (string key in map.Keys)
            {
                bySource[key] = ReadCosts(map.Map(key) ?? throw map.Fail(key, "must be a map of harness values."));
            }
        }

        return new HarnessSet(bySource, typical);
    }

    private static HarnessCosts ReadCosts(MapReader map)
    {
        map.RejectUnknownKeys([HarnessKeys.ClientTokenUs, HarnessKeys.ClientRequestMs], "harness values");
        double token = map.Number(HarnessKeys.ClientTokenUs) ?? 0;
        double request = map.Number(HarnessKeys.ClientRequestMs) ?? 0;
        if (token < 0 || request < 0 || !double.IsFinite(token) || !double.IsFinite(request))
        {
            throw map.Fail(token < 0 || !double.IsFinite(token) ? HarnessKeys.ClientTokenUs : HarnessKeys.ClientRequestMs, "must be a finite number of at least 0.");
        }

        return new HarnessCosts(token, request);
    }

    private static JsonObject Costs(HarnessCosts costs) => new()
    {
        [HarnessKeys.ClientTokenUs] = Math.Round(costs.ClientTokenUs, 2),
        [HarnessKeys.ClientRequestMs] = Math.Round(costs.ClientRequestMs, 3),
    };

    /// <summary>For messages: the values as text.</summary>
    public static string Describe(HarnessCosts costs)
    {
        ArgumentNullException.ThrowIfNull(costs);
        return string.Create(CultureInfo.InvariantCulture, $"{costs.ClientTokenUs:0.#} us/token, {costs.ClientRequestMs:0.##} ms/request");
    }
}
