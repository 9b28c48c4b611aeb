using System.Text.Json;

namespace ParaPlan.Tests;

/// <summary><c>--profiles FILE</c>: a profiles file laid over the built-in efficiency profiles without a rebuild.</summary>
public class ProfilesOptionTests
{
    /// <summary>One layer, one GPU (inline, id "round"), vLLM, one sequence: a decode step is one engine step.</summary>
    private const string Tiny = """
        model: {name: tiny, num_hidden_layers: 1, hidden_size: 1024, num_attention_heads: 8, intermediate_size: 4096, vocab_size: 1024}
        precision: {weights: bf16}
        hardware:
          gpu: {name: round, memory_gb: 80, tflops: {bf16: 100}, memory_bandwidth_tbps: 1.0, intra_node_gbps: 100, inter_node_gbps: 10}
          gpus: 1
        engine: vllm
        parallel: {tp: 1}
        workload: {input_tokens: 128, output_tokens: 16, concurrency: 1}
        """;

    private static string Overlay(string values, string engine = "vllm", string gpu = "round")
    {
        string keys = string.Join(", ", values.Split(',').Select(v => v.Split(':')[0].Trim()).Select(k => $"{k}: \"test overlay\""));
        return TestFiles.Write($$$"""
            {"profiles": [{"engine": "{{{engine}}}", "gpu": "{{{gpu}}}", "values": {{{{values}}}}, "sources": {{{{keys}}}}}]}
            """, ".json");
    }

    private static JsonElement EstimateJson(string scenario, string? profiles)
    {
        string[] args = profiles is null ? ["estimate", scenario, "--format", "json"] : ["estimate", scenario, "--format", "json", "--profiles", profiles];
        CliRun run = CliRun.Of(args);
        Assert.Equal(string.Empty, run.Error);
        Assert.Equal(0, run.ExitCode);
        using JsonDocument document = JsonDocument.Parse(run.Output);
        return document.RootElement.Clone();
    }

    [Fact]
    public void An_overlay_s_step_overhead_is_added_once_to_TPOT_and_once_to_the_one_chunk_TTFT_at_concurrency_1()
    {
        string scenario = TestFiles.Write(Tiny);
        JsonElement builtIn = EstimateJson(scenario, null);
        JsonElement none = EstimateJson(scenario, Overlay("\"step_overhead_ms\": 0"));
        JsonElement more = EstimateJson(scenario, Overlay("\"step_overhead_ms\": 7.5"));

        // One sequence: a decode step is the kernels + step_overhead_ms + 1 x sequence_overhead_us, and the 128-token
        // prompt is one prefill chunk, one step. The built-in value is vLLM's fitted entry in data/efficiency/profiles.json.
        double shipped = ShippedVllmStepOverheadMs();
        Assert.Equal(shipped, builtIn.GetProperty("efficiency").GetProperty("step_overhead_ms").GetDouble());
        Assert.Equal(7.5, more.GetProperty("efficiency").GetProperty("step_overhead_ms").GetDouble());
        double tpot = none.GetProperty("tpot_ms").GetDouble();
        Assert.Equal(tpot + shipped, builtIn.GetProperty("tpot_ms").GetDouble(), 9);
        Assert.Equal(tpot + 7.5, more.GetProperty("tpot_ms").GetDouble(), 9);
        Assert.Equal(none.GetProperty("ttft_ms").GetDouble() + 7.5, more.GetProperty("ttft_ms").GetDouble(), 9);

        // Nothing else the overlay does not give changes: memory stays the same.
        Assert.Equal(none.GetProperty("memory_per_gpu_gb").GetProperty("total").GetDouble(), more.GetProperty("memory_per_gpu_gb").GetProperty("total").GetDouble());
        Assert.EndsWith(": vllm/round", more.GetProperty("efficiency_profile").GetString(), StringComparison.Ordinal);
    }

    /// <summary>The step overhead of the fitted <c>vllm/*</c> entry of the shipped profiles file.</summary>
    private static double ShippedVllmStepOverheadMs()
    {
        using JsonDocument profiles = JsonDocument.Parse(File.ReadAllText(TestFiles.InRepository("data", "efficiency", "profiles.json")));
        JsonElement entry = profiles.RootElement.GetProperty("profiles").EnumerateArray().Single(e =>
            e.GetProperty("engine").GetString() == "vllm" && e.GetProperty("gpu").GetString() == "*"
            && e.TryGetProperty("fitted", out JsonElement fitted) && fitted.GetBoolean());
        return entry.GetProperty("values").GetProperty("step_overhead_ms").GetDouble();
    }

    [Fact]
    public void The_estimate_and_plan_reports_name_the_overlay_and_its_entry()
    {
        string scenario = TestFiles.Write(Tiny);
        string overlay = Overlay("\"step_overhead_ms\": 7.5");
        string entry = $"{Path.GetFileName(overlay)}: vllm/round";

        CliRun estimate = CliRun.Of("estimate", scenario, "--profiles", overlay);
        Assert.Equal(0, estimate.ExitCode);
        Assert.Contains($"{overlay} laid over the built-in profiles", estimate.Output, StringComparison.Ordinal);
        Assert.Contains(entry, estimate.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("laid over", CliRun.Of("estimate", scenario).Output, StringComparison.Ordinal);

        CliRun plan = CliRun.Of("plan", scenario, "--profiles", overlay, "--format", "json");
        Assert.Equal(0, plan.ExitCode);
        using JsonDocument document = JsonDocument.Parse(plan.Output);
        Assert.EndsWith(entry, document.RootElement.GetProperty("best").GetProperty("efficiency_profile").GetString(), StringComparison.Ordinal);
        Assert.EndsWith($"--profiles {overlay}", document.RootElement.GetProperty("reproduce").GetString(), StringComparison.Ordinal);
        Assert.Contains($"{overlay} laid over the built-in profiles", CliRun.Of("plan", scenario, "--profiles", overlay).Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Audit_and_dag_cost_with_the_overlay()
    {
        string plan = TestFiles.Write(Tiny + "\nclaims: {tpot_ms: 5}\n");
        string overlay = Overlay("\"step_overhead_ms\": 7.5");
        CliRun audit = CliRun.Of("audit", plan, "--profiles", overlay, "--format", "json");
        using (JsonDocument document = JsonDocument.Parse(audit.Output))
        {
            JsonElement computed = document.RootElement.GetProperty("computed");
            Assert.Equal(7.5, computed.GetProperty("efficiency").GetProperty("step_overhead_ms").GetDouble());
            Assert.EndsWith(": vllm/round", computed.GetProperty("efficiency_profile").GetString(), StringComparison.Ordinal);
        }

        // A DAG's operator times come from the same estimate: halving the HBM efficiency slows the memory-bound
        // decode GEMMs of one sequence.
        string slow = Overlay("\"memory_bandwidth_efficiency\": 0.2");
        double Time(CliRun run)
        {
            Assert.Equal(0, run.ExitCode);
            using JsonDocument document = JsonDocument.Parse(run.Output);
            return document.RootElement.GetProperty("nodes").EnumerateArray().Where(n => n.GetProperty("op").GetString() == "ffn").Sum(n => n.GetProperty("time_ms").GetDouble());
        }

        Assert.True(Time(CliRun.Of("dag", plan, "--format", "json", "--profiles", slow)) > Time(CliRun.Of("dag", plan, "--format", "json")));
    }

    [Theory]
    [InlineData("estimate")]
    [InlineData("plan")]
    [InlineData("audit")]
    [InlineData("dag")]
    public void A_bad_profiles_file_is_one_line_naming_the_file_and_the_field(string command)
    {
        string scenario = TestFiles.Write(Tiny);
        string negative = Overlay("\"step_overhead_ms\": -1");
        AssertBadInput(CliRun.Of(command, scenario, "--profiles", negative), negative, "profiles[0].values.step_overhead_ms", "must be above 0");

        string unknown = Overlay("\"step_overheads_ms\": 1");
        AssertBadInput(CliRun.Of(command, scenario, "--profiles", unknown), unknown, "step_overheads_ms", "did you mean");
    }

    [Fact]
    public void A_profiles_file_is_refused_for_a_fraction_above_1_an_unknown_engine_or_no_file()
    {
        string scenario = TestFiles.Write(Tiny);
        string fraction = Overlay("\"gemm_compute_efficiency\": 1.5");
        AssertBadInput(CliRun.Of("estimate", scenario, "--profiles", fraction), fraction, "gemm_compute_efficiency", "fraction of at most 1");

        string engine = Overlay("\"step_overhead_ms\": 1", engine: "vlm");
        AssertBadInput(CliRun.Of("estimate", scenario, "--profiles", engine), engine, "profiles[0].engine", "unknown engine 'vlm'");

        AssertBadInput(CliRun.Of("estimate", scenario, "--profiles", "no/such/profiles.json"), "no/such/profiles.json", "no such file");
    }

    private static void AssertBadInput(CliRun run, params string[] fragments)
    {
        Assert.Equal(2, run.ExitCode);
        string line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("paraplan: error: ", line, StringComparison.Ordinal);
        foreach (string fragment in fragments)
        {
            Assert.Contains(fragment, line, StringComparison.Ordinal);
        }
    }
}
