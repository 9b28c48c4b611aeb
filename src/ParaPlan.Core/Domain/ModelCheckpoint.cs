namespace ParaPlan.Domain;

/// <summary>
/// A published checkpoint of a model that engines can load by name (a Hugging Face repo id), the format of its weights
/// and where that was found (the model page).
/// </summary>
public sealed record ModelCheckpoint(string Repo, NumericFormat Weights, string Source);
