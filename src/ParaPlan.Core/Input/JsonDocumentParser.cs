using System.Text;
using System.Text.Json;

namespace ParaPlan.Input;

/// <summary>
/// Parses JSON text into <see cref="InputNode"/>s, keeping line numbers; comments and trailing commas allowed. Nesting
/// is bounded (<see cref="InputLimits.MaxDepth"/>) and the values counted (<see cref="InputLimits.MaxValues"/>).
/// </summary>
internal static class JsonDocumentParser
{
    public static InputNode Parse(string text, string file)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        int[] lineStarts = JsonTextPositions.LineStarts(bytes);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions
        {
            AllowTrailingCommas = true,
            CommentHandling = JsonCommentHandling.Skip,

            // The reader's own limit sits above ours, so that ours (with its clearer message) is met first.
            MaxDepth = InputLimits.MaxDepth + 2,
        });
        var counter = new ValueCounter();
        try
        {
            if (!reader.Read())
            {
                throw new InputException(file, string.Empty, "the file holds no JSON value (it is empty).");
            }

            InputNode root = ReadValue(ref reader, string.Empty, file, lineStarts, 0, counter);
            if (reader.Read())
            {
                throw new InputException(file, string.Empty, "unexpected text after the end of the JSON document.", JsonTextPositions.LineOf(lineStarts, reader.TokenStartIndex));
            }

            return root;
        }
        catch (JsonException ex)
        {
            int line = ex.LineNumber is { } l ? (int)l + 1 : 0;
            throw new InputException(file, string.Empty, $"not valid JSON ({JsonTextPositions.Describe(ex)}); is the file truncated or mis-typed?", line);
        }
    }

    private static InputNode ReadValue(ref Utf8JsonReader reader, string path, string file, int[] lineStarts, int depth, ValueCounter counter)
    {
        int line = JsonTextPositions.LineOf(lineStarts, reader.TokenStartIndex);
        if (++counter.Values > InputLimits.MaxValues)
        {
            throw new InputException(file, InputPaths.Top(path), $"the file holds more than {InputLimits.MaxValues:N0} values (objects, arrays and scalars), the most ParaPlan reads; is it the file you meant?", line);
        }

        if ((reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) && depth >= InputLimits.MaxDepth)
        {
            throw new InputException(file, InputPaths.Top(path), $"objects and arrays are nested more than {InputLimits.MaxDepth} deep, the most ParaPlan reads; is the file what you meant?", line);
        }

        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                {
                    var entries = new List<KeyValuePair<string, InputNode>>();
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                    {
                        string key = reader.GetString() ?? string.Empty;
                        int keyLine = JsonTextPositions.LineOf(lineStarts, reader.TokenStartIndex);
                        string childPath = InputPaths.Child(path, key);
                        if (!seen.Add(key))
                        {
                            throw new InputException(file, childPath, "the key appears twice in the same map.", keyLine);
                        }

                        reader.Read();
                        entries.Add(new(key, ReadValue(ref reader, childPath, file, lineStarts, depth + 1, counter)));
                    }

                    return new MapNode(path, line, entries);
                }

            case JsonTokenType.StartArray:
                {
                    var items = new List<InputNode>();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        items.Add(ReadValue(ref reader, InputPaths.Item(path, items.Count), file, lineStarts, depth + 1, counter));
                    }

                    return new ListNode(path, line, items);
                }

            case JsonTokenType.String:
                return new ScalarNode(path, line, reader.GetString(), IsQuoted: true);
            case JsonTokenType.Number:
                return new ScalarNode(path, line, Encoding.UTF8.GetString(reader.ValueSpan), IsQuoted: false);
            case JsonTokenType.True:
                return new ScalarNode(path, line, "true", IsQuoted: false);
            case JsonTokenType.False:
                return new ScalarNode(path, line, "false", IsQuoted: false);
            case JsonTokenType.Null:
                return new ScalarNode(path, line, null, IsQuoted: false);
            default:
                throw new InputException(file, path, $"unexpected JSON token {reader.TokenType}.", line);
        }
    }

    private sealed class ValueCounter
    {
        public int Values { get; set; }
    }
}
