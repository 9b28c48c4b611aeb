using ParaPlan.CostModel;
using ParaPlan.CostModel.Serving.Simulation;
using ParaPlan.Domain;

namespace ParaPlan.Tests.Serving;

/// <summary>
/// The request-by-request simulation with step times simple enough to follow by hand (docs/serving-at-a-rate.md,
/// "The simulation"): a decode step of 10 ms whatever the batch, a prefill step of 0.1 ms per prompt token.
/// </summary>
public sealed class RequestSimulationTests
{
    private static SimulationInput Input(IReadOnlyList<SimulatedRequest> requests, int maxRunning = 256, double kvTokens = 1e9, int? clients = null, int groups = 1, int instances = 1) => new()
    {
        Requests = requests,
        Clients = clients,
        Instances = instances,
        GroupsPerInstance = groups,
        MaxRunning = maxRunning,
        KvTokenCapacity = kvTokens,
        BatchedTokens = 1000,
        StepOverheadMs = 0,
        ArrivalDelayMs = 2,
        DecodeStepMs = (_, _) => 10,
        PrefillStepMs = (tokens, _) => 0.1 * tokens,
    };

    /// <summary>Poisson arrivals at <paramref name="rate"/> per second (a fixed seed), every request 100 tokens in and <paramref name="output"/> out.</summary>
    private static List<SimulatedRequest> Poisson(double rate, int count, int output = 100, ulong seed = 7)
    {
        var random = new SplitMix64(seed);
        var list = new List<SimulatedRequest>(count);
        double t = 0;
        for (int i = 0; i < count; i++)
        {
            t += i == 0 ? 0 : random.NextExponential() / rate * 1000;
            list.Add(new SimulatedRequest(t, 100, output));
        }

        return list;
    }

    [Fact]
    public void One_request_alone_is_its_delay_its_prefill_and_one_decode_step_per_further_token()
    {
        // Sent at 0, queued at 2 ms; its 100-token prompt is one 10 ms step: first token at 12 ms. Four more tokens,
        // 10 ms each: the last at 52 ms. TPOT (52 - 12) / 4 = 10 ms; every gap between tokens 10 ms.
        ServingSimulationReport r = RequestSimulation.Run(Input([new SimulatedRequest(0, 100, 5)]));
        Assert.Equal(12, r.Latency.TtftMs.Mean, 9);
        Assert.Equal(52, r.Latency.E2eMs.Mean, 9);
        Assert.Equal(10, r.Latency.TpotMs.Mean, 9);
        Assert.Equal(10, r.Latency.ItlMs.Mean, 9);
        Assert.Equal(10, r.Latency.ItlMs.P99, 0.1); // a histogram bucket is 0.5% wide
        Assert.Equal(0, r.Preemptions);
        Assert.False(r.Saturated);
    }

    [Fact]
    public void A_prompt_arriving_during_decode_shares_the_next_step_and_stretches_that_gap()
    {
        // Request A (1 token in, 3 out) at 0: queued at 2, prefilled by 2.1, decodes at 12.1 and 22.1. Request B
        // (100 in, 2 out) sent at 5 is queued at 7 and rides the step that starts at 12.1 with A's decode:
        // 10 ms of prefill + 10 ms of decode = 20 ms, so A's second gap is 20 ms and B's first token comes at 32.1.
        ServingSimulationReport r = RequestSimulation.Run(Input([new SimulatedRequest(0, 1, 3), new SimulatedRequest(5, 100, 2)]));
        // A: first token 2.1 (TTFT 2.1), then 12.1, 32.1. B: first 32.1 (TTFT 27.1), last 42.1.
        Assert.Equal((2.1 + 27.1) / 2, r.Latency.TtftMs.Mean, 6);
        Assert.Equal(((32.1 - 2.1) / 2 + (42.1 - 32.1)) / 2, r.Latency.TpotMs.Mean, 6);
    }

    [Fact]
    public void Littles_law_holds_on_the_simulated_output()
    {
        // 10,000 requests at 20 per second, each about 1 s in the system: L = lambda x W within 5%, lambda being the
        // rate the clients actually sent at.
        ServingSimulationReport r = RequestSimulation.Run(Input(Poisson(20, 10_000)));
        double w = r.Latency.E2eMs.Mean / 1000;
        Assert.InRange(r.MeanRunningSequences / (r.OfferedRequestsPerS * w), 0.95, 1.05);
        Assert.InRange(r.AchievedRequestsPerS / r.OfferedRequestsPerS, 0.95, 1.05);
        Assert.False(r.Saturated);
    }

    [Fact]
    public void Percentiles_are_ordered_for_every_latency()
    {
        ServingSimulationReport r = RequestSimulation.Run(Input(Poisson(20, 4_000)));
        foreach (LatencySummary l in new[] { r.Latency.TtftMs, r.Latency.TpotMs, r.Latency.ItlMs, r.Latency.E2eMs })
        {
            Assert.True(l.P50 <= l.P90 && l.P90 <= l.P99, $"{l.P50} <= {l.P90} <= {l.P99}");
            Assert.True(l.P50 > 0);
        }
    }

    [Fact]
    public void P90_TTFT_rises_with_the_rate()
    {
        // With room for 8 sequences of 100 output tokens (1 s each) the deployment drains about 8 requests/s; below
        // that the queue for a slot, and so the P90 TTFT, grows with the rate.
        double[] p90 = [.. new[] { 2.0, 4.0, 6.0, 7.0 }.Select(rate => RequestSimulation.Run(Input(Poisson(rate, 4_000), maxRunning: 8)).Latency.TtftMs.P90)];
        for (int i = 1; i < p90.Length; i++)
        {
            Assert.True(p90[i] > p90[i - 1], $"P90 TTFT {string.Join(", ", p90)} ms should rise with the rate");
        }
    }

    [Fact]
    public void Past_capacity_the_output_says_saturated_and_the_achieved_rate_is_the_capacity()
    {
        // 8 slots x one request per (10.2 ms prefill-and-first-token + 99 x 10 ms) = 8 / 1.0002 s: about 8 requests/s.
        ServingSimulationReport below = RequestSimulation.Run(Input(Poisson(6, 4_000), maxRunning: 8));
        ServingSimulationReport above = RequestSimulation.Run(Input(Poisson(12, 4_000), maxRunning: 8));
        Assert.False(below.Saturated);
        Assert.True(above.Saturated);
        Assert.InRange(above.AchievedRequestsPerS, 7.0, 8.1);
        Assert.True(above.BacklogGrowth > 0.2, $"backlog growth {above.BacklogGrowth}: a third of the requests cannot be drained");
    }

    [Fact]
    public void The_same_seed_gives_the_same_output_and_another_seed_another()
    {
        ServingSimulationReport a = RequestSimulation.Run(Input(Poisson(20, 2_000, seed: 1)));
        ServingSimulationReport b = RequestSimulation.Run(Input(Poisson(20, 2_000, seed: 1)));
        ServingSimulationReport c = RequestSimulation.Run(Input(Poisson(20, 2_000, seed: 2)));
        Assert.Equal(a.Latency, b.Latency);
        Assert.Equal(a.MeanRunningSequences, b.MeanRunningSequences);
        Assert.NotEqual(a.Latency.E2eMs.P99, c.Latency.E2eMs.P99);
    }

    [Fact]
    public void A_full_KV_pool_preempts_the_newest_sequence_and_every_token_is_still_produced()
    {
        // Pool of 1,000 tokens; 10 requests of 100 in and 200 out all admitted at once (1,000 prompt tokens) grow past
        // it at their first decode step: sequences are preempted and recomputed, and all 2,000 tokens come out.
        var burst = Enumerable.Range(0, 10).Select(_ => new SimulatedRequest(0, 100, 200)).ToList();
        ServingSimulationReport r = RequestSimulation.Run(Input(burst, kvTokens: 1_000));
        Assert.True(r.Preemptions > 0);
        Assert.Equal(2_000, r.OutputTokensPerS * r.DurationMs / 1000, 6);
        Assert.True(r.PeakKvPoolUse <= 1.0 + 1e-9, $"peak KV use {r.PeakKvPoolUse}");
    }

    [Fact]
    public void A_prompt_longer_than_the_pool_is_dropped_not_looped_on()
    {
        ServingSimulationReport r = RequestSimulation.Run(Input([new SimulatedRequest(0, 5_000, 10), new SimulatedRequest(0, 100, 10)], kvTokens: 1_000));
        Assert.Equal(1, r.RejectedRequests);
        Assert.Equal(12, r.Latency.TtftMs.Mean, 9);
    }

    [Fact]
    public void A_closed_loop_of_clients_keeps_that_many_requests_in_flight()
    {
        // 16 clients, 100-token outputs at 10 ms a token. About 16 prompts a second each ride a decode step and stretch it
        // to 20 ms (16 of every ~100 steps), so a request takes about 1.16 s: about 13.8 requests/s, and never more
        // than 16 in flight. Little's law ties the three.
        var requests = Enumerable.Range(0, 800).Select(_ => new SimulatedRequest(0, 100, 100)).ToList();
        ServingSimulationReport r = RequestSimulation.Run(Input(requests, clients: 16) with { ClientStaggerMs = 1000, WarmupRequests = 16 });
        Assert.InRange(r.MeanRunningSequences, 13.0, 16.0 + 1e-9);
        Assert.InRange(r.Latency.TpotMs.Mean, 11.0, 12.5);
        Assert.InRange(r.MeanRunningSequences / (r.AchievedRequestsPerS * r.Latency.E2eMs.Mean / 1000), 0.95, 1.05);
        Assert.False(r.Saturated);
    }

    [Fact]
    public void DP_groups_of_one_instance_step_together_so_a_prompt_in_one_stalls_the_other()
    {
        // Two groups: A (1 in, 3 out) decoding in group 0 when B's 100-token prompt reaches group 1 (round robin).
        // The instance's step carries B's 10 ms prefill and A's decode together: A's second gap is 20 ms, as in one group.
        ServingSimulationReport two = RequestSimulation.Run(Input([new SimulatedRequest(0, 1, 3), new SimulatedRequest(5, 100, 2)], groups: 2));
        Assert.Equal(((32.1 - 2.1) / 2 + (42.1 - 32.1)) / 2, two.Latency.TpotMs.Mean, 6);
        // Two replicas step independently: A is not stalled (gaps of 10 ms), B's first token at 7 + 10 = 17 ms.
        ServingSimulationReport replicas = RequestSimulation.Run(Input([new SimulatedRequest(0, 1, 3), new SimulatedRequest(5, 100, 2)], instances: 2));
        Assert.Equal((10 + 10) / 2.0, replicas.Latency.TpotMs.Mean, 6);
        Assert.Equal((2.1 + 12) / 2, replicas.Latency.TtftMs.Mean, 6);
    }

    [Fact]
    public void Least_loaded_routing_spreads_long_requests_that_round_robin_piles_on_one_replica()
    {
        // Two replicas, requests alternating 400 and 1 output tokens, one every 50 ms; a decode step of 10 ms + 1 ms per
        // sequence. Round robin sends every long request to replica 0 (about 16 of them at once there, none on replica 1);
        // least loaded sends each to the replica with fewer unfinished requests, so both share the long ones and step faster
        // (measured: 226 vs 256 ms).
        var requests = Enumerable.Range(0, 2_000).Select(i => new SimulatedRequest(i * 50.0, 100, i % 2 == 0 ? 400 : 1)).ToList();
        SimulationInput Of(RouterPolicy router) => Input(requests, instances: 2) with { Router = router, DecodeStepMs = (batch, _) => 10 + batch };
        ServingSimulationReport roundRobin = RequestSimulation.Run(Of(RouterPolicy.RoundRobin));
        ServingSimulationReport leastLoaded = RequestSimulation.Run(Of(RouterPolicy.LeastLoaded));
        Assert.True(leastLoaded.Latency.TpotMs.Mean < 0.95 * roundRobin.Latency.TpotMs.Mean, $"TPOT {leastLoaded.Latency.TpotMs.Mean} vs {roundRobin.Latency.TpotMs.Mean} ms");
    }
}
