using ParaPlan.Catalog;
using ParaPlan.Domain;
using ParaPlan.Engines;
using ParaPlan.Planning;

namespace ParaPlan.Tests.Engines;

/// <summary>
/// Every flag of every benchmark.sh command (LaunchBundle.Benchmark) exists in the benchmark tool's captured argument list
/// (data/engines/bench-args.json) and its value parses.
/// </summary>
public class EmittedBenchmarkFlagsTests
{
    private static readonly Dictionary<string, string> ToolOf = new(StringComparer.Ordinal)
    {
        ["vllm"] = "vllm-bench",
        ["sglang"] = "sglang-bench",
        ["trtllm"] = "genai-perf",
    };

    [Theory]
    [InlineData("qwen3-235b-8xh100")]
    [InlineData("deepseek-v3-2x8xh200")]
    [InlineData("llama-3.1-70b-4xh100")]
    [InlineData("qwen3-235b-rate")]
    public void Every_benchmark_flag_of_an_example_exists_and_parses(string example)
    {
        Scenario scenario = ScenarioReader.ReadFile(TestFiles.InRepository("examples", example + ".yaml"));
        Assert.NotEmpty(Check(scenario));
    }

    /// <summary>One plan per engine, so each of the three tools is checked.</summary>
    [Theory]
    [InlineData("vllm")]
    [InlineData("sglang")]
    [InlineData("trtllm")]
    public void Every_benchmark_flag_of_each_engine_exists_and_parses(string engine)
    {
        Scenario scenario = ParaPlan.Tests.CostModel.Scenarios.Read($$"""
            model: qwen3-235b-a22b
            precision: {weights: fp8, kv_cache: fp8}
            hardware: {gpu: h100-sxm, gpus: 8}
            workload: {input_tokens: 1024, output_tokens: 512, concurrency: 64}
            engine: {{engine}}
            """);
        IReadOnlyList<string> tools = Check(scenario);
        Assert.Contains(ToolOf[engine], tools);
    }

    /// <summary>At a request rate the benchmark sends that rate (issue 21), with vLLM's percentiles and goodput from the targets.</summary>
    [Theory]
    [InlineData("vllm", "--request-rate 2 --burstiness 1 --seed 1 --percentile-metrics ttft,tpot,itl,e2el --metric-percentiles 50,90,99 --goodput ttft:2000 tpot:50")]
    [InlineData("sglang", "--request-rate 2 --seed 1")]
    [InlineData("trtllm", "--request-rate 2 --random-seed 1")]
    public void At_a_request_rate_the_benchmark_sends_that_rate(string engine, string expected)
    {
        Scenario scenario = ParaPlan.Tests.CostModel.Scenarios.Read($$"""
            model: qwen3-235b-a22b
            precision: {weights: fp8, kv_cache: fp8}
            hardware: {gpu: h100-sxm, gpus: 8}
            workload: {input_tokens: 1024, output_tokens: 512, request_rate: 2}
            requirements:
              ttft_ms: {p90: 2000}
              tpot_ms: {p99: 50}
            engine: {{engine}}
            """);
        Assert.Contains(ToolOf[engine], Check(scenario));
        PlanResult plan = Planner.Plan(scenario, suggest: false);
        string script = LaunchBundle.Files(plan, scenario).Single(f => f.Key == $"{engine}/benchmark.sh").Value;
        Assert.Contains(expected, script, StringComparison.Ordinal);
        Assert.DoesNotContain("--max-concurrency", script, StringComparison.Ordinal);
        Assert.Contains("# Simulated: TTFT P50/P90/P99", script, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flag_of_several_values_takes_each_and_checks_each()
    {
        EngineCommandLine line = EngineCommandLine.Parse("vllm bench serve --goodput ttft:2000 tpot:50 --seed 3");
        Assert.Equal(["ttft:2000", "tpot:50", "3"], line.Flags.Select(f => f.Value));
        Assert.Empty(line.Positional);
        Assert.Empty(line.Problems());
    }

    [Fact]
    public void A_misspelt_flag_or_a_bad_value_is_reported()
    {
        Assert.Single(EngineCommandLine.Parse("genai-perf profile -m M --input-tokens-mean 10").Problems());
        Assert.Single(EngineCommandLine.Parse("python -m sglang.bench_serving --dataset-name random-mm").Problems());
        Assert.Single(EngineCommandLine.Parse("vllm bench serve --max-concurrency many").Problems());
        Assert.Equal("genai-perf", EngineCommandLine.Parse("genai-perf profile --isl 5").Engine);
        Assert.Empty(EngineCommandLine.Parse("genai-perf profile --isl 5 --osl 7 -u localhost:8000").Problems());
    }

    [Fact]
    public void The_three_tools_are_loaded_with_their_sources()
    {
        foreach (string tool in EngineArguments.BenchmarkTools)
        {
            EngineArgumentList list = EngineArguments.For(tool);
            Assert.Equal(tool, list.Engine);
            Assert.Equal(40, list.Commit.Length);
            Assert.Equal("2026-12-03", list.Captured);
            Assert.NotEmpty(list.Flags);
        }
    }

    /// <summary>Checks the benchmark.sh of every engine of the plan; returns the tools seen.</summary>
    private static List<string> Check(Scenario scenario)
    {
        PlanResult plan = Planner.Plan(scenario, suggest: false);
        IReadOnlyDictionary<string, string> files = LaunchBundle.Files(plan, scenario);
        var problems = new List<string>();
        var tools = new List<string>();
        foreach ((string name, string text) in files.Where(f => f.Key.EndsWith("/benchmark.sh", StringComparison.Ordinal)))
        {
            string engine = name[..name.IndexOf('/', StringComparison.Ordinal)];
            string[] commands = [.. text.Split('\n').Select(l => l.Trim())
                .Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith("set ", StringComparison.Ordinal))];
            string command = Assert.Single(commands);
            EngineCommandLine line = EngineCommandLine.Parse(command);
            Assert.Equal(ToolOf[engine], line.Engine);
            Assert.NotEmpty(line.Flags);
            tools.Add(line.Engine);
            problems.AddRange(line.Problems().Select(p => $"{name}: {p}"));
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        return tools;
    }
}
