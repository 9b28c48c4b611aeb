using System.Globalization;

namespace ParaPlan.Input;

/// <summary>
/// Bad input: names the file, the field (a dotted path such as <c>hardware.gpus</c>) and what is wrong with it.
/// The command line turns it into one line on standard error and exit code 2.
/// </summary>
public sealed class InputException : Exception
{
    public InputException(string file, string field, string problem, int line = 0)
        : base(Compose(file, field, problem, line))
    {
        File = file;
        Field = field;
        Problem = problem;
        Line = line;
    }

    public InputException()
        : this(string.Empty, string.Empty, "bad input")
    {
    }

    public InputException(string message)
        : this(string.Empty, string.Empty, message)
    {
    }

    public InputException(string message, Exception innerException)
        : base(message, innerException)
    {
        File = string.Empty;
        Field = string.Empty;
        Problem = message;
    }

    public string File { get; }

    public string Field { get; }

    public string Problem { get; }

    /// <summary>1-based line of the offending value; 0 when unknown.</summary>
    public int Line { get; }

    private static string Compose(string file, string field, string problem, int line)
    {
        string where = line > 0 ? string.Create(CultureInfo.InvariantCulture, $"{file}:{line}") : file;
        var parts = new List<string>(3);
        if (where.Length > 0)
        {
            parts.Add(where);
        }

        if (field.Length > 0)
        {
            parts.Add(field);
        }

        parts.Add(problem);
        return OneLine(string.Join(": ", parts));
    }

    /// <summary>
    /// The message as one line: line breaks and other control characters a file's text carried into it (a quoted
    /// value, a key) are written as escapes, so that bad input is always one line on standard error.
    /// </summary>
    public static string OneLine(string text)
    {
        if (!text.Any(char.IsControl))
        {
            return text;
        }

        var builder = new System.Text.StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            builder.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }
}
