using System.Globalization;
using System.Text.Json;
using ParaPlan.Input;

namespace ParaPlan.Calibration;

/// <summary>
/// Typed reads of one JSON object of a result file, failing with an <see cref="InputException"/> that names the
/// file, the line of the run and the dotted key. Figures must be finite and not negative; a missing or null key reads
/// as null.
/// </summary>
internal sealed class JsonFields
{
    private readonly JsonElement _element;

    public JsonFields(JsonElement element, string file, int line, string path)
    {
        _element = element;
        File = file;
        Line = line;
        Path = path;
    }

    public string File { get; }

    public int Line { get; }

    public string Path { get; }

    public string PathOf(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public bool Has(string key) => TryGet(key, out _);

    /// <summary>The value of <paramref name="key"/> when present and not null.</summary>
    public bool TryGet(string key, out JsonElement value)
    {
        if (_element.TryGetProperty(key, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        value = default;
        return false;
    }

    public InputException Fail(string key, string problem) => new(File, PathOf(key), problem, Line);

    public InputException Missing(string key, string why) => Fail(key, $"required key is missing ({why}).");

    /// <summary>A finite, non-negative number, or null when the key is absent or null.</summary>
    public double? Number(string key) =>
        TryGet(key, out JsonElement value) ? ParseNumber(value, problem => Fail(key, problem), allowInfinity: false) : null;

    public double RequiredNumber(string key, string why) => Number(key) ?? throw Missing(key, why);

    /// <summary>A request rate: like <see cref="Number"/>, but "inf" or Infinity read as positive infinity.</summary>
    public double? Rate(string key) =>
        TryGet(key, out JsonElement value) ? ParseNumber(value, problem => Fail(key, problem), allowInfinity: true) : null;

    /// <summary>A whole, non-negative number that fits an <see cref="int"/> (3.0 is accepted, 3.5 is not).</summary>
    public int? Whole(string key)
    {
        if (Number(key) is not { } value)
        {
            return null;
        }

        if (value != Math.Floor(value) || value > int.MaxValue)
        {
            throw Fail(key, string.Create(CultureInfo.InvariantCulture, $"expected a whole number of at most {int.MaxValue}, found {value}."));
        }

        return (int)value;
    }

    public int RequiredWhole(string key, string why) => Whole(key) ?? throw Missing(key, why);

    /// <summary>A string value (a number is returned as written); null when absent or null.</summary>
    public string? Text(string key)
    {
        if (!TryGet(key, out JsonElement value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => throw Fail(key, $"expected text, found {Describe(value)}."),
        };
    }

    /// <summary>The first string of a list, or the string itself (GenAI-Perf writes the model as a list).</summary>
    public string? FirstText(string key)
    {
        if (!TryGet(key, out JsonElement value) || value.ValueKind != JsonValueKind.Array)
        {
            return Text(key);
        }

        foreach (JsonElement item in value.EnumerateArray())
        {
            return item.ValueKind == JsonValueKind.String ? item.GetString() : throw Fail(key, $"expected a list of names, found {Describe(item)} in it.");
        }

        return null;
    }

    /// <summary>The nested object at <paramref name="key"/>, or null when absent or null.</summary>
    public JsonFields? Object(string key)
    {
        if (!TryGet(key, out JsonElement value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Object
            ? new JsonFields(value, File, Line, PathOf(key))
            : throw Fail(key, $"expected an object of keys and values, found {Describe(value)}.");
    }

    /// <summary>The list at <paramref name="key"/>, or null when absent or null.</summary>
    public JsonElement? List(string key)
    {
        if (!TryGet(key, out JsonElement value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Array ? value : throw Fail(key, $"expected a list, found {Describe(value)}.");
    }

    /// <summary>Reads a number as Python's json module writes it; <paramref name="fail"/> builds the error.</summary>
    public static double ParseNumber(JsonElement value, Func<string, InputException> fail, bool allowInfinity)
    {
        double number;
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                if (!value.TryGetDouble(out number) || !double.IsFinite(number))
                {
                    throw fail($"the number {Shorten(value.GetRawText())} is out of range.");
                }

                break;
            case JsonValueKind.String:
                string text = value.GetString() ?? string.Empty;
                if (text.Equals("inf", StringComparison.OrdinalIgnoreCase) || text.Equals("Infinity", StringComparison.OrdinalIgnoreCase)
                    || text.Equals("+inf", StringComparison.OrdinalIgnoreCase))
                {
                    return allowInfinity ? double.PositiveInfinity : throw fail("is Infinity; expected a finite number.");
                }

                if (text.Equals("NaN", StringComparison.OrdinalIgnoreCase))
                {
                    throw fail("is NaN (not a number); expected a finite number.");
                }

                if (text.Equals("-Infinity", StringComparison.OrdinalIgnoreCase) || text.Equals("-inf", StringComparison.OrdinalIgnoreCase))
                {
                    throw fail("is -Infinity; expected a finite number that is not negative.");
                }

                throw fail($"expected a number, found the text \"{Shorten(text)}\".");
            default:
                throw fail($"expected a number, found {Describe(value)}.");
        }

        return number < 0
            ? throw fail(string.Create(CultureInfo.InvariantCulture, $"is negative ({number}); a count, rate, length or latency cannot be below zero."))
            : number;
    }

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => $"the text \"{Shorten(value.GetString() ?? string.Empty)}\"",
        JsonValueKind.Number => $"the number {Shorten(value.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        _ => "null",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
