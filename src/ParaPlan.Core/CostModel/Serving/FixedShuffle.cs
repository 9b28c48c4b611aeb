namespace ParaPlan.CostModel.Serving;

/// <summary>
/// Fisher-Yates shuffles driven by a fixed linear congruential sequence (Knuth's MMIX constants), independent of the
/// runtime's <see cref="Random"/>: the same seed gives the same order on every machine and .NET version.
/// </summary>
internal static class FixedShuffle
{
    /// <summary>The seed the burst simulation's output lengths are shuffled with.</summary>
    public const ulong DefaultSeed = 0x9E3779B97F4A7C15UL;

    /// <summary>Shuffles <paramref name="items"/> in place.</summary>
    public static void Shuffle<T>(T[] items, ulong seed = DefaultSeed)
    {
        ulong state = seed;
        for (int i = items.Length - 1; i > 0; i--)
        {
            state = unchecked((state * 6364136223846793005UL) + 1442695040888963407UL);
            int j = (int)((state >> 33) % (ulong)(i + 1));
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
