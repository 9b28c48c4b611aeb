namespace ParaPlan.Input;

/// <summary>Reads a YAML or JSON file (by extension, else by its first character) into an <see cref="InputNode"/> tree.</summary>
public static class DocumentLoader
{
    public static InputNode LoadFile(string path) => Parse(ReadText(path), path);

    /// <summary>The text of <paramref name="path"/>, or a message naming the file and why it cannot be read.</summary>
    public static string ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
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
            throw new InputException(file, string.Empty, "the file is binary, not YAML or JSON text.");
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            throw new InputException(file, string.Empty, "the file is empty.");
        }

        string extension = Path.GetExtension(file).ToLowerInvariant();
        bool json = extension == ".json" || (extension is not (".yaml" or ".yml") && text.TrimStart().StartsWith('{'));
        return json ? JsonDocumentParser.Parse(text, file) : YamlDocumentParser.Parse(text, file);
    }
}
