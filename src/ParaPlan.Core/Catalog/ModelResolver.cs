using ParaPlan.Domain;
using ParaPlan.Input;

namespace ParaPlan.Catalog;

/// <summary>
/// Finds a model from what a user wrote: a catalog id (or alias), or a path to a Hugging Face <c>config.json</c>
/// (or to a scenario whose <c>model</c> is inline).
/// </summary>
public static class ModelResolver
{
    /// <param name="reference">The id or path.</param>
    /// <param name="baseDirectory">Folder relative paths are taken from (the scenario's folder), tried before the working folder.</param>
    /// <param name="file">The file the reference was written in, for messages ("" on the command line).</param>
    /// <param name="field">The field the reference was written in, for messages.</param>
    /// <param name="line">Line of the reference, for messages.</param>
    /// <param name="assumptions">Receives each default applied.</param>
    /// <param name="chain">
    /// The files a chain of <c>model:</c> references has gone through to get here, the one holding this reference
    /// last (a scenario's model: the scenario): a file already in it is a cycle, and a chain longer than
    /// <see cref="InputLimits.MaxModelFileChain"/> files is refused.
    /// </param>
    /// <param name="allowFiles">False to refuse a file reference (a scenario sent to the web API).</param>
    public static ResolvedModel Resolve(string reference, string? baseDirectory, string file, string field, int line, ICollection<string> assumptions, IReadOnlyList<string>? chain = null, bool allowFiles = true)
    {
        ArgumentNullException.ThrowIfNull(reference);
        string text = reference.Trim();
        if (ModelCatalog.BuiltIn.TryGet(text, out CatalogModel entry))
        {
            return new ResolvedModel(entry.Architecture, entry.Id, entry, entry.Notes);
        }

        if (!allowFiles && LooksLikePath(text))
        {
            throw new InputException(file, field, $"'{text}' names a file; a scenario sent to the server cannot name files on it: give a catalog id ({string.Join(", ", ModelCatalog.BuiltIn.Ids.Take(3))}, ...) or the architecture inline (the config.json's keys under model:).", line);
        }

        string? path = allowFiles ? FindFile(text, baseDirectory) : null;
        if (path is not null)
        {
            return FromFile(path, assumptions, Follow(chain ?? [], path, text, file, field, line));
        }

        if (LooksLikePath(text))
        {
            throw new InputException(file, field, $"no model file at '{text}'{(baseDirectory is null ? string.Empty : $" (looked in {baseDirectory} and the working folder)")}.", line);
        }

        IReadOnlyList<string> close = ModelCatalog.BuiltIn.Suggest(text);
        string hint = close.Count > 0 ? $"; did you mean {string.Join(" or ", close.Select(c => $"'{c}'"))}?" : ".";
        throw new InputException(
            file, field,
            $"unknown model '{text}'{hint} Known models: {string.Join(", ", ModelCatalog.BuiltIn.Ids)}; or give the path of a Hugging Face config.json, or the architecture inline.",
            line);
    }

    /// <summary>Reads a model from a file: a Hugging Face config, an inline model map, or a scenario with a model.</summary>
    public static ResolvedModel FromFile(string path, ICollection<string> assumptions) => FromFile(path, assumptions, [path]);

    private static ResolvedModel FromFile(string path, ICollection<string> assumptions, IReadOnlyList<string> chain)
    {
        InputNode node = DocumentLoader.LoadFile(path);
        var notes = new List<string>();
        if (HuggingFaceConfigReader.LooksLikeConfig(node))
        {
            ModelArchitecture model = HuggingFaceConfigReader.Read(node, path, null, assumptions, notes);
            return new ResolvedModel(model, path, null, notes);
        }

        var map = new MapReader(node, path);
        if (map.Has("model"))
        {
            InputNode modelNode = map.Get("model")!;
            if (modelNode is MapNode)
            {
                return new ResolvedModel(InlineModelReader.Read(new MapReader(modelNode, path), assumptions), path, null, notes);
            }

            string inner = map.String("model")!;
            return Resolve(inner, Path.GetDirectoryName(Path.GetFullPath(path)), path, "model", modelNode.Line, assumptions, chain);
        }

        if (map.Has("num_hidden_layers"))
        {
            return new ResolvedModel(InlineModelReader.Read(map, assumptions), path, null, notes);
        }

        throw new InputException(path, string.Empty, "this is neither a Hugging Face config.json (no model_type) nor a scenario with a 'model' field.", node.Line);
    }

    /// <summary>The chain with <paramref name="path"/> added, or a message when it closes a cycle or grows too long.</summary>
    private static List<string> Follow(IReadOnlyList<string> chain, string path, string reference, string file, string field, int line)
    {
        string full = Path.GetFullPath(path);
        int seen = chain.Select(Path.GetFullPath).ToList().IndexOf(full);
        if (seen >= 0)
        {
            string cycle = string.Join(" -> ", chain.Skip(seen).Append(path).Select(Path.GetFileName));
            throw new InputException(file, field, seen == chain.Count - 1
                ? $"'{reference}' is this file itself, so the model is never defined; give a catalog id, the path of a config.json, or the architecture inline."
                : $"'{reference}' leads back to a file already read: the model files refer to one another in a cycle ({cycle}); give a catalog id, the path of a config.json, or the architecture inline.", line);
        }

        if (chain.Count >= InputLimits.MaxModelFileChain)
        {
            throw new InputException(file, field, $"'{reference}' would be file {chain.Count + 1} of a chain of model references ({string.Join(" -> ", chain.Append(path).Select(Path.GetFileName))}); ParaPlan follows at most {InputLimits.MaxModelFileChain} files: name the config.json directly.", line);
        }

        return [.. chain, path];
    }

    private static string? FindFile(string text, string? baseDirectory)
    {
        if (baseDirectory is not null && !Path.IsPathRooted(text))
        {
            string candidate = Path.Combine(baseDirectory, text);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return File.Exists(text) ? text : null;
    }

    private static bool LooksLikePath(string text) =>
        text.Contains('/', StringComparison.Ordinal) || text.Contains('\\', StringComparison.Ordinal)
        || text.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || text.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)
        || text.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);
}
