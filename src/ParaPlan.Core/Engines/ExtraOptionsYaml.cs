using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ParaPlan.Engines;

/// <summary>The keys of a YAML mapping as dotted paths (kv_cache_config.free_gpu_memory_fraction) with their scalar values.</summary>
internal static class ExtraOptionsYaml
{
    public static IReadOnlyList<(string Path, string? Scalar)> Leaves(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new FormatException("the extra options are not valid YAML: " + e.Message, e);
        }

        var leaves = new List<(string, string?)>();
        if (stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root)
        {
            Walk(root, "", leaves);
        }

        return leaves;
    }

    private static void Walk(YamlMappingNode mapping, string prefix, List<(string, string?)> leaves)
    {
        foreach (KeyValuePair<YamlNode, YamlNode> entry in mapping.Children)
        {
            string path = prefix + ((YamlScalarNode)entry.Key).Value;
            switch (entry.Value)
            {
                case YamlMappingNode child:
                    leaves.Add((path, null));
                    Walk(child, path + ".", leaves);
                    break;
                case YamlScalarNode scalar:
                    leaves.Add((path, scalar.Value));
                    break;
                default:
                    leaves.Add((path, null));
                    break;
            }
        }
    }
}
