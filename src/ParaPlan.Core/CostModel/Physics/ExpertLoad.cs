namespace ParaPlan.CostModel.Physics;

/// <summary>
/// Statistics of top-k routing: how many of a rank's experts a batch touches, and how much more than the mean the
/// busiest EP rank receives. See docs/cost-model.md ("MoE load").
/// </summary>
public static class ExpertLoad
{
    /// <summary>
    /// Expected fraction of experts at least one of <paramref name="tokens"/> tokens selects, each token picking
    /// <paramref name="topK"/> of <paramref name="experts"/> uniformly: 1 - (1 - k/E)^tokens.
    /// </summary>
    public static double ActivatedFraction(double tokens, int topK, int experts) =>
        tokens <= 0 ? 0 : 1 - Math.Pow(1 - ((double)topK / experts), tokens);

    /// <summary>
    /// Busiest-rank load over the mean under uniform routing: per rank the assignments of <paramref name="tokens"/>
    /// tokens have mean mu = tokens x k / ep and variance tokens x (k/ep)(1 - 1/ep)(E - k)/(E - 1); the maximum of
    /// ep such loads sits about sqrt(2 ln ep) standard deviations above the mean (Gumbel limit of the maximum of
    /// normal variables). Never more than the load of a rank that receives every token's experts. With
    /// <paramref name="redundant"/> copies of R experts (EPLB), each copied expert's load splits between its two
    /// slots: of the E experts' load variance, R experts' contribute a quarter twice, so a rank's variance scales by
    /// (E - R/2) / E.
    /// </summary>
    public static double UniformImbalance(double tokens, int topK, int experts, int expertParallel, int redundant = 0)
    {
        if (expertParallel <= 1 || tokens <= 0)
        {
            return 1;
        }

        double ep = expertParallel;
        double mean = tokens * topK / ep;
        double variance = tokens * (topK / ep) * (1 - (1 / ep)) * (experts - topK) / Math.Max(1, experts - 1);
        variance *= (experts - (Math.Min(redundant, experts) / 2.0)) / Math.Max(1, experts);
        double factor = 1 + (Math.Sqrt(2 * Math.Log(ep)) * Math.Sqrt(variance) / mean);
        double ceiling = Math.Min(topK, (double)(experts + redundant) / expertParallel) * ep / topK;
        return Math.Min(factor, ceiling);
    }

    /// <summary>
    /// Busiest-rank share over the mean when expert popularity follows a Zipf law with exponent
    /// <paramref name="skew"/> (0 = uniform) and the experts are dealt to ranks in popularity order (rank r holds
    /// popularity ranks r, r + ep, ...), the placement a static balancer would choose: ep x the largest rank share.
    /// With <paramref name="redundant"/> slots the R most popular experts are copied (EPLB), each copy taking half of
    /// its expert's load, and the E + R slots are dealt the same way in order of their load.
    /// </summary>
    public static double SkewImbalance(double skew, int experts, int expertParallel, int redundant = 0)
    {
        if (skew <= 0 || expertParallel <= 1)
        {
            return 1;
        }

        int copied = Math.Clamp(redundant, 0, experts);
        var slots = new List<double>(experts + copied);
        double total = 0;
        for (int i = 0; i < experts; i++)
        {
            double weight = Math.Pow(i + 1, -skew);
            total += weight;
            if (i < copied)
            {
                slots.Add(weight / 2);
                slots.Add(weight / 2);
            }
            else
            {
                slots.Add(weight);
            }
        }

        slots.Sort((a, b) => b.CompareTo(a));
        var ranks = new double[expertParallel];
        for (int i = 0; i < slots.Count; i++)
        {
            ranks[i % expertParallel] += slots[i];
        }

        return ranks.Max() / total * expertParallel;
    }
}
