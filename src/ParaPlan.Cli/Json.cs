namespace ParaPlan.Cli;

/// <summary>The contract's JSON (<see cref="ContractJson"/>) written to the command's output.</summary>
internal static class Json
{
    /// <summary>Writes <paramref name="value"/> as one JSON document, once <see cref="FigureGuard"/> has found every figure finite.</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="value">The result.</param>
    /// <param name="source">The input file the result comes from, for the guard's message.</param>
    public static void Write<T>(TextWriter output, T value, string source = "") => output.WriteLine(ContractJson.Serialize(value, source));
}
