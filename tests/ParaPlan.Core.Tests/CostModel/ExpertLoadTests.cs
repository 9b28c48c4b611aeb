using ParaPlan.CostModel.Physics;

namespace ParaPlan.Tests.CostModel;

public class ExpertLoadTests
{
    [Fact]
    public void Activated_fraction_follows_1_minus_1_minus_k_over_E_to_the_tokens()
    {
        // One token picks 8 of 128 experts: 1/16 of them. 64 tokens: 1 - (15/16)^64 = 0.98399.
        Assert.Equal(8.0 / 128, ExpertLoad.ActivatedFraction(1, 8, 128), 12);
        Assert.Equal(1 - Math.Pow(15.0 / 16, 64), ExpertLoad.ActivatedFraction(64, 8, 128), 12);
    }

    [Fact]
    public void The_busiest_rank_sits_sqrt_2_ln_ep_deviations_above_the_mean()
    {
        // 64 tokens, top-8 of 128 experts over 8 ranks: mean 64 assignments per rank, variance
        // 64 x (8/8)(7/8)(120/127) = 52.91, so 1 + sqrt(2 ln 8) x 7.274 / 64 = 1.2318.
        double variance = 64 * 1.0 * (7.0 / 8) * 120 / 127;
        double expected = 1 + (Math.Sqrt(2 * Math.Log(8)) * Math.Sqrt(variance) / 64);
        Assert.Equal(expected, ExpertLoad.UniformImbalance(64, 8, 128, 8), 12);
        Assert.Equal(1.2318, ExpertLoad.UniformImbalance(64, 8, 128, 8), 4);
    }

    [Fact]
    public void Large_batches_balance_and_one_rank_has_no_imbalance()
    {
        Assert.True(ExpertLoad.UniformImbalance(100_000, 8, 128, 8) < 1.01);
        Assert.Equal(1, ExpertLoad.UniformImbalance(64, 8, 128, 1));
    }

    [Fact]
    public void Zipf_skew_loads_the_rank_holding_the_most_popular_expert()
    {
        // 4 experts on 2 ranks, exponent 1: weights 1, 1/2, 1/3, 1/4 (sum 25/12); rank 0 holds ranks 0 and 2: 4/3.
        Assert.Equal((4.0 / 3) / (25.0 / 12) * 2, ExpertLoad.SkewImbalance(1, 4, 2), 12);
        Assert.Equal(1, ExpertLoad.SkewImbalance(0, 128, 8));
    }
}
