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

    [Fact]
    public void Redundant_copies_of_the_most_popular_experts_even_out_the_ranks()
    {
        // The same 4 experts on 2 ranks with 2 redundant slots: experts 0 and 1 are copied, each copy taking half:
        // slots 1/2, 1/2, 1/3, 1/4, 1/4, 1/4 dealt in order of load: rank 0 gets 1/2 + 1/3 + 1/4 = 13/12, rank 1 gets 1.
        Assert.Equal((13.0 / 12) / (25.0 / 12) * 2, ExpertLoad.SkewImbalance(1, 4, 2, 2), 12);
        Assert.Equal(ExpertLoad.SkewImbalance(1, 4, 2), ExpertLoad.SkewImbalance(1, 4, 2, 0), 12);
    }

    [Fact]
    public void Under_uniform_routing_redundant_slots_shrink_a_ranks_variance_by_E_minus_R_over_2_over_E()
    {
        // 64 tokens, top-8 of 128 experts, ep 8, 32 redundant slots: the variance of the one-rank load times
        // (128 - 16) / 128 = 0.875, so the excess over the mean shrinks by sqrt(0.875).
        double without = ExpertLoad.UniformImbalance(64, 8, 128, 8) - 1;
        double with = ExpertLoad.UniformImbalance(64, 8, 128, 8, 32) - 1;
        Assert.Equal(Math.Sqrt(0.875), with / without, 12);
    }
}
