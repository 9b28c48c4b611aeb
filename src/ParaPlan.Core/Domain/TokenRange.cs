namespace ParaPlan.Domain;

/// <summary>An inclusive range of token counts (a fixed length when <c>Min == Max</c>).</summary>
public sealed record TokenRange
{
    private readonly double? _mean;

    public TokenRange(int min, int max)
        : this(min, max, null)
    {
    }

    /// <summary>A range whose lengths are not spread evenly: <paramref name="mean"/> is their mean (a lognormal's, a trace's).</summary>
    public TokenRange(int min, int max, double? mean)
    {
        Min = Guard.Positive(min, nameof(min));
        Max = Guard.Positive(max, nameof(max));
        if (max < min)
        {
            throw new ArgumentOutOfRangeException(nameof(max), max, $"max must be at least min {min}; got {max}.");
        }

        if (mean is { } m && (!(m >= min) || !(m <= max)))
        {
            throw new ArgumentOutOfRangeException(nameof(mean), mean, $"the mean must lie within {min}..{max}.");
        }

        _mean = mean;
    }

    public static TokenRange Fixed(int tokens) => new(tokens, tokens);

    public int Min { get; }

    public int Max { get; }

    public bool IsFixed => Min == Max;

    public double Mean => _mean ?? ((Min + (double)Max) / 2.0);

    public override string ToString() => IsFixed ? $"{Min}" : $"{Min}..{Max}";
}
