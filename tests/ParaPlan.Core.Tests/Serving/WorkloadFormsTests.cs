using ParaPlan.Domain;
using ParaPlan.Input;
using ParaPlan.Tests.CostModel;

namespace ParaPlan.Tests.Serving;

/// <summary>The workload forms, length laws, percentile requirements and trace formats of issue 21 as the scenario reads them.</summary>
public sealed class WorkloadFormsTests : IDisposable
{
    private const string Head = """
        model: llama-3.1-8b
        hardware: {gpu: h100-sxm, gpus: 1}
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("paraplan-trace-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Workload Read(string workload) => Scenarios.Read(Head + "\nworkload:\n" + workload).Workload;

    private static InputException Bad(string yaml) => Assert.Throws<InputException>(() => Scenarios.Read(Head + "\n" + yaml));

    [Fact]
    public void Concurrency_is_a_closed_loop_burst_is_all_at_once_and_request_rate_is_open()
    {
        Assert.Equal(WorkloadForm.ClosedLoop, Read("  concurrency: 64").Form);
        Workload burst = Read("  burst: 64");
        Assert.Equal(WorkloadForm.Burst, burst.Form);
        Assert.Equal(64, burst.Concurrency.Sequences);
        Workload rate = Read("  request_rate: 40\n  burstiness: 0.5\n  router: least_loaded\n  seed: 3\n  requests: 5000");
        Assert.Equal(WorkloadForm.RequestRate, rate.Form);
        Assert.Equal(40, rate.RequestRate);
        Assert.Equal(0.5, rate.Burstiness);
        Assert.Equal(RouterPolicy.LeastLoaded, rate.Router);
        Assert.Equal((3, 5000), (rate.Seed, rate.Requests!.Value));
        Assert.True(rate.IsOpenLoop);
    }

    [Fact]
    public void Two_arrival_forms_or_burstiness_without_a_rate_are_bad_input_naming_the_field()
    {
        InputException two = Bad("workload: {concurrency: 8, request_rate: 2}");
        Assert.Contains("workload.request_rate", two.Message, StringComparison.Ordinal);
        Assert.Contains("give one of concurrency", two.Message, StringComparison.Ordinal);
        Assert.Contains("workload.burstiness", Bad("workload: {concurrency: 8, burstiness: 2}").Message, StringComparison.Ordinal);
        Assert.Contains("workload.request_rate", Bad("workload: {request_rate: 0}").Message, StringComparison.Ordinal);
        Assert.Contains("workload.router", Bad("workload: {request_rate: 1, router: random}").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lognormal_is_drawn_with_the_stated_mean_and_costed_at_its_cut()
    {
        Workload w = Read("  input_tokens: {distribution: lognormal, mean: 800, sigma: 0.8, max: 8192}\n  request_rate: 1");
        LengthDistribution law = w.InputLengths!;
        Assert.Equal(8192, w.InputTokens.Max); // requirements hold at the longest prompt
        Assert.Equal(800, w.InputTokens.Mean, 6);
        var random = new SplitMix64(11);
        double mean = Enumerable.Range(0, 200_000).Average(_ => law.Sample(random));
        Assert.InRange(mean, 792, 808); // the clamped draws keep the stated mean (within 1%)
    }

    [Fact]
    public void The_sharegpt_lengths_carry_their_source_and_the_assumed_sigma()
    {
        Scenario s = Scenarios.Read(Head + "\nworkload: {input_tokens: {distribution: sharegpt}, output_tokens: {distribution: sharegpt}, request_rate: 4}");
        Assert.Equal(214, s.Workload.InputTokens.Mean, 6);
        Assert.Equal(200, s.Workload.OutputTokens);
        Assert.Equal(1024, s.Workload.InputTokens.Max);
        Assert.Contains(s.Assumptions, a => a.Contains("sigma 1.0 assumed", StringComparison.Ordinal));
    }

    [Fact]
    public void Gamma_gaps_have_mean_one_over_the_rate_and_a_spread_of_one_over_root_burstiness()
    {
        // vLLM's arrivals: gamma(shape b, scale 1 / (rate b)); the coefficient of variation is 1 / sqrt(b).
        var random = new SplitMix64(5);
        foreach (double b in new[] { 0.25, 1.0, 4.0 })
        {
            double[] gaps = [.. Enumerable.Range(0, 200_000).Select(_ => random.NextGamma(b) / b)];
            double mean = gaps.Average();
            double cv = Math.Sqrt(gaps.Average(g => (g - mean) * (g - mean))) / mean;
            Assert.InRange(mean, 0.98, 1.02);
            Assert.InRange(cv, 0.97 / Math.Sqrt(b), 1.03 / Math.Sqrt(b));
        }
    }

    [Fact]
    public void Percentile_requirements_read_as_targets_and_a_scalar_keeps_its_headline_meaning()
    {
        Requirements r = Scenarios.Read(Head + "\nrequirements: {ttft_ms: {p90: 2000, p99: 4000}, tpot_ms: 50, e2e_ms: {p50: 60000}}").Requirements;
        Assert.Equal(new LatencyTarget(P90: 2000, P99: 4000), r.TtftTarget);
        Assert.Null(r.TtftMs);
        Assert.Equal(50, r.TpotMs);
        Assert.Null(r.TpotTarget);
        Assert.Equal(60000, r.E2eTarget!.P50);
        Assert.True(r.HasPercentiles);
        Assert.Contains("requirements.ttft_ms", Bad("requirements: {ttft_ms: {p95: 100}}").Message, StringComparison.Ordinal);
        Assert.Contains("requirements.ttft_ms", Bad("requirements: {ttft_ms: {}}").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_Azure_LLM_inference_trace_is_read_in_both_years_timestamp_forms()
    {
        // The first lines of Azure/AzurePublicDataset data/AzureLLMInferenceTrace_conv.csv (2023) and the 2024 form of
        // the timestamp, with its UTC offset and 6 fractional digits.
        string csv = Write("azure.csv", """
            TIMESTAMP,ContextTokens,GeneratedTokens
            2023-11-16 18:15:46.6805900,374,44
            2023-11-16 18:15:50.9951690,396,109
            2023-11-16 18:15:51.0000000,0,0
            """);
        IReadOnlyList<TracedRequest> trace = TraceReader.Read(csv);
        Assert.Equal(3, trace.Count);
        Assert.Equal(new TracedRequest(0, 374, 44), trace[0]);
        Assert.Equal(4314.579, trace[1].ArrivalMs, 6); // 18:15:50.9951690 - 18:15:46.6805900
        Assert.Equal((1, 1), (trace[2].InputTokens, trace[2].OutputTokens)); // an empty request is costed as one token each
        IReadOnlyList<TracedRequest> y2024 = TraceReader.Read(Write("azure24.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n2024-05-10 00:00:00.009930+00:00,100,10\n2024-05-10 00:00:01.009930+00:00,200,20\n"));
        Assert.Equal(1000, y2024[1].ArrivalMs, 6);
    }

    [Fact]
    public void A_Mooncake_trace_is_read_with_its_timestamps_in_ms()
    {
        // kvcache-ai/Mooncake FAST25-release/traces/conversation_trace.jsonl's first line and the README's example.
        string jsonl = Write("mooncake.jsonl", """
            {"timestamp": 0, "input_length": 6758, "output_length": 500, "hash_ids": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]}
            {"timestamp": 27482, "input_length": 6955, "output_length": 52, "hash_ids": [46, 47]}
            """);
        Scenario s = ParaPlan.Catalog.ScenarioReader.ReadFile(Write("scenario.yaml", Head + "\nworkload: {trace: mooncake.jsonl}\n"));
        Assert.Equal(WorkloadForm.Trace, s.Workload.Form);
        Assert.Equal([new TracedRequest(0, 6758, 500), new TracedRequest(27482, 6955, 52)], s.Workload.Trace!);
        Assert.Equal(1 / 27.482, s.Workload.RequestRate!.Value, 9);
        Assert.Equal(6955, s.Workload.InputTokens.Max);
        _ = jsonl;
    }

    [Fact]
    public void A_bad_trace_line_is_bad_input_naming_the_file_and_the_line()
    {
        InputException csv = Assert.Throws<InputException>(() => TraceReader.Read(Write("bad.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.68,12,x\n")));
        Assert.Contains("bad.csv", csv.Message, StringComparison.Ordinal);
        Assert.Contains("line 2: GeneratedTokens", csv.Message, StringComparison.Ordinal);
        InputException json = Assert.Throws<InputException>(() => TraceReader.Read(Write("bad.jsonl", "{\"timestamp\": 0, \"input_length\": 5}\n")));
        Assert.Contains("line 1: output_length", json.Message, StringComparison.Ordinal);
        InputException header = Assert.Throws<InputException>(() => TraceReader.Read(Write("other.csv", "a,b,c\n1,2,3\n")));
        Assert.Contains("TIMESTAMP,ContextTokens,GeneratedTokens", header.Message, StringComparison.Ordinal);
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }
}
