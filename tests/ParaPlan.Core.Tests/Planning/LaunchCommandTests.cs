using System.Globalization;
using System.Text.RegularExpressions;
using ParaPlan.Catalog;
using ParaPlan.CostModel;
using ParaPlan.Domain;
using ParaPlan.Planning;
using ParaPlan.Tests.CostModel;

namespace ParaPlan.Tests.Planning;

/// <summary>Launch commands name a loadable model, size memory in each engine's own terms and start every node (issue 20).</summary>
public class LaunchCommandTests
{
    private static (Scenario Scenario, EstimateResult Estimate, IReadOnlyList<EngineLaunch> Launch) FromExample(string name)
    {
        Scenario scenario = ScenarioReader.ReadFile(TestFiles.InRepository("examples", name + ".yaml"));
        return Launch(scenario);
    }

    private static (Scenario Scenario, EstimateResult Estimate, IReadOnlyList<EngineLaunch> Launch) Launch(Scenario scenario)
    {
        ParallelStrategy strategy = scenario.Parallel!.Value;
        EstimateResult estimate = Estimator.Estimate(scenario, strategy);
        return (scenario, estimate, LaunchSettings.For(scenario, strategy, estimate));
    }

    private static Scenario DeepSeekV3On16H200(string engine, string parallel) => Scenarios.Read($"""
        model: deepseek-v3
        precision: {"{"}weights: fp8{"}"}
        hardware: {"{"}gpu: h200-sxm, gpus: 16, gpus_per_node: 8{"}"}
        engine: {engine}
        parallel: {parallel}
        workload: {"{"}input_tokens: 2048, output_tokens: 1024, concurrency: 128{"}"}
        """);

    private static double Flag(EngineLaunch launch, string flag)
    {
        Match m = Regex.Match(launch.Commands[0], Regex.Escape(flag) + @" ([0-9.]+)");
        Assert.True(m.Success, $"{flag} missing in {launch.Command}");
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>The KV pool by hand: all the memory the plan allows after weights, activations and runtime, at least the KV cache.</summary>
    private static double Pool(MemoryPerGpu m) => Math.Max(m.KvCache, m.Limit - m.Weights - m.Activations - m.Runtime);

    private static double SglangByHand(MemoryPerGpu m) => Math.Round((m.Weights + Pool(m)) / m.Capacity, 2, MidpointRounding.AwayFromZero);

    private static double TrtByHand(MemoryPerGpu m) => Math.Round(Pool(m) / (m.Capacity - m.Weights - m.Activations - m.Runtime), 2, MidpointRounding.AwayFromZero);

    [Fact]
    public void Qwen3_235B_on_8_H100_names_the_FP8_repo_for_vllm()
    {
        var (_, estimate, launch) = FromExample("qwen3-235b-8xh100");
        EngineLaunch vllm = launch.Single(l => l.Engine == "vllm");
        Assert.StartsWith("vllm serve Qwen/Qwen3-235B-A22B-FP8 \\", vllm.Command, StringComparison.Ordinal);
        Assert.Equal("Qwen/Qwen3-235B-A22B-FP8", vllm.Model);
        Assert.Single(vllm.Commands);
        Assert.DoesNotContain("--quantization", vllm.Command, StringComparison.Ordinal);
        MemoryPerGpu m = estimate.MemoryPerGpuGb;
        double total = Math.Round((m.Weights + m.Activations + m.Runtime + Pool(m)) / m.Capacity, 2, MidpointRounding.AwayFromZero);
        Assert.Equal(total, Flag(vllm, "--gpu-memory-utilization"));
        Assert.Equal(0.9, Flag(vllm, "--gpu-memory-utilization"));   // the scenario's default limit, all of which vLLM may use
        Assert.Equal(SglangByHand(m), Flag(launch.Single(l => l.Engine == "sglang"), "--mem-fraction-static"));
        Assert.True(Flag(launch.Single(l => l.Engine == "sglang"), "--mem-fraction-static") >= 0.6);
    }

    [Fact]
    public void DeepSeek_V3_on_2x8_H200_runs_on_both_nodes_with_memory_in_each_engine_s_terms()
    {
        var (_, estimate, launch) = FromExample("deepseek-v3-2x8xh200");
        MemoryPerGpu m = estimate.MemoryPerGpuGb;
        foreach (EngineLaunch l in launch)
        {
            Assert.Equal("deepseek-ai/DeepSeek-V3", l.Model);
            Assert.Contains(" deepseek-ai/DeepSeek-V3 \\", l.Commands[0], StringComparison.Ordinal);
            Assert.DoesNotContain(" deepseek-v3 ", l.Command, StringComparison.Ordinal);
        }

        EngineLaunch sglang = launch.Single(l => l.Engine == "sglang");
        double fraction = Flag(sglang, "--mem-fraction-static");
        Assert.True(fraction >= 0.6, $"{fraction}");
        Assert.Equal(SglangByHand(m), fraction);
        Assert.Equal(2, sglang.Commands.Count);
        for (int node = 0; node < 2; node++)
        {
            Assert.Contains($"--node-rank {node}", sglang.Commands[node], StringComparison.Ordinal);
            Assert.Contains("--nnodes 2", sglang.Commands[node], StringComparison.Ordinal);
            Assert.Contains($"--dist-init-addr {LaunchSettings.LeaderHost}:", sglang.Commands[node], StringComparison.Ordinal);
        }

        Assert.Contains(sglang.Notes, n => n.Contains(LaunchSettings.LeaderHost, StringComparison.Ordinal));

        EngineLaunch trt = launch.Single(l => l.Engine == "trtllm");
        double free = Flag(trt, "--kv_cache_free_gpu_memory_fraction");
        Assert.True(free >= 0.5, $"{free}");
        Assert.Equal(TrtByHand(m), free);
        Assert.StartsWith("mpirun ", trt.Commands[0], StringComparison.Ordinal);
        Assert.Contains("-n 16 trtllm-llmapi-launch trtllm-serve deepseek-ai/DeepSeek-V3", trt.Commands[0], StringComparison.Ordinal);

        // tp 8 x dp 2: one DP rank of 8 GPUs per node, vLLM's multi-node data parallel.
        EngineLaunch vllm = launch.Single(l => l.Engine == "vllm");
        Assert.Equal(2, vllm.Commands.Count);
        Assert.DoesNotContain("--headless", vllm.Commands[0], StringComparison.Ordinal);
        Assert.Contains("--data-parallel-size-local 1", vllm.Commands[0], StringComparison.Ordinal);
        Assert.Contains("--headless", vllm.Commands[1], StringComparison.Ordinal);
        Assert.Contains("--data-parallel-start-rank 1", vllm.Commands[1], StringComparison.Ordinal);
        Assert.All(vllm.Commands, c => Assert.Contains($"--data-parallel-address {LaunchSettings.LeaderHost}", c, StringComparison.Ordinal));
        Assert.All(vllm.Commands, c => Assert.Contains("--data-parallel-rpc-port ", c, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("vllm")]
    [InlineData("sglang")]
    [InlineData("trtllm")]
    public void DeepSeek_V3_on_16_H200_with_tp_16_per_engine(string engine)
    {
        var (_, estimate, launch) = Launch(DeepSeekV3On16H200(engine, "{tp: 16, ep: 16}"));
        MemoryPerGpu m = estimate.MemoryPerGpuGb;
        EngineLaunch own = launch.Single(l => l.Engine == engine);
        Assert.Equal("deepseek-ai/DeepSeek-V3", own.Model);
        Assert.Contains("deepseek-ai/DeepSeek-V3", own.Commands[0], StringComparison.Ordinal);
        switch (engine)
        {
            case "sglang":
                Assert.Equal(2, own.Commands.Count);
                Assert.Contains("--node-rank 0", own.Commands[0], StringComparison.Ordinal);
                Assert.Contains("--node-rank 1", own.Commands[1], StringComparison.Ordinal);
                Assert.True(Flag(own, "--mem-fraction-static") >= 0.6);
                Assert.Equal(SglangByHand(m), Flag(own, "--mem-fraction-static"));
                break;
            case "trtllm":
                Assert.Single(own.Commands);
                Assert.Contains("trtllm-llmapi-launch trtllm-serve deepseek-ai/DeepSeek-V3", own.Command, StringComparison.Ordinal);
                Assert.True(Flag(own, "--kv_cache_free_gpu_memory_fraction") >= 0.5);
                Assert.Equal(TrtByHand(m), Flag(own, "--kv_cache_free_gpu_memory_fraction"));
                break;
            default:
                // tp 16 crosses the nodes: a Ray cluster, vllm serve on node 0, a Ray worker on node 1.
                Assert.Equal(2, own.Commands.Count);
                Assert.StartsWith("ray start --head", own.Commands[0], StringComparison.Ordinal);
                Assert.Contains("--distributed-executor-backend ray", own.Commands[0], StringComparison.Ordinal);
                Assert.Contains($"ray start --address {LaunchSettings.LeaderHost}:", own.Commands[1], StringComparison.Ordinal);
                break;
        }
    }

    [Fact]
    public void A_scenario_s_model_repo_is_used_as_given()
    {
        Scenario scenario = Scenarios.Read("""
            model: qwen3-235b-a22b
            model_repo: my-org/Qwen3-235B-A22B-W8
            precision: {weights: fp8}
            hardware: {gpu: h100-sxm, gpus: 8}
            parallel: {tp: 8, ep: 8}
            workload: {input_tokens: 1024, output_tokens: 1024, concurrency: 16}
            """);
        Assert.All(Launch(scenario).Launch, l => Assert.Equal("my-org/Qwen3-235B-A22B-W8", l.Model));
        Scenario synonym = Scenarios.Read("""
            model: qwen3-235b-a22b
            hf_repo: Qwen/Qwen3-235B-A22B-FP8
            precision: {weights: fp8}
            hardware: {gpu: h100-sxm, gpus: 8}
            """);
        Assert.Equal("Qwen/Qwen3-235B-A22B-FP8", synonym.ModelRepo);
    }

    [Fact]
    public void Without_a_checkpoint_at_the_plan_s_precision_the_base_repo_is_quantised_on_load_where_the_engine_can()
    {
        Scenario scenario = Scenarios.Read("""
            model: llama-3.1-405b
            precision: {weights: fp8}
            hardware: {gpu: h200-sxm, gpus: 8}
            parallel: {tp: 8}
            workload: {input_tokens: 1024, output_tokens: 1024, concurrency: 16}
            """);
        IReadOnlyList<EngineLaunch> launch = Launch(scenario).Launch;
        Assert.All(launch, l => Assert.Equal("meta-llama/Llama-3.1-405B-Instruct", l.Model));
        Assert.All(launch, l => Assert.Contains(l.Notes, n => n.Contains("no published fp8 checkpoint", StringComparison.Ordinal)));
        Assert.Contains("--quantization fp8", launch.Single(l => l.Engine == "vllm").Command, StringComparison.Ordinal);
        Assert.Contains("--quantization fp8", launch.Single(l => l.Engine == "sglang").Command, StringComparison.Ordinal);
        EngineLaunch trt = launch.Single(l => l.Engine == "trtllm");
        Assert.DoesNotContain("--quantization", trt.Command, StringComparison.Ordinal);
        Assert.Contains(trt.Notes, n => n.Contains("does not quantise on load", StringComparison.Ordinal));
    }

    [Fact]
    public void An_FP4_plan_of_DeepSeek_R1_loads_NVIDIA_s_FP4_checkpoint()
    {
        Scenario scenario = Scenarios.Read("""
            model: deepseek-r1
            precision: {weights: nvfp4}
            hardware: {gpu: b200, gpus: 8}
            parallel: {tp: 8, ep: 8}
            workload: {input_tokens: 1024, output_tokens: 1024, concurrency: 16}
            """);
        Assert.All(Launch(scenario).Launch, l => Assert.Equal("nvidia/DeepSeek-R1-FP4", l.Model));
    }

    [Fact]
    public void An_inline_model_gets_a_placeholder_to_replace()
    {
        Scenario scenario = Scenarios.Read("""
            model: {name: tiny, num_hidden_layers: 2, hidden_size: 256, num_attention_heads: 4, intermediate_size: 1024, vocab_size: 1000}
            hardware: {gpu: h100-sxm, gpus: 1}
            parallel: {tp: 1}
            workload: {input_tokens: 128, output_tokens: 128, concurrency: 4}
            """);
        IReadOnlyList<EngineLaunch> launch = Launch(scenario).Launch;
        Assert.All(launch, l => Assert.Equal(ModelReference.Placeholder, l.Model));
        Assert.All(launch, l => Assert.Contains(l.Notes, n => n.StartsWith(ModelReference.Placeholder, StringComparison.Ordinal)));
    }

    [Fact]
    public void A_config_json_model_stays_a_local_path()
    {
        string dir = Path.Combine(Path.GetTempPath(), "paraplan-launch-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.Copy(TestFiles.InRepository("data", "models", "llama-3.1-8b.json"), Path.Combine(dir, "config.json"));
            string config = Path.Combine(dir, "config.json");
            Scenario scenario = Scenarios.Read($$"""
                model: {{config}}
                precision: {weights: bf16}
                hardware: {gpu: h100-sxm, gpus: 1}
                parallel: {tp: 1}
                workload: {input_tokens: 128, output_tokens: 128, concurrency: 4}
                """);
            Assert.All(Launch(scenario).Launch, l => Assert.Equal(dir, l.Model));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void An_instance_of_12_GPUs_on_8_GPU_nodes_is_started_on_8_and_4()
    {
        var (_, _, launch) = Launch(DeepSeekV3On16H200("trtllm", "{tp: 4, pp: 3, ep: 4}"));
        EngineLaunch trt = launch.Single(l => l.Engine == "trtllm");
        Assert.StartsWith($"mpirun -H {LaunchSettings.LeaderHost}:8,NODE1_ADDR:4 -n 12 trtllm-llmapi-launch trtllm-serve", trt.Command, StringComparison.Ordinal);
        EngineLaunch sglang = launch.Single(l => l.Engine == "sglang");
        Assert.Contains("\n\n# node 1 of 2\npython -m sglang.launch_server", sglang.Command, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_catalog_checkpoint_cites_its_Hugging_Face_page()
    {
        foreach (CatalogModel model in ModelCatalog.BuiltIn.All)
        {
            Assert.NotEmpty(model.Checkpoints);
            Assert.Equal(model.HuggingFaceRepo, model.Checkpoints[0].Repo);
            Assert.All(model.Checkpoints, c => Assert.Equal($"https://huggingface.co/{c.Repo}", c.Source));
        }

        Assert.True(ModelCatalog.BuiltIn.TryGet("qwen3-235b-a22b", out CatalogModel qwen));
        Assert.Contains(qwen.Checkpoints, c => c is { Repo: "Qwen/Qwen3-235B-A22B-FP8", Weights: NumericFormat.Fp8 });
        Assert.True(ModelCatalog.BuiltIn.TryGet("deepseek-v3", out CatalogModel deepseek));
        Assert.Equal(NumericFormat.Fp8, deepseek.Checkpoints[0].Weights);   // natively FP8
    }
}
