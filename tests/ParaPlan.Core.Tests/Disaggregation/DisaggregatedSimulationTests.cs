using ParaPlan.CostModel;
using ParaPlan.CostModel.Disaggregation;
using ParaPlan.CostModel.Profiles;
using ParaPlan.CostModel.Serving;
using ParaPlan.CostModel.Serving.Simulation;
using ParaPlan.Domain;
using ParaPlan.Planning;
using ParaPlan.Tests.CostModel;

namespace ParaPlan.Tests.Disaggregation;

/// <summary>
/// A disaggregated deployment simulated request by request (docs/disaggregation.md, "Simulation"): the prefill
/// pool, the KV transfer and the decode pool in tandem, checked by hand on one request, by Little's law on many,
/// and in the plan under percentile targets.
/// </summary>
public sealed class DisaggregatedSimulationTests
{
    private const string DeepSeek = """
        model: deepseek-v3
        precision: {weights: fp8}
        hardware: {gpu: h200-sxm, gpus: 32}
        engine: sglang
        parallel:
          prefill: {dp: 8, ep: 8}
          decode: {dp: 16, ep: 16}
          prefill_instances: 2
          decode_instances: 1

        """;

    [Fact]
    public void A_cached_prompt_decodes_from_its_admission()
    {
        // The decode pool's view (RequestSimulationTests' step times: 10 ms a decode step): the request reaches the
        // engine at 2 ms with its prompt's cache and first token, so its first token is out at 2 ms and its four
        // further tokens at 12, 22, 32 and 42 ms; no prefill step runs.
        var input = new SimulationInput
        {
            Requests = [new SimulatedRequest(0, 100, 5)],
            MaxRunning = 256,
            KvTokenCapacity = 1e9,
            BatchedTokens = 1000,
            ArrivalDelayMs = 2,
            PromptsCached = true,
            DecodeStepMs = (_, _) => 10,
            PrefillStepMs = (tokens, _) => 0.1 * tokens,
        };
        (ServingSimulationReport r, RequestTimes[] times) = RequestSimulation.RunTimed(input);
        Assert.Equal(2, r.Latency.TtftMs.Mean, 9);
        Assert.Equal(42, r.Latency.E2eMs.Mean, 9);
        Assert.Equal(10, r.Latency.TpotMs.Mean, 9);
        Assert.Equal(4, r.Steps);
        Assert.Equal((0.0, 2.0, 42.0), (times[0].SentMs, times[0].FirstMs, times[0].FinishMs));
    }

    [Fact]
    public void One_request_is_its_overhead_its_prefill_its_transfer_and_its_decode_steps()
    {
        // One 8,192-token prompt alone: TTFT = the engine's request overhead + the prefill of the prompt on one prefill
        // instance + the transfer's exposed part (SGLang sends chunk by chunk: only the last chunk's share); then 63
        // decode steps of one sequence, each the decode pool's step at that context.
        Scenario s = Scenarios.Read(DeepSeek + "workload: {input_tokens: 8192, output_tokens: 64, burst: 1}\n");
        DisaggregatedStrategy d = s.Disaggregated!;
        EfficiencyProfile profile = EfficiencyCatalog.BuiltIn.Resolve(s.Engine, s.Hardware.Gpu);
        ServingSimulationReport sim = DisaggregatedSimulation.Simulate(s, d, profile, 1);

        var prefill = new ServingModel(s, d.PrefillPool, profile, 0, report: false);
        var decode = new ServingModel(s, d.DecodePool, profile, 0, report: false);
        (double prefillMs, double lastChunk) = prefill.PrefillOne(8192);
        double transfer = new KvTransferPath(s, d).ExposedMs(8192, lastChunk);
        double ttft = profile.RequestOverheadMs + profile.ApiServerRequestMs + prefillMs + transfer;
        Assert.Equal(ttft, sim.Latency.TtftMs.Mean, ttft * 0.02);
        double step = decode.DecodeStepMs(1, 8192 + 32);
        Assert.Equal(step, sim.Latency.TpotMs.Mean, step * 0.02);
        Assert.Equal(ttft + (63 * step), sim.Latency.E2eMs.Mean, (ttft + (63 * step)) * 0.02);
    }

    [Fact]
    public void Littles_law_holds_across_both_pools()
    {
        // 2,000 requests of 2k/256 at 8 per second: the requests in the deployment (both pools) = rate x time in it,
        // within 5% (the KV transfer's few ms are in neither pool).
        Scenario s = Scenarios.Read(DeepSeek + "workload: {input_tokens: 2048, output_tokens: 256, request_rate: 8, requests: 2000}\n");
        EfficiencyProfile profile = EfficiencyCatalog.BuiltIn.Resolve(s.Engine, s.Hardware.Gpu);
        ServingSimulationReport sim = DisaggregatedSimulation.Simulate(s, s.Disaggregated!, profile, 8);
        Assert.False(sim.Saturated);
        Assert.InRange(sim.MeanRunningSequences / (sim.OfferedRequestsPerS * sim.Latency.E2eMs.Mean / 1000), 0.95, 1.05);
        Assert.InRange(sim.AchievedRequestsPerS / 8, 0.95, 1.05);
        Assert.True(sim.Latency.TtftMs.P50 <= sim.Latency.TtftMs.P90 && sim.Latency.TtftMs.P90 <= sim.Latency.TtftMs.P99);
    }

    [Fact]
    public void The_estimate_of_a_disaggregated_strategy_carries_its_simulation_and_percentile_checks()
    {
        Scenario s = Scenarios.Read(DeepSeek + "workload: {input_tokens: 8192, output_tokens: 1024, request_rate: 10}\nrequirements: {tpot_ms: {p90: 30}}\n");
        EstimateResult e = ParaPlan.Service.EstimateOperation.Run(s, 0, EfficiencyCatalog.BuiltIn);
        Assert.NotNull(e.Simulation);
        CheckResult p90 = Assert.Single(e.Checks, c => c.Name == "tpot_p90");
        Assert.Equal(e.Simulation!.Latency.TpotMs.P90 <= 30, p90.Passed);
        Assert.Contains(e.Simulation.Notes, n => n.Contains("simulation (disaggregated)", StringComparison.Ordinal));
    }

    [Fact]
    public void Under_percentile_targets_the_plan_adopts_a_disaggregated_layout_that_passes_them_in_simulation()
    {
        // 10 requests/s of 8k/1k on 32 H200 with P90 TPOT <= 35 ms: every aggregated strategy's decode steps carry
        // the 8k prompts arriving (P90 TPOT far beyond 35 ms); a 1P1D layout keeps them out of the decode pool. (30 ms
        // until SGLang's refit with the burst simulation's lockstep law put 98 us of CPU on each running sequence a
        // step, 61 before: the best 1P1D layout's simulated P90 is now 30.9 ms, its mean 28.8 ms.)
        Scenario s = Scenarios.Read("""
            model: deepseek-v3
            precision: {weights: fp8}
            hardware: {gpu: h200-sxm, gpus: 32}
            engine: sglang
            workload: {input_tokens: 8192, output_tokens: 1024, request_rate: 10}
            requirements: {tpot_ms: {p90: 35}, ttft_ms: {p90: 3000}}
            """);
        PlanResult plan = Planner.Plan(s);
        Assert.Null(plan.Infeasible);
        Assert.Equal("disaggregated", plan.Layouts!.Winner);
        Assert.NotNull(plan.Best.Disaggregation);
        Assert.All(plan.Best.Checks, c => Assert.True(c.Passed, c.Name + ": " + c.Detail));
        Assert.True(plan.Best.Simulation!.Latency.TpotMs.P90 <= 35);
        Assert.True(plan.Best.Simulation.Latency.TtftMs.P90 <= 3000);
    }
}
