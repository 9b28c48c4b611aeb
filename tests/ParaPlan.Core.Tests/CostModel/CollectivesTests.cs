using ParaPlan.CostModel.Physics;

namespace ParaPlan.Tests.CostModel;

public class CollectivesTests
{
    [Fact]
    public void Ring_all_reduce_moves_2_n_minus_1_over_n_of_the_buffer()
    {
        // 8 ranks, 1 GB, 100 GB/s, 1 us per step: 2 x 7/8 x 1e9 / 1e11 = 17.5 ms, plus 2 x log2(8) = 6 latencies.
        Assert.Equal(0.0175 + 6e-6, Collectives.RingAllReduce(8, 1e9, 100e9, 1e-6), 12);
    }

    [Fact]
    public void All_gather_moves_half_of_an_all_reduce()
    {
        Assert.Equal(0.00875 + 3e-6, Collectives.RingAllGather(8, 1e9, 100e9, 1e-6), 12);
    }

    [Fact]
    public void All_to_all_sends_the_share_that_leaves_the_rank()
    {
        // 4 ranks, 400 MB per rank: 3/4 leaves, at 100 GB/s = 3 ms, plus two latencies.
        Assert.Equal(0.003 + 2e-6, Collectives.AllToAll(4, 400e6, 100e9, 1e-6), 12);
    }

    [Fact]
    public void A_single_rank_communicates_nothing()
    {
        Assert.Equal(0, Collectives.RingAllReduce(1, 1e9, 100e9, 1e-6));
        Assert.Equal(0, Collectives.AllToAll(1, 1e9, 100e9, 1e-6));
    }
}
