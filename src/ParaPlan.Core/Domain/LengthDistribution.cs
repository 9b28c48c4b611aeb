using System.Globalization;

namespace ParaPlan.Domain;

/// <summary>How the lengths of a workload's prompts or outputs are spread.</summary>
public enum LengthKind
{
    /// <summary>Every request the same length.</summary>
    Fixed,

    /// <summary>Uniform over whole numbers from the minimum to the maximum (a range {min, max}).</summary>
    Uniform,

    /// <summary>Lognormal with a stated mean and sigma (the standard deviation of the log), cut to [min, max].</summary>
    Lognormal,

    /// <summary>The lengths a trace file gives, request by request.</summary>
    Trace,
}

/// <summary>
/// The law a workload's prompt or output lengths follow (docs/serving-at-a-rate.md, "Lengths"). Sampling is
/// driven by the simulation's own generator (<see cref="SplitMix64"/>), so a seed gives the same lengths on
/// every machine.
/// </summary>
public sealed record LengthDistribution
{
    private LengthDistribution(LengthKind kind, int min, int max, double mean, double sigma, string? source)
    {
        Kind = kind;
        Min = min;
        Max = max;
        Mean = mean;
        Sigma = sigma;
        Source = source;
    }

    public LengthKind Kind { get; }

    /// <summary>Shortest length drawn.</summary>
    public int Min { get; }

    /// <summary>Longest length drawn (for a lognormal, its cut): what requirements "over the whole range" are costed at.</summary>
    public int Max { get; }

    /// <summary>The mean length (of the cut lognormal: the mean of what is drawn, computed once by quadrature).</summary>
    public double Mean { get; }

    /// <summary>The lognormal's sigma; 0 otherwise.</summary>
    public double Sigma { get; }

    /// <summary>Where a named distribution's parameters come from (null for the user's own).</summary>
    public string? Source { get; }

    public static LengthDistribution Fixed(int tokens) => new(LengthKind.Fixed, Guard.Positive(tokens, nameof(tokens)), tokens, tokens, 0, null);

    public static LengthDistribution Uniform(int min, int max)
    {
        Guard.Positive(min, nameof(min));
        Guard.Positive(max, nameof(max));
        if (max < min)
        {
            throw new ArgumentOutOfRangeException(nameof(max), max, $"max must be at least min {min}; got {max}.");
        }

        return new(min == max ? LengthKind.Fixed : LengthKind.Uniform, min, max, (min + (double)max) / 2, 0, null);
    }

    /// <summary>
    /// A lognormal of log-spread <paramref name="sigma"/> cut to [<paramref name="min"/>, <paramref name="max"/>] by
    /// clamping each draw, with mu solved (bisection; the clamped mean rises with mu) so that what is drawn averages
    /// <paramref name="mean"/>.
    /// </summary>
    public static LengthDistribution Lognormal(double mean, double sigma, int min, int max, string? source = null)
    {
        Guard.Positive(mean, nameof(mean));
        Guard.NonNegative(sigma, nameof(sigma));
        Guard.Positive(min, nameof(min));
        Guard.Positive(max, nameof(max));
        if (max < min)
        {
            throw new ArgumentOutOfRangeException(nameof(max), max, $"max must be at least min {min}; got {max}.");
        }

        if (mean < min || mean > max)
        {
            throw new ArgumentOutOfRangeException(nameof(mean), mean, $"the mean must lie within {min}..{max}.");
        }

        double lo = Math.Log(min) - (10 * sigma) - 1, hi = Math.Log(max) + (10 * sigma) + 1;
        for (int i = 0; i < 100; i++)
        {
            double mid = (lo + hi) / 2;
            if (ClampedLognormalMean(mid, sigma, min, max) < mean)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        double mu = (lo + hi) / 2;
        return new(LengthKind.Lognormal, min, max, mean, sigma, source) { Mu = mu };
    }

    /// <summary>
    /// ShareGPT as the engines' benchmarks draw it (<c>vllm bench serve --dataset-name sharegpt</c>, SGLang's
    /// <c>bench_serving</c> default): prompts and outputs of at least 4 tokens, prompts of at most 1,024 and prompt plus
    /// output at most 2,048 (vLLM's filter, vllm/benchmarks/datasets.py); means 214 and 200 tokens (the
    /// 1,000-prompt runs of the GPUStack performance lab, data/validation/gpustack-performance-lab.json); the
    /// sigma of 1.0 is an assumption (no published fit was found).
    /// </summary>
    public static (LengthDistribution Input, LengthDistribution Output) ShareGpt() =>
        (Lognormal(ShareGptMeanInput, ShareGptSigma, 4, 1024, ShareGptSource), Lognormal(ShareGptMeanOutput, ShareGptSigma, 4, 1024, ShareGptSource));

    public const double ShareGptMeanInput = 214;
    public const double ShareGptMeanOutput = 200;
    public const double ShareGptSigma = 1.0;
    public const string ShareGptSource = "ShareGPT: means 214 and 200 tokens from the GPUStack performance lab's 1,000-prompt runs (data/validation), lengths 4..1,024 from vLLM's ShareGPT filter; sigma 1.0 assumed (no published fit)";

    /// <summary>The lengths of a trace: their range and mean (the trace itself gives each request's).</summary>
    public static LengthDistribution FromTrace(IReadOnlyCollection<int> lengths)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        if (lengths.Count == 0)
        {
            throw new ArgumentException("a trace needs at least one request.", nameof(lengths));
        }

        return new(LengthKind.Trace, lengths.Min(), lengths.Max(), lengths.Average(), 0, null);
    }

    /// <summary>The lognormal's mu (mean of the log of the uncut length); 0 otherwise.</summary>
    public double Mu { get; private init; }

    /// <summary>The range the analytical model costs: requirements must hold at <see cref="Max"/>, throughput at the mean.</summary>
    public TokenRange Range => Kind switch
    {
        LengthKind.Fixed => TokenRange.Fixed(Min),
        LengthKind.Uniform => new TokenRange(Min, Max),
        _ => new TokenRange(Min, Max, Mean),
    };

    /// <summary>One length.</summary>
    public int Sample(SplitMix64 random)
    {
        ArgumentNullException.ThrowIfNull(random);
        switch (Kind)
        {
            case LengthKind.Uniform:
                return Min + (int)(random.NextDouble() * (Max - Min + 1));
            case LengthKind.Lognormal:
                double draw = Math.Exp(Mu + (Sigma * random.NextGaussian()));
                return (int)Math.Clamp(Math.Round(draw), Min, Max);
            default:
                return (int)Math.Round(Mean);
        }
    }

    public override string ToString() => Kind switch
    {
        LengthKind.Fixed => Min.ToString(CultureInfo.InvariantCulture),
        LengthKind.Uniform => string.Create(CultureInfo.InvariantCulture, $"uniform {Min}..{Max}"),
        LengthKind.Lognormal => string.Create(CultureInfo.InvariantCulture, $"lognormal (mean {Mean:0}, sigma {Sigma:0.##}, {Min}..{Max})"),
        _ => string.Create(CultureInfo.InvariantCulture, $"from the trace (mean {Mean:0}, {Min}..{Max})"),
    };

    /// <summary>E[clamp(X, a, b)] for ln X ~ N(mu, sigma^2): a P(X &lt; a) + b P(X &gt; b) + the partial expectation between them.</summary>
    private static double ClampedLognormalMean(double mu, double sigma, double a, double b)
    {
        if (sigma == 0)
        {
            return Math.Clamp(Math.Exp(mu), a, b);
        }

        double za = (Math.Log(a) - mu) / sigma;
        double zb = (Math.Log(b) - mu) / sigma;
        double between = Math.Exp(mu + (sigma * sigma / 2)) * (Normal.Cdf(zb - sigma) - Normal.Cdf(za - sigma));
        return (a * Normal.Cdf(za)) + (b * (1 - Normal.Cdf(zb))) + between;
    }
}

/// <summary>The standard normal's distribution function (Abramowitz and Stegun 7.1.26 for erf; absolute error below 1.5e-7).</summary>
internal static class Normal
{
    public static double Cdf(double z) => 0.5 * (1 + Erf(z / Math.Sqrt(2)));

    private static double Erf(double x)
    {
        double sign = Math.Sign(x);
        x = Math.Abs(x);
        double t = 1 / (1 + (0.3275911 * x));
        double poly = t * (0.254829592 + (t * (-0.284496736 + (t * (1.421413741 + (t * (-1.453152027 + (t * 1.061405429))))))));
        double y = 1 - (poly * Math.Exp(-x * x));
        return sign * y;
    }
}

/// <summary>
/// Steele, Lea and Flood's SplitMix64 generator (Java's SplittableRandom): a fixed sequence for a seed on every
/// machine and .NET version, unlike <see cref="Random"/>, whose algorithm is not promised.
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;
    private double? _spare;

    public ulong Next()
    {
        unchecked
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A standard normal draw (Marsaglia's polar method).</summary>
    public double NextGaussian()
    {
        if (_spare is { } spare)
        {
            _spare = null;
            return spare;
        }

        double u, v, s;
        do
        {
            u = (2 * NextDouble()) - 1;
            v = (2 * NextDouble()) - 1;
            s = (u * u) + (v * v);
        }
        while (s >= 1 || s == 0);

        double m = Math.Sqrt(-2 * Math.Log(s) / s);
        _spare = v * m;
        return u * m;
    }

    /// <summary>An exponential draw of mean 1.</summary>
    public double NextExponential() => -Math.Log(1 - NextDouble());

    /// <summary>
    /// A gamma draw of shape <paramref name="shape"/> and scale 1 (Marsaglia and Tsang 2000; for shape below 1 the
    /// boost U^(1/shape)).
    /// </summary>
    public double NextGamma(double shape)
    {
        if (shape < 1)
        {
            return NextGamma(shape + 1) * Math.Pow(NextDouble() + double.Epsilon, 1 / shape);
        }

        double d = shape - (1.0 / 3), c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = NextGaussian();
                v = 1 + (c * x);
            }
            while (v <= 0);

            v = v * v * v;
            double u = NextDouble();
            if (u < 1 - (0.0331 * x * x * x * x) || Math.Log(u) < (0.5 * x * x) + (d * (1 - v + Math.Log(v))))
            {
                return d * v;
            }
        }
    }
}
