using System.Globalization;
using System.Text;

namespace ParaPlan.Input;

/// <summary>Reads a YAML or JSON file (by extension, else by its first character) into an <see cref="InputNode"/> tree.</summary>
public static class DocumentLoader
{
    private const int Chunk = 64 * 1024;

    public static InputNode LoadFile(string path) => Parse(ReadText(path), path);

    /// <summary>
    /// The text of <paramref name="path"/>, read to at most <paramref name="maxBytes"/> bytes (a larger file, or a
    /// device such as /dev/zero, is refused without reading it to the end), or a message naming the file and why it
    /// cannot be read.
    /// </summary>
    public static string ReadText(string path, long maxBytes = InputLimits.MaxFileBytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
            return Decode(ReadBounded(stream, path, maxBytes));
        }
        catch (FileNotFoundException)
        {
            throw new InputException(path, string.Empty, "no such file.");
        }
        catch (DirectoryNotFoundException)
        {
            throw new InputException(path, string.Empty, "no such file (the folder does not exist).");
        }
        catch (UnauthorizedAccessException)
        {
            throw new InputException(path, string.Empty, Directory.Exists(path) ? "this is a folder, not a file." : "the file cannot be read (permission denied).");
        }
        catch (IOException ex)
        {
            throw new InputException(path, string.Empty, $"the file cannot be read ({ex.Message}).");
        }
    }

    public static InputNode Parse(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw Binary(file);
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            throw new InputException(file, string.Empty, "the file is empty.");
        }

        if (text.Length > InputLimits.MaxFileBytes)
        {
            throw TooLarge(file, text.Length, InputLimits.MaxFileBytes, exact: false);
        }

        string extension = Path.GetExtension(file).ToLowerInvariant();
        bool json = extension == ".json" || (extension is not (".yaml" or ".yml") && text.TrimStart().StartsWith('{'));
        return json ? JsonDocumentParser.Parse(text, file) : YamlDocumentParser.Parse(text, file);
    }

    /// <summary>
    /// The bytes of <paramref name="stream"/>, at most <paramref name="maxBytes"/>: a regular file's size is checked
    /// before reading; anything else (a pipe, a device) is read in chunks and refused once it passes the limit, or as
    /// soon as a chunk holds a NUL byte (binary data; UTF-16 and UTF-32 text, whose byte-order mark says so, excepted).
    /// </summary>
    internal static byte[] ReadBounded(Stream stream, string path, long maxBytes)
    {
        if (stream.CanSeek && stream.Length > maxBytes)
        {
            throw TooLarge(path, stream.Length, maxBytes, exact: true);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[Chunk];
        bool wide = false;
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length == 0)
            {
                wide = read >= 2 && ((chunk[0] == 0xFF && chunk[1] == 0xFE) || (chunk[0] == 0xFE && chunk[1] == 0xFF) || (read >= 4 && chunk[0] == 0 && chunk[1] == 0 && chunk[2] == 0xFE && chunk[3] == 0xFF));
            }

            if (!wide && Array.IndexOf(chunk, (byte)0, 0, read) >= 0)
            {
                throw Binary(path);
            }

            if (buffer.Length + read > maxBytes)
            {
                throw TooLarge(path, buffer.Length + read, maxBytes, exact: false);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static string Decode(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    private static InputException Binary(string file) =>
        new(file, string.Empty, "the file is binary, not YAML or JSON text.");

    private static InputException TooLarge(string file, long size, long maxBytes, bool exact) =>
        new(file, string.Empty, exact
            ? string.Create(CultureInfo.InvariantCulture, $"the file holds {size:N0} bytes, more than the {InputLimits.Mebibytes(maxBytes)} ({maxBytes:N0} bytes) ParaPlan reads; is it the file you meant?")
            : string.Create(CultureInfo.InvariantCulture, $"the file holds more than the {InputLimits.Mebibytes(maxBytes)} ({maxBytes:N0} bytes) ParaPlan reads; is it the file you meant?"));
}
