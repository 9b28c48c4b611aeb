namespace ParaPlan.CostModel.Serving.Simulation;

/// <summary>
/// Weighted values in logarithmic buckets (0.5% wide, 1 us to 10^7 ms): percentiles of every gap between tokens
/// without keeping each gap. A percentile is the geometric middle of its bucket (within 0.25%); the mean is exact.
/// </summary>
internal sealed class LatencyHistogram
{
    private const double Lowest = 1e-3;
    private const double Ratio = 1.005;
    private static readonly double LogRatio = Math.Log(Ratio);
    private static readonly int Buckets = (int)Math.Ceiling(Math.Log(1e7 / Lowest) / LogRatio) + 1;
    private readonly double[] _weights = new double[Buckets];
    private double _sum;
    private double _weight;

    public double Count => _weight;

    public double Mean => _weight > 0 ? _sum / _weight : 0;

    public void Add(double value, double weight)
    {
        if (!(weight > 0) || !double.IsFinite(value))
        {
            return;
        }

        _weights[Bucket(value)] += weight;
        _sum += value * weight;
        _weight += weight;
    }

    public double Percentile(double q)
    {
        if (_weight <= 0)
        {
            return 0;
        }

        double target = q * _weight, seen = 0;
        for (int i = 0; i < _weights.Length; i++)
        {
            seen += _weights[i];
            if (seen >= target && _weights[i] > 0)
            {
                return Lowest * Math.Pow(Ratio, i + 0.5);
            }
        }

        return Lowest * Math.Pow(Ratio, _weights.Length - 0.5);
    }

    private static int Bucket(double value) =>
        value <= Lowest ? 0 : Math.Min(Buckets - 1, (int)(Math.Log(value / Lowest) / LogRatio));
}
