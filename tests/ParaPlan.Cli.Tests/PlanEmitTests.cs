using System.Diagnostics;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace ParaPlan.Tests;

/// <summary>
/// <c>paraplan plan FILE --emit DIR</c> (issue 20): the launch bundle parses: every shell script passes <c>bash -n</c>,
/// every YAML file loads, and a multi-node instance has one script per node and a LeaderWorkerSet.
/// </summary>
public sealed class PlanEmitTests
{
    [Fact]
    public void The_bundle_of_a_four_node_SGLang_instance_parses()
    {
        // Kimi-K2 on 64 H100 with SGLang at the most sequences that fit: an instance spans several nodes of 8 (DP32 EP32
        // x2 on 4 nodes each before the refit of SGLang's per-sequence CPU work; dp16 pp3 ep16 on 6 nodes after it).
        string scenario = TestFiles.Write("""
            model: kimi-k2
            precision: {weights: fp8}
            hardware: {gpu: h100-sxm, gpus: 64}
            engine: sglang
            workload: {input_tokens: 2048, output_tokens: 1024, concurrency: max}
            """);
        string folder = Path.Combine(Path.GetTempPath(), "paraplan-emit-" + Guid.NewGuid().ToString("N"));
        try
        {
            CliRun run = CliRun.Of("plan", scenario, "--emit", folder, "--format", "json");

            Assert.Equal(0, run.ExitCode);
            using JsonDocument plan = JsonDocument.Parse(run.Output);
            JsonElement parallel = plan.RootElement.GetProperty("best").GetProperty("parallel");
            int instanceGpus = parallel.GetProperty("gpus").GetInt32() / parallel.GetProperty("replicas").GetInt32();
            int nodes = instanceGpus / 8;
            Assert.True(nodes > 1, $"an instance of {instanceGpus} GPUs");
            // A disaggregated plan (1P1D with a DP32 EP32 decode pool on 4 nodes since the DP groups of an aggregated
            // instance wait for each other's prompts) has a script per node of each pool; "parallel" is its decode pool.
            bool disaggregated = plan.RootElement.GetProperty("best").TryGetProperty("disaggregation", out JsonElement pd) && pd.ValueKind == JsonValueKind.Object;
            string prefix = disaggregated ? "decode-node-" : "node-";
            string[] scripts = Directory.GetFiles(Path.Combine(folder, "sglang"), prefix + "*.sh");
            Assert.Equal(nodes, scripts.Length);
            Assert.Contains("--node-rank 1", File.ReadAllText(Path.Combine(folder, "sglang", prefix + "1.sh")), StringComparison.Ordinal);
            foreach (string script in Directory.GetFiles(folder, "*.sh", SearchOption.AllDirectories))
            {
                Assert.True(BashParses(script, out string error), $"{script}: {error}");
            }

            string[] yamls = Directory.GetFiles(folder, "*.yaml", SearchOption.AllDirectories);
            // Each engine that can run the strategy has its folder (TensorRT-LLM with its extra options); one that cannot
            // has none, and the plan says why.
            foreach (JsonElement launch in plan.RootElement.GetProperty("launch").EnumerateArray())
            {
                string engine = launch.GetProperty("engine").GetString()!;
                bool expressible = launch.GetProperty("expressible").GetBoolean();
                Assert.Equal(expressible, Directory.Exists(Path.Combine(folder, engine)));
                Assert.True(expressible || launch.GetProperty("notes").GetArrayLength() > 0, engine);
                if (engine == "trtllm" && expressible)
                {
                    Assert.Contains(yamls, y => y.EndsWith(Path.Combine("trtllm", "extra.yaml"), StringComparison.Ordinal));
                }
            }

            foreach (string yaml in yamls)
            {
                var stream = new YamlStream();
                stream.Load(new StringReader(File.ReadAllText(yaml)));
                Assert.Single(stream.Documents);
            }

            // The instance on Kubernetes: a LeaderWorkerSet of one pod per node, or, disaggregated, a Dynamo graph whose
            // decode worker spans that many nodes.
            var manifest = new YamlStream();
            manifest.Load(new StringReader(File.ReadAllText(Path.Combine(folder, "sglang", disaggregated ? "dynamo.yaml" : "k8s.yaml"))));
            var root = (YamlMappingNode)manifest.Documents[0].RootNode;
            string nodeCount = nodes.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (disaggregated)
            {
                Assert.Equal("DynamoGraphDeployment", root["kind"].ToString());
                var decode = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)root["spec"])["services"])["SglangDecodeWorker"];
                Assert.Equal(nodeCount, ((YamlMappingNode)decode["multinode"])["nodeCount"].ToString());
            }
            else
            {
                Assert.Equal("LeaderWorkerSet", root["kind"].ToString());
                Assert.Equal(nodeCount, ((YamlMappingNode)((YamlMappingNode)root["spec"])["leaderWorkerTemplate"])["size"].ToString());
            }
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public void An_unwritable_folder_is_bad_input()
    {
        string file = TestFiles.Write("x", ".txt");
        CliRun run = CliRun.Of("plan", TestFiles.InRepository("examples", "qwen3-235b-8xh100.yaml"), "--emit", Path.Combine(file, "sub"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--emit: cannot write the launch bundle", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    private static bool BashParses(string script, out string error)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-n", script]) { RedirectStandardError = true })!;
        error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0;
    }
}
