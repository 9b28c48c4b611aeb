using System.Reflection;

namespace ParaPlan.Web;

/// <summary>One example shipped in the repository's examples/ folder, compiled into the server.</summary>
/// <param name="Name">Its file name.</param>
/// <param name="Kind">"scenario" (plan, estimate, dag) or "plan" (a written plan with claims, for audit).</param>
/// <param name="Text">The file's text.</param>
internal sealed record Example(string Name, string Kind, string Text);

/// <summary>The examples one click away on the page and at <c>GET /api/examples</c>.</summary>
internal static class Examples
{
    public static IReadOnlyList<Example> All { get; } = Load();

    private static List<Example> Load()
    {
        Assembly assembly = typeof(Examples).Assembly;
        var list = new List<Example>();
        foreach (string resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("examples/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            string[] parts = resource.Split('/', 3);
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            list.Add(new Example(parts[2], parts[1], reader.ReadToEnd()));
        }

        // The README's example first: it is what the page opens with.
        return [.. list.OrderBy(e => e.Kind == "plan").ThenBy(e => e.Name != "qwen3-235b-8xh100.yaml").ThenBy(e => e.Name, StringComparer.Ordinal)];
    }
}
