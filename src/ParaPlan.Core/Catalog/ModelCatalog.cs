using ParaPlan.Domain;
using ParaPlan.Input;

namespace ParaPlan.Catalog;

/// <summary>
/// The built-in models: Hugging Face <c>config.json</c> files under data/models, listed with their provenance in
/// data/models/index.json, compiled into the assembly and read through <see cref="HuggingFaceConfigReader"/>.
/// </summary>
public sealed class ModelCatalog
{
    private const string Prefix = "ParaPlan.Data.Models.";
    private const string IndexFile = "index.json";
    private static readonly Lazy<ModelCatalog> Lazy = new(Load);
    private readonly Dictionary<string, CatalogModel> _models;
    private readonly Dictionary<string, string> _aliases;

    private ModelCatalog(Dictionary<string, CatalogModel> models, Dictionary<string, string> aliases)
    {
        _models = models;
        _aliases = aliases;
    }

    public static ModelCatalog BuiltIn => Lazy.Value;

    public IReadOnlyList<string> Ids => [.. _models.Keys.Order(StringComparer.Ordinal)];

    public IEnumerable<CatalogModel> All => Ids.Select(id => _models[id]);

    public bool TryGet(string idOrAlias, out CatalogModel model)
    {
        ArgumentNullException.ThrowIfNull(idOrAlias);
        string key = idOrAlias.Trim().ToLowerInvariant();
        if (_aliases.TryGetValue(key, out string? id))
        {
            key = id;
        }

        return _models.TryGetValue(key, out model!);
    }

    /// <summary>Close matches among ids and aliases, for "unknown model" messages.</summary>
    public IReadOnlyList<string> Suggest(string text) =>
        [.. CloseMatches.Find(text, Ids.Concat(_aliases.Keys), 8)
            .Select(name => _aliases.TryGetValue(name, out string? id) ? id : name)
            .Distinct(StringComparer.Ordinal)
            .Take(4)];

    private static ModelCatalog Load()
    {
        const string indexPath = "data/models/" + IndexFile;
        InputNode index = DocumentLoader.Parse(EmbeddedData.ReadText(Prefix, IndexFile), indexPath);
        if (index is not ListNode entries)
        {
            throw new InputException(indexPath, string.Empty, "expected a list of models.");
        }

        var models = new Dictionary<string, CatalogModel>(StringComparer.Ordinal);
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (InputNode entryNode in entries.Items)
        {
            var entry = new MapReader(entryNode, indexPath);
            string id = entry.RequiredString("id").Trim().ToLowerInvariant();
            string fileName = entry.RequiredString("file");
            string displayName = entry.String("display_name") ?? id;
            string file = $"data/models/{fileName}";
            var notes = new List<string>();
            var assumptions = new List<string>();
            InputNode config = DocumentLoader.Parse(EmbeddedData.ReadText(Prefix, fileName), file);
            ModelArchitecture architecture = HuggingFaceConfigReader.Read(config, file, displayName, assumptions, notes);
            notes.AddRange(assumptions);
            var aliasList = new List<string>();
            if (entry.Get("aliases") is ListNode aliasNodes)
            {
                foreach (InputNode alias in aliasNodes.Items)
                {
                    if (alias is ScalarNode { Text: { } text })
                    {
                        aliasList.Add(text);
                        aliases[text.Trim().ToLowerInvariant()] = id;
                    }
                }
            }

            string repo = entry.String("hf_repo") ?? string.Empty;
            string source = entry.String("source") ?? string.Empty;
            models[id] = new CatalogModel(id, displayName, repo, source, aliasList, architecture, notes)
            {
                Checkpoints = ReadCheckpoints(entry, repo, architecture, indexPath),
            };
        }

        return new ModelCatalog(models, aliases);
    }

    /// <summary>
    /// The base repo (its weights in the format its config states: quantization_config, else bf16) and the entry's
    /// <c>checkpoints</c>: other published repos of the same model by weight format, each with its model page as source.
    /// </summary>
    private static List<ModelCheckpoint> ReadCheckpoints(MapReader entry, string repo, ModelArchitecture architecture, string indexPath)
    {
        var checkpoints = new List<ModelCheckpoint>();
        if (repo.Length > 0)
        {
            checkpoints.Add(new ModelCheckpoint(repo, architecture.CheckpointPrecision?.Weights ?? NumericFormat.Bf16, $"https://huggingface.co/{repo}"));
        }

        if (entry.Get("checkpoints") is ListNode list)
        {
            foreach (InputNode item in list.Items)
            {
                var checkpoint = new MapReader(item, indexPath);
                string format = checkpoint.RequiredString("weights");
                if (!NumericFormats.TryParse(format, out NumericFormat weights))
                {
                    throw checkpoint.Fail("weights", $"unknown precision '{format}'.");
                }

                checkpoints.Add(new ModelCheckpoint(checkpoint.RequiredString("repo"), weights, checkpoint.RequiredString("source")));
            }
        }

        return checkpoints;
    }
}
