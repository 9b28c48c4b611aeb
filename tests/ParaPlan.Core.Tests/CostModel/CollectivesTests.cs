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

    [Fact]
    public void An_all_reduce_across_nodes_reduces_inside_each_node_and_crosses_the_network_once_per_GPU_share()
    {
        // 2 nodes of 8, 1.6 GB: inside a node a reduce-scatter and an all-gather of the whole buffer (7/8 x 1.6e9 at
        // 400 GB/s = 3.5 ms each, plus 3 latencies of 1 us each), across the nodes an all-reduce of 1/8 of it (0.2 GB)
        // over each GPU's 50 GB/s NIC: 2 x 1/2 x 0.2e9 / 50e9 = 4 ms plus 2 latencies of 5 us.
        double expected = (2 * (0.0035 + 3e-6)) + (0.004 + 10e-6);
        Assert.Equal(expected, Collectives.HierarchicalAllReduce(8, 2, 1.6e9, 400e9, 1e-6, 50e9, 5e-6), 12);
    }
}

