using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ParaPlan.Input;

/// <summary>
/// Parses YAML text into <see cref="InputNode"/>s, keeping line numbers. Reads the parser's events one by one (no
/// representation model), so that nesting is bounded (<see cref="InputLimits.MaxDepth"/>), the values counted
/// (<see cref="InputLimits.MaxValues"/>) and aliases refused before anything is expanded: a YAML "billion laughs"
/// ends at its first alias.
/// </summary>
internal static class YamlDocumentParser
{
    public static InputNode Parse(string text, string file)
    {
        var reader = new EventReader(new Parser(new StringReader(text)), file);
        try
        {
            return reader.ReadDocument();
        }
        catch (YamlException ex)
        {
            int line = (int)ex.Start.Line;
            string problem = ex.InnerException?.Message ?? ex.Message;
            problem = StripPosition(problem);
            throw new InputException(file, string.Empty, $"not valid YAML ({problem}); is the file truncated or mis-indented?", line);
        }
        catch (InvalidOperationException ex) when (ex.TargetSite?.DeclaringType?.Namespace?.StartsWith("YamlDotNet", StringComparison.Ordinal) == true)
        {
            // YamlDotNet 16's scanner fails this way (not with a YamlException) on some unclosed flow collections,
            // e.g. "tp: {a: 1" at the start of a file (found by the fuzz test).
            throw new InputException(file, string.Empty, "not valid YAML (a '[' or '{' that is never closed, or a value the YAML scanner cannot end); is the file truncated or mis-typed?");
        }
    }

    private static string StripPosition(string message)
    {
        // "(Line: 3, Col: 5, Idx: 20) - (Line: 3, Col: 6, Idx: 21): While scanning ..." -> "While scanning ..."
        int marker = message.IndexOf("): ", StringComparison.Ordinal);
        return (marker >= 0 && message.StartsWith("(Line", StringComparison.Ordinal) ? message[(marker + 3)..] : message).Trim().TrimEnd('.');
    }

    private sealed class EventReader(IParser parser, string file)
    {
        private int _values;

        public InputNode ReadDocument()
        {
            Expect<StreamStart>();
            if (!Next() || parser.Current is StreamEnd)
            {
                throw new InputException(file, string.Empty, "the file holds no YAML document (it is empty).");
            }

            Require<DocumentStart>();
            Advance();
            InputNode root = ReadNode(string.Empty, depth: 0);
            Require<DocumentEnd>();
            Advance();
            if (parser.Current is DocumentStart another)
            {
                throw new InputException(file, string.Empty, "the file holds more than one YAML document ('---' starts another); one is expected.", Line(another));
            }

            return root;
        }

        /// <summary>Reads the value at the current event and leaves the parser on the event after it.</summary>
        private InputNode ReadNode(string path, int depth)
        {
            ParsingEvent current = parser.Current ?? throw Truncated();
            int line = Line(current);
            if (++_values > InputLimits.MaxValues)
            {
                throw new InputException(file, InputPaths.Top(path), $"the file holds more than {InputLimits.MaxValues:N0} values (maps, lists and scalars), the most ParaPlan reads; is it the file you meant?", line);
            }

            switch (current)
            {
                case AnchorAlias alias:
                    throw new InputException(file, FieldOf(path), $"YAML aliases (*{alias.Value}) are not supported; write the value out in full.", line);
                case Scalar scalar:
                    Advance();
                    return ToScalar(scalar, path, line);
                case SequenceStart:
                    {
                        CheckDepth(path, depth, line);
                        Advance();
                        var items = new List<InputNode>();
                        while (parser.Current is not SequenceEnd)
                        {
                            items.Add(ReadNode(InputPaths.Item(path, items.Count), depth + 1));
                        }

                        Advance();
                        return new ListNode(path, line, items);
                    }

                case MappingStart:
                    {
                        CheckDepth(path, depth, line);
                        Advance();
                        var entries = new List<KeyValuePair<string, InputNode>>();
                        var seen = new HashSet<string>(StringComparer.Ordinal);
                        while (parser.Current is not MappingEnd)
                        {
                            ParsingEvent keyEvent = parser.Current ?? throw Truncated();
                            if (keyEvent is AnchorAlias keyAlias)
                            {
                                throw new InputException(file, FieldOf(path), $"YAML aliases (*{keyAlias.Value}) are not supported; write the value out in full.", Line(keyEvent));
                            }

                            if (keyEvent is not Scalar { Value: { } key })
                            {
                                throw new InputException(file, FieldOf(path), "a map key must be a plain name.", Line(keyEvent));
                            }

                            string childPath = InputPaths.Child(path, key);
                            if (!seen.Add(key))
                            {
                                throw new InputException(file, childPath, "the key appears twice in the same map.", Line(keyEvent));
                            }

                            Advance();
                            entries.Add(new(key, ReadNode(childPath, depth + 1)));
                        }

                        Advance();
                        return new MapNode(path, line, entries);
                    }

                default:
                    throw new InputException(file, FieldOf(path), $"unexpected YAML content ({current.GetType().Name}).", line);
            }
        }

        private void CheckDepth(string path, int depth, int line)
        {
            if (depth >= InputLimits.MaxDepth)
            {
                throw new InputException(file, InputPaths.Top(path), $"lists and maps are nested more than {InputLimits.MaxDepth} deep, the most ParaPlan reads; is the file what you meant?", line);
            }
        }

        private static ScalarNode ToScalar(Scalar scalar, string path, int line)
        {
            bool quoted = scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded;
            string? value = scalar.Value;
            if (!quoted && (value.Length == 0 || value is "~" or "null" or "Null" or "NULL"))
            {
                value = null;
            }

            return new ScalarNode(path, line, value, quoted);
        }

        private bool Next() => parser.MoveNext();

        private void Advance()
        {
            if (!parser.MoveNext())
            {
                throw Truncated();
            }
        }

        private void Expect<T>()
            where T : ParsingEvent
        {
            Advance();
            Require<T>();
        }

        private void Require<T>()
            where T : ParsingEvent
        {
            if (parser.Current is not T)
            {
                throw new InputException(file, string.Empty, $"not valid YAML (unexpected {parser.Current?.GetType().Name ?? "end of file"}).", parser.Current is { } e ? Line(e) : 0);
            }
        }

        private InputException Truncated() => new(file, string.Empty, "not valid YAML (the file ends in the middle of a value); is the file truncated?");

        private static int Line(ParsingEvent e) => (int)e.Start.Line;

        private static string FieldOf(string path) => path.Length == 0 ? "(document)" : path;
    }
}
