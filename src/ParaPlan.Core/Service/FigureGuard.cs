using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using ParaPlan.Input;

namespace ParaPlan.Service;

/// <summary>
/// The last guard before a result is printed: every figure in it must be a finite number (and, for the cost model's
/// figures, not negative). Inputs are bounded when they are read (docs/scenario-format.md, "Limits"), so this should
/// never fire; if it does, the command fails with one line naming the figure instead of printing NaN or Infinity (or
/// a JSON document no reader accepts).
/// </summary>
public static class FigureGuard
{
    /// <summary>Nesting followed at most; results are a few levels deep.</summary>
    private const int MaxDepth = 32;

    private static readonly ConcurrentDictionary<Type, (PropertyInfo Property, string Name)[]> Properties = new();

    /// <summary>Fails when some figure of <paramref name="result"/> is NaN or infinite, or negative when <paramref name="nonNegative"/>.</summary>
    /// <param name="result">What the command is about to print.</param>
    /// <param name="source">The input file the result comes from, for the message ("" when none).</param>
    /// <param name="nonNegative">True when every figure is a quantity (times, sizes, rates) that cannot be below 0.</param>
    public static void Ensure(object? result, string source, bool nonNegative = false)
    {
        if (FirstBad(result, string.Empty, nonNegative, 0, new HashSet<object>(ReferenceEqualityComparer.Instance)) is { } bad)
        {
            string what = double.IsNaN(bad.Value) ? "NaN (not a number)" : double.IsInfinity(bad.Value) ? "infinite" : bad.Value.ToString("G6", CultureInfo.InvariantCulture) + ", below 0";
            throw new InputException(source, bad.Path, $"this figure came out {what}, so the result is not printed; an input is beyond what the cost model handles (please report it with the input).");
        }
    }

    private static (string Path, double Value)? FirstBad(object? value, string path, bool nonNegative, int depth, HashSet<object> seen)
    {
        switch (value)
        {
            case null or string or bool or Enum or Delegate:
                return null;
            case double d:
                return Bad(d, nonNegative) ? (path, d) : null;
            case float f:
                return Bad(f, nonNegative) ? (path, f) : null;
        }

        Type type = value.GetType();
        if (type.IsPrimitive || value is decimal || depth >= MaxDepth || (!type.IsValueType && !seen.Add(value)))
        {
            return null;
        }

        if (value is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                if (FirstBad(entry.Value, Child(path, Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty), nonNegative, depth + 1, seen) is { } bad)
                {
                    return bad;
                }
            }

            return null;
        }

        if (value is IEnumerable items)
        {
            int index = 0;
            foreach (object? item in items)
            {
                if (FirstBad(item, $"{path}[{index++}]", nonNegative, depth + 1, seen) is { } bad)
                {
                    return bad;
                }
            }

            return null;
        }

        foreach ((PropertyInfo property, string name) in Properties.GetOrAdd(type, Readable))
        {
            if (FirstBad(property.GetValue(value), Child(path, name), nonNegative, depth + 1, seen) is { } bad)
            {
                return bad;
            }
        }

        return null;
    }

    /// <summary>The properties JSON writes, with their JSON names.</summary>
    private static (PropertyInfo Property, string Name)[] Readable(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod is not null && !p.IsDefined(typeof(JsonIgnoreAttribute)))
            .Select(p => (p, p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name)))];

    private static bool Bad(double value, bool nonNegative) => !double.IsFinite(value) || (nonNegative && value < 0);

    private static string Child(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
