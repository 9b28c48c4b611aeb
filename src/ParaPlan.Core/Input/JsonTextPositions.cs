using System.Globalization;
using System.Text.Json;

namespace ParaPlan.Input;

/// <summary>Line numbers in JSON text and a reader error in words, for messages that name the line.</summary>
internal static class JsonTextPositions
{
    /// <summary>The byte offset at which each line of <paramref name="bytes"/> starts.</summary>
    public static int[] LineStarts(byte[] bytes)
    {
        var starts = new List<int> { 0 };
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                starts.Add(i + 1);
            }
        }

        return [.. starts];
    }

    /// <summary>The 1-based line holding byte <paramref name="offset"/>.</summary>
    public static int LineOf(int[] lineStarts, long offset)
    {
        int index = Array.BinarySearch(lineStarts, (int)offset);
        return (index >= 0 ? index : ~index - 1) + 1;
    }

    /// <summary>The reader's message without its path and position suffix (the caller names the line).</summary>
    public static string Describe(JsonException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        string message = ex.Message;
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        }

        message = (cut > 0 ? message[..cut] : message).Trim().TrimEnd('.');
        return message.Length > 0 ? message : string.Create(CultureInfo.InvariantCulture, $"error at line {ex.LineNumber + 1}");
    }
}
