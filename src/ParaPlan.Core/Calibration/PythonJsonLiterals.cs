using System.Text;

namespace ParaPlan.Calibration;

/// <summary>
/// Python's <c>json.dumps</c> writes non-finite floats as the bare words <c>NaN</c>, <c>Infinity</c> and
/// <c>-Infinity</c> (SGLang's <c>"request_rate": Infinity</c>), which are not JSON. This turns each bare word outside
/// a string into a string, so a standard parser reads the file and the field reader decides whether the value is
/// allowed. Line and column positions are unchanged apart from the two quotes.
/// </summary>
internal static class PythonJsonLiterals
{
    private static readonly string[] Words = ["-Infinity", "Infinity", "NaN"];

    public static string QuoteNonFinite(string text)
    {
        StringBuilder? builder = null;
        int copied = 0;
        bool inString = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            if (c == '"')
            {
                inString = true;
                continue;
            }

            if (c is not ('N' or 'I' or '-') || WordAt(text, i) is not { } word)
            {
                continue;
            }

            builder ??= new StringBuilder(text.Length + 32);
            builder.Append(text, copied, i - copied).Append('"').Append(word).Append('"');
            i += word.Length - 1;
            copied = i + 1;
        }

        if (builder is null)
        {
            return text;
        }

        builder.Append(text, copied, text.Length - copied);
        return builder.ToString();
    }

    private static string? WordAt(string text, int index)
    {
        if (index > 0 && char.IsLetterOrDigit(text[index - 1]))
        {
            return null;
        }

        foreach (string word in Words)
        {
            int end = index + word.Length;
            if (end <= text.Length
                && string.CompareOrdinal(text, index, word, 0, word.Length) == 0
                && (end == text.Length || !char.IsLetterOrDigit(text[end])))
            {
                return word;
            }
        }

        return null;
    }
}
