using System.CommandLine;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Input;

namespace ParaPlan.Cli;

/// <summary>Options and arguments shared by the commands.</summary>
internal static class CommandOptions
{
    public static Option<string> Format(bool extra = false)
    {
        string[] allowed = extra ? ["text", "json", "markdown", "dot", "svg"] : ["text", "json", "markdown"];
        var option = new Option<string>("--format", "-f")
        {
            Description = $"Output format: {string.Join(", ", allowed)} (text by default). With json, standard output holds exactly one JSON document.",
            DefaultValueFactory = _ => "text",
        };
        option.AcceptOnlyFromAmong(allowed);
        return option;
    }

    /// <summary><c>--request-rate R</c>: requests per second offered to the whole deployment, instead of the scenario's arrivals.</summary>
    public static Option<double?> RequestRate() => new("--request-rate")
    {
        Description = "Serve this many requests per second (Poisson arrivals, or the scenario's burstiness) instead of the scenario's concurrency, burst or rate.",
    };

    public static Argument<string> InputFile(string description) => new("file") { Description = description };

    /// <summary><c>--profiles FILE</c>: a profiles file laid over the built-in efficiency profiles.</summary>
    public static Option<string?> Profiles() => new("--profiles")
    {
        Description = "A profiles file (the format of data/efficiency/profiles.json, e.g. what 'paraplan calibrate' writes) laid over the built-in efficiency profiles; its entries need not give every value.",
    };

    /// <summary>The built-in profiles, with the file of <c>--profiles</c> laid over them when one is given.</summary>
    public static EfficiencyCatalog LoadProfiles(string? path) =>
        path is null ? EfficiencyCatalog.BuiltIn : EfficiencyCatalog.BuiltIn.WithOverlay(DocumentLoader.ReadText(path), path);

    public static OutputFormat ParseFormat(string text) => text switch
    {
        "json" => OutputFormat.Json,
        "markdown" => OutputFormat.Markdown,
        _ => OutputFormat.Text,
    };
}
