using System.Text.Json;
using ParaPlan.Catalog;
using ParaPlan.CostModel;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;
using ParaPlan.Engines;
using ParaPlan.Planning;
using YamlDotNet.RepresentationModel;

namespace ParaPlan.Tests.Disaggregation;

/// <summary>
/// TensorRT-LLM's disaggregated serving (issue 22, docs/disaggregation.md "Launch"): the context and generation servers'
/// commands and extra options and the router's disagg_config.yaml use only what data/engines/trtllm-args.json captured
/// from TensorRT-LLM's source, with the pools' instance counts and degrees.
/// </summary>
public sealed class TrtLlmDisaggregatedLaunchTests
{
    private static readonly Lazy<Captured> Lists = new(Captured.Read);

    private static Scenario Example() =>
        ScenarioReader.ReadFile(TestFiles.InRepository("examples", "deepseek-v3-pd-32xh200.yaml")) with { Engine = EngineKind.Trtllm };

    [Fact]
    public void The_example_s_pools_launch_as_context_and_generation_servers_behind_the_disaggregated_router()
    {
        // The example's own layout: 2 prefill instances of DP8/EP8, 1 decode instance of DP16/EP16 (two nodes).
        Scenario s = Example();
        DisaggregatedStrategy d = s.Disaggregated!;
        EstimateResult e = Estimator.EstimateDisaggregated(s, d, EfficiencyCatalog.BuiltIn.Resolve(s.Engine, s.Hardware.Gpu));
        EngineLaunch trtllm = LaunchSettings.ForDisaggregated(s, d, e).Single(l => l.Engine == "trtllm");
        Assert.True(trtllm.Expressible, string.Join("; ", trtllm.Notes));
        Assert.Single(trtllm.PrefillCommands!);
        // The decode instance spans two nodes: one mpirun from its first node starts all 16 ranks.
        Assert.Contains("mpirun", Assert.Single(trtllm.DecodeCommands!), StringComparison.Ordinal);
        Assert.Contains(trtllm.Notes, n => n.Contains("trtllm-serve disaggregated -c disagg_config.yaml", StringComparison.Ordinal));
        CheckLaunch(trtllm, Pool.Of(d.Prefill, d.PrefillInstances), Pool.Of(d.Decode, d.DecodeInstances));
    }

    [Fact]
    public void The_searched_disaggregated_layout_launched_with_TensorRT_LLM_writes_the_servers_scripts_their_options_and_the_router()
    {
        // With TensorRT-LLM's efficiencies the example's plan stays aggregated (no disaggregated layout meets the 30 ms
        // TPOT), so the layout the search picks for the example's own engine (SGLang) is costed and launched with
        // TensorRT-LLM, as a plan with that engine would be: on the same GPUs per instance, with attention DP over every
        // GPU (TensorRT-LLM's attention DP runs attention tp 1, where SGLang may keep tp x dp).
        Scenario sglang = ScenarioReader.ReadFile(TestFiles.InRepository("examples", "deepseek-v3-pd-32xh200.yaml"));
        PlanResult searched = Planner.Plan(sglang, suggest: false);
        ParaPlan.CostModel.Disaggregation.DisaggregationReport layout = searched.Best.Disaggregation!;
        var strategy = new DisaggregatedStrategy(AttentionDpPerGpu(layout.Prefill.Instance), AttentionDpPerGpu(layout.Decode.Instance), layout.Prefill.Instances, layout.Decode.Instances);
        Scenario s = Example();
        EstimateResult e = Estimator.EstimateDisaggregated(s, strategy, EfficiencyCatalog.BuiltIn.Resolve(s.Engine, s.Hardware.Gpu));
        EngineLaunch trtllm = LaunchSettings.ForDisaggregated(s, strategy, e).Single(l => l.Engine == "trtllm");
        PlanResult plan = searched with { Best = e, Launch = [trtllm] };
        Assert.True(trtllm.Expressible, string.Join("; ", trtllm.Notes));
        Pool prefill = Pool.Of(strategy.Prefill, strategy.PrefillInstances);
        Pool decode = Pool.Of(strategy.Decode, strategy.DecodeInstances);
        CheckLaunch(trtllm, prefill, decode);

        IReadOnlyDictionary<string, string> files = LaunchBundle.Files(plan, s);
        foreach (string name in new[] { "prefill-node-0.sh", "decode-node-0.sh", "prefill-extra.yaml", "decode-extra.yaml", "disagg_config.yaml", "router.sh", "benchmark.sh" })
        {
            Assert.Contains("trtllm/" + name, files.Keys);
        }

        Assert.Equal(trtllm.Files["disagg_config.yaml"], files["trtllm/disagg_config.yaml"]);
        // The node scripts run from their folder, where the extra-options file they name is.
        Assert.Contains("cd \"$(dirname \"$0\")\"", files["trtllm/prefill-node-0.sh"], StringComparison.Ordinal);
        Assert.Contains("--extra_llm_api_options prefill-extra.yaml", files["trtllm/prefill-node-0.sh"], StringComparison.Ordinal);
        string router = files["trtllm/router.sh"].Split('\n').Single(l => l.StartsWith("trtllm-serve disaggregated", StringComparison.Ordinal));
        CheckRouterCommand(router);
        Assert.Contains("trtllm/", files["README.md"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_captured_lists_name_their_sources_and_the_context_server_requirement()
    {
        Captured c = Lists.Value;
        Assert.Contains("-c", c.RouterFlags);
        Assert.Contains("--config_file", c.RouterFlags);
        Assert.Contains("context_servers", c.ConfigKeys);
        Assert.Contains("num_instances", c.ServerKeys);
        Assert.Contains("urls", c.ServerKeys);
        Assert.Contains("NIXL", c.Backends);
        Assert.Contains("UCX", c.Backends);
        Assert.Equal("true", c.ContextRequires["disable_overlap_scheduler"]);
        Assert.Contains("cache_transceiver_config.backend", c.YamlKeys);
        Assert.All(c.Sources, source => Assert.Matches("(tensorrt_llm|docs|examples)/", source));
        // The engine argument list the launch checker uses reads the same file: the new keys pass its check.
        Assert.Empty(EngineArguments.CheckExtraOptionsYaml("disable_overlap_scheduler: true\ncache_transceiver_config: {backend: NIXL, max_tokens_in_buffer: 8192}\n"));
    }

    private static ParallelStrategy AttentionDpPerGpu(ParaPlan.Reports.StrategySummary s) =>
        s.Dp > 1 ? new(1, s.Sp, s.Tp * s.Dp, s.Pp, s.Ep, 1) : new(s.Tp, s.Sp, s.Dp, s.Pp, s.Ep, 1);

    /// <summary>One pool as TensorRT-LLM states it: instances, tensor_parallel_size (the stage's GPUs), pipeline and expert degrees, attention DP.</summary>
    private sealed record Pool(int Instances, long TensorParallelSize, int PipelineParallelSize, int ExpertParallelSize, bool AttentionDp)
    {
        public static Pool Of(ParallelStrategy s, int instances) =>
            new(instances, s.GpusPerStage, s.PipelineParallel, s.ExpertParallel, s.DataParallel > 1);
    }

    private static void CheckLaunch(EngineLaunch trtllm, Pool prefill, Pool decode)
    {
        Captured captured = Lists.Value;

        // Every instance command is trtllm-serve MODEL with known flags, naming its pool's options file.
        foreach (string command in trtllm.Commands)
        {
            Assert.Empty(EngineCommandLine.Parse(command).Problems());
        }

        Assert.Contains("--extra_llm_api_options prefill-extra.yaml", trtllm.PrefillCommands![0], StringComparison.Ordinal);
        Assert.Contains("--extra_llm_api_options decode-extra.yaml", trtllm.DecodeCommands![0], StringComparison.Ordinal);
        Assert.Contains($"--tp_size {prefill.TensorParallelSize}", trtllm.PrefillCommands[0], StringComparison.Ordinal);
        Assert.Contains($"--tp_size {decode.TensorParallelSize}", trtllm.DecodeCommands[0], StringComparison.Ordinal);
        CheckRouterCommand(trtllm.Command.Split('\n').Single(l => l.StartsWith("trtllm-serve disaggregated", StringComparison.Ordinal)));

        // The pools' extra options: known keys and values; both carry cache_transceiver_config with a captured backend,
        // and the context (prefill) servers what the docs require of them.
        var prefillOptions = Leaves(Parse(trtllm.Files["prefill-extra.yaml"]));
        var decodeOptions = Leaves(Parse(trtllm.Files["decode-extra.yaml"]));
        foreach ((string name, Dictionary<string, string?> options, Pool pool) in new[] { ("prefill-extra.yaml", prefillOptions, prefill), ("decode-extra.yaml", decodeOptions, decode) })
        {
            Assert.All(options.Keys, key => Assert.True(captured.YamlKeys.Contains(key), $"{name}: {key} is not a captured extra-options key"));
            Assert.Contains(options["cache_transceiver_config.backend"]!, captured.Backends);
            Assert.True(int.Parse(options["cache_transceiver_config.max_tokens_in_buffer"]!, System.Globalization.CultureInfo.InvariantCulture) >= 8192, "the buffer holds the longest prompt");
            Assert.Equal(pool.AttentionDp, options.GetValueOrDefault("enable_attention_dp") == "true");
            Assert.Empty(EngineArguments.CheckExtraOptionsYaml(trtllm.Files[name]));
        }

        foreach ((string key, string value) in captured.ContextRequires)
        {
            Assert.Equal(value, prefillOptions[key]);
        }

        Assert.DoesNotContain("disable_overlap_scheduler", decodeOptions.Keys);

        // The router's configuration: known keys, each pool's instance count, urls and degrees in TensorRT-LLM's terms.
        YamlMappingNode config = Parse(trtllm.Files["disagg_config.yaml"]);
        foreach ((YamlNode key, YamlNode _) in config.Children)
        {
            string name = ((YamlScalarNode)key).Value!;
            Assert.True(captured.ConfigKeys.Contains(name) || captured.YamlKeys.Contains(name), $"disagg_config.yaml: {name} is not captured");
        }

        Assert.Equal("8000", Scalar(config, "port"));
        CheckServers(config, "context_servers", "PREFILL", prefill, captured);
        CheckServers(config, "generation_servers", "DECODE", decode, captured);
    }

    private static void CheckServers(YamlMappingNode config, string section, string host, Pool pool, Captured captured)
    {
        var servers = (YamlMappingNode)config.Children[new YamlScalarNode(section)];
        foreach ((YamlNode key, YamlNode value) in servers.Children)
        {
            string name = ((YamlScalarNode)key).Value!;
            Assert.True(captured.ServerKeys.Contains(name) || captured.YamlKeys.Contains(name), $"disagg_config.yaml {section}: {name} is not captured");
            Assert.True(value is YamlScalarNode || name == "urls", $"{section}.{name}: only scalars and the urls list are written");
        }

        Assert.Equal(pool.Instances.ToString(System.Globalization.CultureInfo.InvariantCulture), Scalar(servers, "num_instances"));
        Assert.Equal(pool.TensorParallelSize.ToString(System.Globalization.CultureInfo.InvariantCulture), Scalar(servers, "tensor_parallel_size"));
        Assert.Equal(pool.PipelineParallelSize.ToString(System.Globalization.CultureInfo.InvariantCulture), Scalar(servers, "pipeline_parallel_size"));
        Assert.Equal(pool.ExpertParallelSize.ToString(System.Globalization.CultureInfo.InvariantCulture), Scalar(servers, "moe_expert_parallel_size"));
        Assert.Equal(pool.AttentionDp ? "true" : "false", Scalar(servers, "enable_attention_dp"));
        var urls = (YamlSequenceNode)servers.Children[new YamlScalarNode("urls")];
        Assert.Equal(pool.Instances, urls.Children.Count);
        Assert.All(urls.Children.Select((u, i) => (Url: ((YamlScalarNode)u).Value!, Index: i)), u => Assert.Matches($"^{host}_{u.Index}:[0-9]+$", u.Url));
    }

    private static void CheckRouterCommand(string command)
    {
        string[] tokens = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["trtllm-serve", "disaggregated"], tokens[..2]);
        Captured captured = Lists.Value;
        for (int i = 2; i < tokens.Length; i++)
        {
            Assert.True(captured.RouterFlags.Contains(tokens[i]), $"{tokens[i]} is not a captured flag of trtllm-serve disaggregated");
            i++; // every flag the router is given takes a value
        }

        Assert.Contains("disagg_config.yaml", tokens);
    }

    private static YamlMappingNode Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string Scalar(YamlMappingNode map, string key) => ((YamlScalarNode)map.Children[new YamlScalarNode(key)]).Value!;

    /// <summary>Dotted key paths of a mapping, each with its scalar value (null for a sequence).</summary>
    private static Dictionary<string, string?> Leaves(YamlMappingNode map, string prefix = "")
    {
        var leaves = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach ((YamlNode key, YamlNode value) in map.Children)
        {
            string path = prefix + ((YamlScalarNode)key).Value;
            if (value is YamlMappingNode child)
            {
                leaves[path] = null;
                foreach ((string k, string? v) in Leaves(child, path + "."))
                {
                    leaves[k] = v;
                }
            }
            else
            {
                leaves[path] = (value as YamlScalarNode)?.Value;
            }
        }

        return leaves;
    }

    /// <summary>What data/engines/trtllm-args.json captured: the extra-options keys and its <c>disaggregated</c> section.</summary>
    private sealed record Captured(
        HashSet<string> YamlKeys, HashSet<string> RouterFlags, HashSet<string> ConfigKeys, HashSet<string> ServerKeys,
        HashSet<string> Backends, Dictionary<string, string> ContextRequires, IReadOnlyList<string> Sources)
    {
        public static Captured Read()
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(TestFiles.InRepository("data", "engines", "trtllm-args.json")));
            JsonElement root = doc.RootElement;
            JsonElement d = root.GetProperty("disaggregated");
            static HashSet<string> Names(JsonElement obj) => [.. obj.EnumerateObject().Select(p => p.Name)];
            return new Captured(
                Names(root.GetProperty("yaml_keys")),
                [.. d.GetProperty("flags").EnumerateArray().SelectMany(f => f.GetProperty("names").EnumerateArray().Select(n => n.GetString()!))],
                Names(d.GetProperty("config_keys")),
                Names(d.GetProperty("server_keys")),
                [.. d.GetProperty("cache_transceiver_backends").EnumerateArray().Select(b => b.GetString()!)],
                d.GetProperty("context_server_requires").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString().ToLowerInvariant(), StringComparer.Ordinal),
                [.. d.GetProperty("sources").EnumerateObject().Select(p => p.Value.GetString()!)]);
        }
    }
}
