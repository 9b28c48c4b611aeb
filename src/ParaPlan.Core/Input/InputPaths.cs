namespace ParaPlan.Input;

internal static class InputPaths
{
    public static string Child(string parent, string key) => parent.Length == 0 ? key : $"{parent}.{key}";

    public static string Item(string parent, int index) => $"{parent}[{index}]";

    /// <summary>The top-level key a path starts with ("description" for description[0][0]...), "(document)" for the root.</summary>
    public static string Top(string path)
    {
        int cut = path.IndexOfAny(['.', '[']);
        return cut > 0 ? path[..cut] : path.Length == 0 ? "(document)" : path;
    }
}
