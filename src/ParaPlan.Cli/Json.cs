using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ParaPlan.Cli;

/// <summary>The contract's JSON conventions: snake_case keys, one indented document.</summary>
internal static class Json
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

    /// <summary>Writes <paramref name="value"/> as one JSON document, once <see cref="FigureGuard"/> has found every figure finite.</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="value">The result.</param>
    /// <param name="source">The input file the result comes from, for the guard's message.</param>
    public static void Write<T>(TextWriter output, T value, string source = "")
    {
        FigureGuard.Ensure(value, source);
        output.WriteLine(JsonSerializer.Serialize(value, Options));
    }
}
