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
    /// normal variables). Never more than the load of a rank that receives every token's experts.
    /// </summary>
    public static double UniformImbalance(double tokens, int topK, int experts, int expertParallel)
    {
        if (expertParallel <= 1 || tokens <= 0)
        {
            return 1;
        }

        double ep = expertParallel;
        double mean = tokens * topK / ep;
        double variance = tokens * (topK / ep) * (1 - (1 / ep)) * (experts - topK) / Math.Max(1, experts - 1);
        double factor = 1 + (Math.Sqrt(2 * Math.Log(ep)) * Math.Sqrt(variance) / mean);
        double ceiling = Math.Min(topK, (double)experts / expertParallel) * ep / topK;
        return Math.Min(factor, ceiling);
    }

    /// <summary>
    /// Busiest-rank share over the mean when expert popularity follows a Zipf law with exponent
    /// <paramref name="skew"/> (0 = uniform) and the experts are dealt to ranks in popularity order (rank r holds
    /// popularity ranks r, r + ep, ...), the placement a static balancer would choose: ep x the largest rank share.
    /// </summary>
    public static double SkewImbalance(double skew, int experts, int expertParallel)
    {
        if (skew <= 0 || expertParallel <= 1)
        {
            return 1;
        }

        double total = 0;
        double busiest = 0;
        for (int i = 0; i < experts; i++)
        {
            double weight = Math.Pow(i + 1, -skew);
            total += weight;
            if (i % expertParallel == 0)
            {
                busiest += weight;
            }
        }

        return busiest / total * expertParallel;
    }
}
