using ParaPlan.Catalog;
using ParaPlan.CostModel;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;
using ParaPlan.Engines;
using ParaPlan.Input;
using ParaPlan.Planning;

namespace ParaPlan.Tests.Disaggregation;

/// <summary>
/// A disaggregated SGLang plan whose instances span nodes gets a Dynamo graph with <c>multinode.nodeCount</c>: each
/// worker's GPU limit is per node, and the flags Dynamo's operator appends to every node (--dist-init-addr, --nnodes,
/// --node-rank; ai-dynamo/dynamo backend_sglang.go) are not in its arguments.
/// </summary>
public sealed class DynamoMultinodeTests
{
    [Fact]
    public void A_pool_spanning_two_nodes_is_one_multinode_worker_of_eight_GPUs_a_node()
    {
        // DeepSeek-V3 on 32 H200 (8 a node): prefill DP16/EP16 (2 nodes), decode DP16/EP16 (2 nodes), 1P1D.
        Scenario s = ScenarioReader.ReadFile(TestFiles.InRepository("examples", "deepseek-v3-pd-32xh200.yaml"));
        PlanResult searched = Planner.Plan(s, suggest: false);
        var strategy = new DisaggregatedStrategy(new ParallelStrategy(1, 1, 16, 1, 16, 1), new ParallelStrategy(1, 1, 16, 1, 16, 1), 1, 1);
        EstimateResult e = Estimator.EstimateDisaggregated(s, strategy, EfficiencyCatalog.BuiltIn.Resolve(s.Engine, s.Hardware.Gpu));
        EngineLaunch sglang = LaunchSettings.ForDisaggregated(s, strategy, e).Single(l => l.Engine == "sglang");
        Assert.True(sglang.Expressible, string.Join("; ", sglang.Notes));
        Assert.Equal(2, sglang.PrefillCommands!.Count);
        Assert.Contains("--nnodes 2", sglang.PrefillCommands[1], StringComparison.Ordinal);

        IReadOnlyDictionary<string, string> files = LaunchBundle.Files(searched with { Best = e, Launch = [sglang] }, s);
        var graph = new MapReader(DocumentLoader.Parse(files["sglang/dynamo.yaml"], "dynamo.yaml"), "dynamo.yaml");
        MapReader services = graph.Map("spec")!.Map("services")!;
        foreach (string worker in new[] { "SglangPrefillWorker", "SglangDecodeWorker" })
        {
            MapReader w = services.Map(worker)!;
            Assert.Equal(2, w.Map("multinode")!.Integer("nodeCount"));
            Assert.Equal("8", w.Map("resources")!.Map("limits")!.String("gpu"));
        }

        // The arguments, given to SGLang's launcher as Dynamo does, are SGLang's own flags, none of the operator's.
        string graphText = files["sglang/dynamo.yaml"];
        foreach (string injected in new[] { "--dist-init-addr", "--nnodes", "--node-rank" })
        {
            Assert.DoesNotContain(injected, graphText, StringComparison.Ordinal);
        }

        string decodeArgs = string.Join(' ', graphText[graphText.IndexOf("SglangDecodeWorker:", StringComparison.Ordinal)..]
            .Split('\n').Where(l => l.TrimStart().StartsWith("- \"", StringComparison.Ordinal)).Select(l => l.Trim()[3..^1]));
        Assert.Contains("--disaggregation-mode decode", decodeArgs, StringComparison.Ordinal);
        Assert.Empty(EngineCommandLine.Parse("python3 -m sglang.launch_server " + decodeArgs).Problems());
    }
}
