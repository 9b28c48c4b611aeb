namespace ParaPlan.Validation.Fitting;

/// <summary>
/// A value a fit may change, the range it may take and where that range comes from: a fitted value has to stay
/// inside what a cited measurement makes plausible, and one that ends at either end of its range fails the fit
/// (the model lacks something the fit is bending the value to absorb).
/// </summary>
/// <param name="Key">The value's name, as in data/efficiency/profiles.json (or a harness value's).</param>
/// <param name="Min">Lowest value allowed.</param>
/// <param name="Max">Highest value allowed.</param>
/// <param name="Range">Where the range comes from.</param>
/// <param name="FloorMeansNone">True when the lowest value means "no such cost" (a harness whose client keeps up), which is an answer rather than a bound the fit ran into.</param>
public sealed record FitParameter(string Key, double Min, double Max, string Range, bool FloorMeansNone = false)
{
    /// <summary>True when <paramref name="value"/> sits within 1% of the range's width of an end the fit may not rest on.</summary>
    public bool AtBound(double value) =>
        (!FloorMeansNone && value <= Min + (0.01 * (Max - Min))) || value >= Max - (0.01 * (Max - Min));
}
