using System.Globalization;
using ParaPlan.Domain;

namespace ParaPlan.Input;

/// <summary>
/// Reads the fields of one map of a scenario, catalog or config file, with typed accessors that fail with an
/// <see cref="InputException"/> naming the file, the dotted field path and the problem.
/// </summary>
public sealed class MapReader
{
    private readonly Dictionary<string, InputNode> _entries;

    public MapReader(InputNode node, string file)
    {
        ArgumentNullException.ThrowIfNull(node);
        File = file;
        if (node is not MapNode map)
        {
            throw new InputException(file, node.Path.Length == 0 ? "(document)" : node.Path, $"expected a map of keys and values, found {node.Describe()}.", node.Line);
        }

        Node = map;
        _entries = new Dictionary<string, InputNode>(StringComparer.Ordinal);
        foreach ((string key, InputNode value) in map.Entries)
        {
            _entries[key] = value;
        }
    }

    public string File { get; }

    public MapNode Node { get; }

    public IEnumerable<string> Keys => Node.Entries.Select(e => e.Key);

    public string PathOf(string key) => InputPaths.Child(Node.Path, key);

    public bool Has(string key) => _entries.TryGetValue(key, out InputNode? value) && value is not ScalarNode { IsNull: true };

    /// <summary>The raw node for <paramref name="key"/>, or null when absent or null.</summary>
    public InputNode? Get(string key) =>
        _entries.TryGetValue(key, out InputNode? value) && value is not ScalarNode { IsNull: true } ? value : null;

    /// <summary>Fails on the first key not in <paramref name="known"/>, suggesting the closest known keys.</summary>
    public void RejectUnknownKeys(IReadOnlyCollection<string> known, string what)
    {
        foreach (KeyValuePair<string, InputNode> entry in Node.Entries)
        {
            if (!known.Contains(entry.Key))
            {
                string hint = CloseMatches.Suggestion(entry.Key, known);
                throw Fail(entry.Key, $"unknown key in {what}{(hint.Length > 0 ? hint : $"; the keys allowed here are {string.Join(", ", known)}")}", entry.Value);
            }
        }
    }

    public InputException Fail(string key, string problem, InputNode? at = null) =>
        new(File, PathOf(key), problem, (at ?? Get(key))?.Line ?? Node.Line);

    public InputException Missing(string key, string? hint = null) =>
        new(File, PathOf(key), $"required field is missing{(hint is null ? "." : $" ({hint}).")}", Node.Line);

    public MapReader? Map(string key)
    {
        InputNode? node = Get(key);
        return node is null ? null : new MapReader(node, File);
    }

    public string? String(string key)
    {
        InputNode? node = Get(key);
        if (node is null)
        {
            return null;
        }

        if (node is not ScalarNode scalar)
        {
            throw Fail(key, $"expected a single value, found {node.Describe()}.", node);
        }

        return scalar.Text;
    }

    public string RequiredString(string key) => String(key) ?? throw Missing(key);

    public bool? Bool(string key)
    {
        string? text = String(key);
        return text?.Trim().ToLowerInvariant() switch
        {
            null => null,
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => throw Fail(key, $"expected true or false, found '{text}'."),
        };
    }

    /// <summary>A finite number; scientific notation (10e9) is allowed.</summary>
    public double? Number(string key)
    {
        InputNode? node = Get(key);
        if (node is null)
        {
            return null;
        }

        return ParseNumber(node, key);
    }

    /// <summary>A number that must be above 0.</summary>
    public double? PositiveNumber(string key)
    {
        double? value = Number(key);
        if (value is { } v && v <= 0)
        {
            throw Fail(key, $"must be above 0; got {Format(v)}.");
        }

        return value;
    }

    public double RequiredPositiveNumber(string key) => PositiveNumber(key) ?? throw Missing(key);

    /// <summary>A whole number of at least <paramref name="minimum"/>.</summary>
    public int? Integer(string key, int minimum = 1)
    {
        InputNode? node = Get(key);
        if (node is null)
        {
            return null;
        }

        return ParseInteger(node, key, minimum);
    }

    public int RequiredInteger(string key, int minimum = 1, string? hint = null) => Integer(key, minimum) ?? throw Missing(key, hint);

    public int ParseInteger(InputNode node, string key, int minimum)
    {
        double value = ParseNumber(node, key);
        if (value != Math.Floor(value))
        {
            throw Fail(key, $"must be a whole number; got {Format(value)}.", node);
        }

        if (value < minimum)
        {
            string rule = minimum switch
            {
                1 => "must be at least 1 (zero and negative sizes are not allowed)",
                0 => "must be 0 or more",
                _ => $"must be at least {minimum}",
            };
            throw Fail(key, $"{rule}; got {Format(value)}.", node);
        }

        if (value > int.MaxValue)
        {
            throw Fail(key, $"is too large ({Format(value)}).", node);
        }

        return (int)value;
    }

    /// <summary>A number within <paramref name="limit"/>.</summary>
    public double? Number(string key, FieldLimit limit)
    {
        InputNode? node = Get(key);
        return node is null ? null : ParseNumber(node, key, limit);
    }

    public double RequiredNumber(string key, FieldLimit limit, string? hint = null) => Number(key, limit) ?? throw Missing(key, hint);

    /// <summary>A whole number within <paramref name="limit"/>.</summary>
    public int? Integer(string key, FieldLimit limit)
    {
        InputNode? node = Get(key);
        return node is null ? null : ParseInteger(node, key, limit);
    }

    public int RequiredInteger(string key, FieldLimit limit, string? hint = null) => Integer(key, limit) ?? throw Missing(key, hint);

    public double ParseNumber(InputNode node, string key, FieldLimit limit)
    {
        ArgumentNullException.ThrowIfNull(limit);
        double value = ParseNumber(node, key);
        CheckRange(node, key, value, limit);
        return value;
    }

    public int ParseInteger(InputNode node, string key, FieldLimit limit)
    {
        ArgumentNullException.ThrowIfNull(limit);
        double value = ParseNumber(node, key);
        if (value != Math.Floor(value))
        {
            throw Fail(key, $"must be a whole number; got {Format(value)}.", node);
        }

        CheckRange(node, key, value, limit);
        return (int)value;
    }

    private void CheckRange(InputNode node, string key, double value, FieldLimit limit)
    {
        if (limit.AboveMinimum ? value <= limit.Minimum : value < limit.Minimum)
        {
            string rule = (limit.Minimum, limit.AboveMinimum) switch
            {
                (0, true) => "must be above 0",
                (1, false) => "must be at least 1 (zero and negative sizes are not allowed)",
                (0, false) => "must be 0 or more",
                (_, true) => $"must be above {FieldLimits.Text(limit.Minimum)}",
                _ => $"must be at least {FieldLimits.Text(limit.Minimum)}",
            };
            throw Fail(key, $"{rule}; got {Format(value)}.", node);
        }

        if (value > limit.Maximum)
        {
            string written = node is ScalarNode { Text: { } text } ? text.Trim() : Format(value);
            throw Fail(key, limit.TooLarge(written), node);
        }
    }

    public double ParseNumber(InputNode node, string key)
    {
        if (node is not ScalarNode { Text: { } text } scalar)
        {
            throw Fail(key, $"expected a number, found {node.Describe()}.", node);
        }

        string cleaned = text.Trim().Replace("_", string.Empty, StringComparison.Ordinal);
        if (scalar.IsQuoted && cleaned.Length == 0)
        {
            throw Fail(key, "expected a number, found an empty string.", node);
        }

        if (!double.TryParse(cleaned, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            throw Fail(key, $"expected a number, found '{text}'.", node);
        }

        return value;
    }

    internal static string Format(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
