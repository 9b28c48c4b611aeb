using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace ParaPlan.Cli;

/// <summary>
/// The command line's parse errors as one line on standard error, like every other bad input: what is wrong (with the
/// option it concerns) and where the help is. System.CommandLine's own messages span several lines (the values an
/// option accepts, one per line); they are joined.
/// </summary>
internal static partial class ParseErrors
{
    public static string OneLine(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        IEnumerable<string> problems = parse.Errors.Select(Describe).Distinct(StringComparer.Ordinal);
        string command = string.Join(' ', CommandPath(parse.CommandResult));
        string help = command.Length > 0 ? $"paraplan {command} --help" : "paraplan --help";
        return $"paraplan: error: {string.Join("; ", problems)} (see '{help}').";
    }

    private static string Describe(ParseError error)
    {
        string message = Collapse(error.Message);
        return error.SymbolResult is OptionResult { Option: { } option } && !message.Contains(option.Name, StringComparison.Ordinal)
            ? $"{option.Name}: {message}"
            : message;
    }

    /// <summary>"Must be one of:\n\t'text'\n\t'json'" -> "Must be one of: 'text', 'json'"; type names in words.</summary>
    private static string Collapse(string message)
    {
        string[] lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string text = lines.Length <= 1 ? message.Trim() : lines[0] + " " + string.Join(", ", lines.Skip(1));
        text = text.Replace("'System.Int32'", "'whole number'", StringComparison.Ordinal)
            .Replace("'System.Double'", "'number'", StringComparison.Ordinal)
            .Replace("'System.Boolean'", "'true or false'", StringComparison.Ordinal);
        return Whitespace().Replace(text, " ").TrimEnd('.');
    }

    private static Stack<string> CommandPath(SymbolResult? result)
    {
        var names = new Stack<string>();
        for (SymbolResult? current = result; current is not null; current = current.Parent)
        {
            if (current is CommandResult { Command: { } command } && command is not RootCommand)
            {
                names.Push(command.Name);
            }
        }

        return names;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
