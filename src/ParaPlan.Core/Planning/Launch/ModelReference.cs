using ParaPlan.Domain;

namespace ParaPlan.Planning;

/// <summary>
/// What an engine is told to load: a Hugging Face repo id (the scenario's <c>model_repo</c>, else the catalog's checkpoint
/// at the plan's weight format, else the catalog's base repo), a local directory (a scenario that read a config.json),
/// or a placeholder for an inline model. <see cref="Quantize"/> is the weight format the engine must produce on load
/// when the checkpoint named is not already in the plan's format.
/// </summary>
public sealed record ModelReference(string Name, NumericFormat? Quantize, IReadOnlyList<string> Notes)
{
    /// <summary>The placeholder printed for an inline model with no <c>model_repo</c>.</summary>
    public const string Placeholder = "MODEL_PATH";

    public static ModelReference Of(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        NumericFormat wanted = scenario.Precision.Weights;
        if (scenario.ModelRepo is { } given)
        {
            return new ModelReference(given, null, []);
        }

        if (scenario.Checkpoints.Count > 0)
        {
            ModelCheckpoint? match = scenario.Checkpoints.FirstOrDefault(c => Same(c.Weights, wanted));
            if (match is not null)
            {
                return new ModelReference(match.Repo, null, []);
            }

            ModelCheckpoint baseRepo = scenario.Checkpoints[0];
            string note = $"no published {wanted.FileName()} checkpoint of {scenario.ModelSource} is known: {baseRepo.Repo} holds {baseRepo.Weights.FileName()} weights";
            return new ModelReference(baseRepo.Repo, Bits(wanted) < Bits(baseRepo.Weights) ? wanted : null, [note]);
        }

        if (scenario.ModelSource == "inline")
        {
            return new ModelReference(Placeholder, null,
                [$"{Placeholder}: the inline model has no checkpoint; replace it with the Hugging Face repo id or local directory of its weights (or give model_repo in the scenario)"]);
        }

        // A config.json read from disk: the engines load the directory that holds it (and the weights beside it).
        string directory = Path.GetDirectoryName(scenario.ModelSource) is { Length: > 0 } d ? d : ".";
        return new ModelReference(directory, null, [$"{directory}: the directory of {scenario.ModelSource}; the checkpoint's weights must be there"]);
    }

    /// <summary>BF16 and FP16 checkpoints serve either 16-bit plan (engines cast with --dtype); other formats must match.</summary>
    /// NVIDIA's "FP4" checkpoints are NVFP4, so a plain fp4 plan takes them too.
    private static bool Same(NumericFormat a, NumericFormat b) =>
        a == b || (Bits(a) == 16 && Bits(b) == 16) || (a is NumericFormat.Fp4 or NumericFormat.Nvfp4 && b is NumericFormat.Fp4 or NumericFormat.Nvfp4);

    private static int Bits(NumericFormat format) => format switch
    {
        NumericFormat.Fp8 or NumericFormat.Int8 => 8,
        NumericFormat.Fp4 or NumericFormat.Int4 or NumericFormat.Mxfp4 or NumericFormat.Nvfp4 => 4,
        _ => 16,
    };
}
