namespace ParaPlan.Input;

/// <summary>
/// What ParaPlan reads of one input document at most (docs/scenario-format.md, "Limits"), so that no file a user
/// gives it can exhaust memory, overflow the stack or run without end.
/// </summary>
public static class InputLimits
{
    /// <summary>
    /// Largest scenario, config, model, catalog, kernel-measurement, validation, harness or profiles file read:
    /// 16 MiB, twenty times the largest shipped data file (data/kernels/collectives.json, 0.76 MB).
    /// </summary>
    public const long MaxFileBytes = 16L * 1024 * 1024;

    /// <summary>Deepest nesting of lists and maps inside one another (the shipped files nest at most 6 deep).</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// Most values (maps, lists and scalars together) in one document: the largest shipped file holds 16,254, and a
    /// 16 MiB kernel file of the same kind would hold about 360,000.
    /// </summary>
    public const int MaxValues = 1_000_000;

    /// <summary>
    /// Most model files one <c>model:</c> reference is followed through (a scenario naming a file whose own
    /// <c>model:</c> names another, and so on).
    /// </summary>
    public const int MaxModelFileChain = 8;

    /// <summary>A byte count in MiB for messages: "16 MiB".</summary>
    internal static string Mebibytes(long bytes) =>
        (bytes / (1024.0 * 1024.0)).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " MiB";
}
