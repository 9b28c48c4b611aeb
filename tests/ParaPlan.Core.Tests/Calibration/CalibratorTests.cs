using ParaPlan.Calibration;
using ParaPlan.CostModel;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;
using ParaPlan.Input;
using ParaPlan.Tests.CostModel;

namespace ParaPlan.Tests.Calibration;

public class CalibratorTests
{
    /// <summary>One layer on one inline GPU, vLLM: every figure is quick to cost.</summary>
    private const string Tiny = """
        model: {name: tiny, num_hidden_layers: 1, hidden_size: 1024, num_attention_heads: 8, intermediate_size: 4096, vocab_size: 1024}
        precision: {weights: bf16}
        hardware:
          gpu: {name: round, memory_gb: 80, tflops: {bf16: 100}, memory_bandwidth_tbps: 1.0, intra_node_gbps: 100, inter_node_gbps: 10}
          gpus: 1
        engine: vllm
        parallel: {tp: 1}
        workload: {input_tokens: 1024, output_tokens: 64, concurrency: 16}
        """;

    /// <summary>Plain physics (every efficiency 1) with a 1 ms step overhead and no other serving-loop cost.</summary>
    private static readonly EfficiencyProfile Start = Scenarios.Ideal() with { StepOverheadMs = 1 };

    private static BenchmarkRun Run(double? tpotMs = null, double? outputPerS = null, double? ttftMs = null, double? rate = double.PositiveInfinity, int requests = 16) => new()
    {
        Tool = BenchmarkTool.VllmBenchServe,
        SourceFile = "synthetic.json",
        RequestRate = rate,
        NumRequests = requests,
        Completed = requests,
        MeanInputTokens = 1024,
        MeanOutputTokens = 64,
        MeanTpotMs = tpotMs,
        OutputTokensPerS = outputPerS,
        MeanTtftMs = ttftMs,
    };

    [Fact]
    public void A_burst_whose_mean_TTFT_is_20_ms_above_the_estimate_s_fits_request_overhead_ms_20_and_leaves_the_rest()
    {
        Scenario scenario = Scenarios.Read(Tiny);
        // The run is a burst: the estimate to compare with is the burst form's (every request arriving at once).
        EstimateResult e = Estimator.Estimate(scenario with { Workload = scenario.Workload with { Form = WorkloadForm.Burst } }, scenario.Parallel!.Value, Start);

        // TPOT and throughput as the starting profile predicts them; the mean TTFT 20 ms later. request_overhead_ms
        // adds to TTFT alone, one for one, so the fit moves it from 0 to 20 and nothing else.
        BenchmarkRun run = Run(e.TpotMs, e.OutputTokensPerSPerGpu, e.MeanTtftMs + 20);
        CalibrationResult result = Calibrator.Calibrate(scenario, "synthetic.json", [run], profiles: new FixedProfile(Start));

        Assert.Null(result.Failure);
        CalibratedValue Value(string key) => Assert.Single(result.Values, v => v.Key == key);
        Assert.Equal(20, Value("request_overhead_ms").After, 3);
        Assert.Equal(1, Value("step_overhead_ms").After, 3);
        Assert.Equal(0, Value("sequence_overhead_us").After, 3);
        Assert.Equal(0, Value("layer_overhead_us").After, 3);
        CalibrationFigure ttft = Assert.Single(result.Figures, f => f.Key == "mean_ttft_ms");
        Assert.Equal(e.MeanTtftMs, ttft.Before, 9);
        Assert.Equal(e.MeanTtftMs + 20, ttft.After, 3);
        Assert.Empty(result.NotCompared);
    }

    [Fact]
    public void A_decode_step_10_ms_slower_than_the_estimate_s_is_a_step_overhead_of_11_ms_at_the_top_of_its_range()
    {
        // One sequence, no TTFT: only TPOT is compared. Every overhead at its top adds 10 ms + 150 us x (1 sequence +
        // 1 layer) = 10.3 ms; 20 ms more than the estimate is out of reach.
        Scenario scenario = Scenarios.Read(Tiny.Replace("concurrency: 16", "concurrency: 1", StringComparison.Ordinal));
        EstimateResult e = Estimator.Estimate(scenario, scenario.Parallel!.Value, Start);
        CalibrationResult result = Calibrator.Calibrate(scenario, "synthetic.json", [Run(tpotMs: e.TpotMs + 20, rate: 2, requests: 1)], profiles: new FixedProfile(Start));

        Assert.NotNull(result.Failure);
        Assert.StartsWith("the run cannot be reproduced within the engine's plausible overheads; the rest of the model is off for this deployment", result.Failure, StringComparison.Ordinal);
        Assert.Contains("step_overhead_ms = 10 rests at the upper end of its range 0-10", result.Failure, StringComparison.Ordinal);
        Assert.True(Assert.Single(result.Values, v => v.Key == "step_overhead_ms").AtBound);
        CalibrationFigure tpot = Assert.Single(result.Figures);
        Assert.Equal(e.TpotMs - 1 + 10 + 0.15 + 0.15, tpot.After, 6);
    }

    [Fact]
    public void A_decode_step_1_ms_faster_than_the_estimate_s_is_no_step_overhead_at_all_a_floor_the_fit_may_rest_on()
    {
        // The starting profile's only serving-loop cost is its 1 ms step overhead: a TPOT 1 ms below the estimate's
        // is the GPU's work alone, an overlap scheduler hiding every step's CPU work (FitParameters: floor 0).
        Scenario scenario = Scenarios.Read(Tiny.Replace("concurrency: 16", "concurrency: 1", StringComparison.Ordinal));
        EstimateResult e = Estimator.Estimate(scenario, scenario.Parallel!.Value, Start);
        CalibrationResult result = Calibrator.Calibrate(scenario, "synthetic.json", [Run(tpotMs: e.TpotMs - 1, rate: 2, requests: 1)], profiles: new FixedProfile(Start));

        Assert.Null(result.Failure);
        CalibratedValue step = Assert.Single(result.Values, v => v.Key == "step_overhead_ms");
        Assert.Equal(0, step.After, 3);
        Assert.False(step.AtBound);
        Assert.Equal(e.TpotMs - 1, Assert.Single(result.Figures).After, 3);
    }

    [Fact]
    public void A_trtllm_bench_burst_compares_TPOT_and_throughput_but_not_TTFT()
    {
        // trtllm-bench runs the engine in-process: its TTFT has no API server admitting the burst, so even a TTFT half
        // the estimate's is neither compared nor fitted (request_overhead_ms stays as it was and is not written).
        Scenario scenario = Scenarios.Read(Tiny.Replace("engine: vllm", "engine: trtllm", StringComparison.Ordinal));
        // trtllm-bench hands its requests to the executor at once: the estimate to compare with is the burst form's.
        EstimateResult e = Estimator.Estimate(scenario with { Workload = scenario.Workload with { Form = WorkloadForm.Burst } }, scenario.Parallel!.Value, Start);
        BenchmarkRun run = Run(e.TpotMs, e.OutputTokensPerSPerGpu, e.MeanTtftMs / 2) with { Tool = BenchmarkTool.TrtllmBench };
        CalibrationResult result = Calibrator.Calibrate(scenario, "synthetic.txt", [run], profiles: new FixedProfile(Start));

        Assert.Null(result.Failure);
        Assert.Equal(["tpot_ms", "output_tokens_per_s_per_gpu"], result.Figures.Select(f => f.Key));
        Assert.StartsWith("TTFT: trtllm-bench throughput drives the engine in-process (no HTTP front end)", Assert.Single(result.NotCompared), StringComparison.Ordinal);
        CalibratedValue request = Assert.Single(result.Values, v => v.Key == "request_overhead_ms");
        Assert.False(request.Fitted);
        Assert.DoesNotContain("request_overhead_ms", ProfileOverlayWriter.Write(result, "paraplan calibrate s.yaml r.txt"), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_burst_TTFT_is_not_compared_and_request_overhead_ms_is_neither_fitted_nor_written()
    {
        Scenario scenario = Scenarios.Read(Tiny);
        EstimateResult e = Estimator.Estimate(scenario, scenario.Parallel!.Value, Start);
        CalibrationResult result = Calibrator.Calibrate(scenario, "synthetic.json", [Run(e.TpotMs * 1.1, e.OutputTokensPerSPerGpu / 1.1, 999, rate: 4)], profiles: new FixedProfile(Start));

        CalibratedValue request = Assert.Single(result.Values, v => v.Key == "request_overhead_ms");
        Assert.False(request.Fitted);
        Assert.Equal(0, request.After);
        Assert.DoesNotContain(result.Figures, f => f.Key == "mean_ttft_ms");
        Assert.StartsWith("TTFT: the run is not a burst", Assert.Single(result.NotCompared), StringComparison.Ordinal);
        Assert.DoesNotContain("request_overhead_ms", ProfileOverlayWriter.Write(result, "paraplan calibrate s.yaml r.json"), StringComparison.Ordinal);
    }

    [Fact]
    public void Several_runs_pick_the_one_whose_concurrency_is_the_scenario_s_or_name_them_all()
    {
        Scenario scenario = Scenarios.Read(Tiny);
        BenchmarkRun a = Run(tpotMs: 10, requests: 8) with { RunIndex = 1 };
        BenchmarkRun b = Run(tpotMs: 10, requests: 16) with { RunIndex = 2 };
        Assert.Same(b, Calibrator.SelectRun([a, b], 16, null, "r.json"));
        Assert.Same(a, Calibrator.SelectRun([a, b], 16, 1, "r.json"));

        InputException none = Assert.Throws<InputException>(() => Calibrator.SelectRun([a, b], 32, null, "r.json"));
        Assert.Equal("r.json: --run: no run of the 2 in the file kept the scenario's concurrency 32 in flight; pick one with --run N: "
            + "1: vllm bench serve: 8 requests sent at once, 1024 input / 64 output tokens on average, in flight 8; "
            + "2: vllm bench serve: 16 requests sent at once, 1024 input / 64 output tokens on average, in flight 16", none.Message);
        Assert.Contains("there is no run 3; the file holds 2", Assert.Throws<InputException>(() => Calibrator.SelectRun([a, b], 16, 3, "r.json")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_scenario_must_state_a_strategy_and_a_number_of_requests_in_flight()
    {
        Scenario noStrategy = Scenarios.Read(Tiny.Replace("parallel: {tp: 1}\n", string.Empty, StringComparison.Ordinal));
        Assert.Contains("parallel: calibrate needs the strategy", Assert.Throws<InputException>(() => Calibrator.Calibrate(noStrategy, "r.json", [Run(10)])).Message, StringComparison.Ordinal);
        Scenario max = Scenarios.Read(Tiny.Replace("concurrency: 16", "concurrency: max", StringComparison.Ordinal));
        Assert.Contains("workload.concurrency: calibrate needs the number of requests the run kept in flight, not max", Assert.Throws<InputException>(() => Calibrator.Calibrate(max, "r.json", [Run(10)])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_entry_written_is_one_the_scenario_resolves()
    {
        Scenario scenario = Scenarios.Read(Tiny);
        BenchmarkRun run = Run(10, rate: 2);
        Assert.Equal(("vllm", "round"), Entry(Calibrator.Calibrate(scenario, "r.json", [run], profiles: new FixedProfile(Start))));
        Assert.Equal(("vllm", "*"), Entry(Calibrator.Calibrate(scenario, "r.json", [run], entry: "vllm/*", profiles: new FixedProfile(Start))));
        Assert.Equal(("generic", "round"), Entry(Calibrator.Calibrate(scenario, "r.json", [run], entry: "Generic/Round", profiles: new FixedProfile(Start))));
        InputException error = Assert.Throws<InputException>(() => Calibrator.Calibrate(scenario, "r.json", [run], entry: "sglang/round", profiles: new FixedProfile(Start)));
        Assert.Equal("--engine-gpu: 'sglang/round' is not a profile entry the scenario's vllm on round uses; write ENGINE/GPU with ENGINE one of vllm, generic and GPU one of round, *.", error.Message);
    }

    private static (string Engine, string Gpu) Entry(CalibrationResult result) => (result.Engine, result.Gpu);

    /// <summary>The same profile for every engine and GPU.</summary>
    private sealed class FixedProfile(EfficiencyProfile profile) : IProfileSource
    {
        public EfficiencyProfile Resolve(EngineKind engine, GpuSpec gpu) => profile;
    }
}
