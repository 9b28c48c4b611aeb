using ParaPlan.Catalog;
using ParaPlan.Domain;
using ParaPlan.Engines;
using ParaPlan.Planning;

namespace ParaPlan.Tests.Engines;

/// <summary>Every flag of every launch command the planner prints exists in the engine's captured argument list and its value parses.</summary>
public class EmittedLaunchFlagsTests
{
    public static TheoryData<string> Examples() => new(["qwen3-235b-8xh100", "deepseek-v3-2x8xh200", "llama-3.1-70b-4xh100"]);

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_printed_flag_exists_and_parses(string example)
    {
        Scenario scenario = ScenarioReader.ReadFile(TestFiles.InRepository("examples", example + ".yaml"));
        PlanResult plan = Planner.Plan(scenario, suggest: false);
        var problems = new List<string>();
        foreach (EngineLaunch launch in plan.Launch)
        {
            EngineCommandLine line = EngineCommandLine.Parse(launch.Command);
            Assert.Equal(launch.Engine, line.Engine);
            problems.AddRange(line.Problems().Select(p => $"{launch.Engine}: {p}"));
            foreach (string note in launch.Notes.Where(n => n.StartsWith("extra.yaml: ", StringComparison.Ordinal)))
            {
                string yaml = string.Join('\n', note["extra.yaml: ".Length..].Split("; "));
                problems.AddRange(EngineArguments.CheckExtraOptionsYaml(yaml).Select(p => $"{launch.Engine} extra.yaml: {p}"));
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    /// <summary>Issue 20's deployments, multi-node ones included: every command of every node.</summary>
    [Theory]
    [InlineData("kimi-k2", "h100-sxm", 64, "sglang")]
    [InlineData("deepseek-v3", "h200-sxm", 16, "vllm")]
    [InlineData("deepseek-v3", "h200-sxm", 16, "sglang")]
    [InlineData("deepseek-v3", "h200-sxm", 16, "trtllm")]
    public void Every_flag_of_every_node_exists_and_parses(string model, string gpu, int gpus, string engine)
    {
        Scenario scenario = ScenarioReader.Read(ParaPlan.Input.DocumentLoader.Parse(
            $"model: {model}\nprecision: {{weights: fp8}}\nhardware: {{gpu: {gpu}, gpus: {gpus}}}\nengine: {engine}\nworkload: {{input_tokens: 2048, output_tokens: 1024, concurrency: max}}\n",
            "issue20.yaml"), "issue20.yaml", null);
        PlanResult plan = Planner.Plan(scenario, suggest: false);
        var problems = new List<string>();
        foreach (EngineLaunch launch in plan.Launch.Where(l => l.Expressible))
        {
            foreach (string command in launch.Commands)
            {
                if (command.StartsWith("ray start", StringComparison.Ordinal) && !command.Contains('\n', StringComparison.Ordinal))
                {
                    // A Ray worker node (vLLM across nodes with the Ray executor): `ray start` is Ray's command, not the engine's.
                    problems.AddRange(RayStartProblems(command).Select(p => $"{launch.Engine}: {p}"));
                    continue;
                }

                problems.AddRange(EngineCommandLine.Parse(command).Problems().Select(p => $"{launch.Engine}: {p}"));
            }

            // The extra-options files; a disaggregated TensorRT-LLM plan's router configuration (disagg_config.yaml)
            // has keys of its own, checked against trtllm-serve's in TrtLlmDisaggregatedLaunchTests.
            foreach ((string name, string text) in launch.Files.Where(f => f.Key != "disagg_config.yaml"))
            {
                problems.AddRange(EngineArguments.CheckExtraOptionsYaml(text).Select(p => $"{launch.Engine} {name}: {p}"));
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    /// <summary>
    /// The options of `ray start` a launch may use (ray-project/ray python/ray/scripts/scripts.py, `start`: --head,
    /// --address, --port, --block), an address as host:port.
    /// </summary>
    private static IEnumerable<string> RayStartProblems(string command)
    {
        string[] tokens = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 2; i < tokens.Length; i++)
        {
            switch (tokens[i])
            {
                case "--head" or "--block":
                    break;
                case "--port" when i + 1 < tokens.Length && int.TryParse(tokens[i + 1], out _):
                    i++;
                    break;
                case "--address" when i + 1 < tokens.Length && tokens[i + 1].Contains(':', StringComparison.Ordinal):
                    i++;
                    break;
                default:
                    yield return $"ray start: unexpected '{tokens[i]}' in '{command}'";
                    break;
            }
        }
    }
}

/// <summary>The same check for the strategies that switch on the rarer flags (pipeline stages, attention DP with EP, the front end).</summary>
public class EmittedLaunchFlagsForStrategiesTests
{
    [Theory]
    [InlineData(8, 1, 1, 1, "sglang")]
    [InlineData(1, 8, 8, 1, "sglang")]
    [InlineData(1, 8, 8, 1, "vllm")]
    [InlineData(2, 4, 4, 1, "vllm")]
    [InlineData(4, 1, 4, 2, "trtllm")]
    public void Every_printed_flag_exists_and_parses(int tp, int dp, int ep, int pp, string engine)
    {
        Scenario scenario = ParaPlan.Tests.CostModel.Scenarios.Read($$"""
            model: qwen3-235b-a22b
            precision: {weights: fp8, kv_cache: fp8}
            hardware: {gpu: h100-sxm, gpus: {{tp * dp * pp}}}
            workload: {input_tokens: 1024, output_tokens: 1024, concurrency: 64}
            engine: {{engine}}
            """);
        var strategy = new ParallelStrategy(tensorParallel: tp, dataParallel: dp, expertParallel: ep, pipelineParallel: pp);
        foreach (EngineLaunch launch in LaunchSettings.For(scenario, strategy, ParaPlan.CostModel.Estimator.Estimate(scenario, strategy), "Qwen/Qwen3-235B-A22B"))
        {
            Assert.Empty(EngineCommandLine.Parse(launch.Command).Problems());
        }
    }
}
