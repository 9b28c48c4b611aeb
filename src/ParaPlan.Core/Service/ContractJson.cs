using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ParaPlan.Service;

/// <summary>
/// The contract's JSON conventions (snake_case keys, enums as snake_case strings, one indented document), shared by
/// the command line's <c>--format json</c> and the web API, so both print the same keys.
/// </summary>
public static class ContractJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.Strict,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary><paramref name="value"/> as one JSON document, once <see cref="FigureGuard"/> has found every figure finite.</summary>
    /// <param name="value">The result.</param>
    /// <param name="source">The input the result comes from, for the guard's message.</param>
    public static string Serialize<T>(T value, string source = "")
    {
        FigureGuard.Ensure(value, source);
        return JsonSerializer.Serialize(value, Options);
    }
}
