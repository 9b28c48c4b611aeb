using ParaPlan.CostModel;
using ParaPlan.CostModel.Disaggregation;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;
using ParaPlan.Engines;
using ParaPlan.Input;
using ParaPlan.Planning;
using ParaPlan.Tests.CostModel;

namespace ParaPlan.Tests.Disaggregation;

/// <summary>Prefill/decode disaggregation (issue 22, docs/disaggregation.md): the strategy, its cost, the search and the launch.</summary>
public sealed class DisaggregationTests
{
    private const string DeepSeek = """
        model: deepseek-v3
        precision: {weights: fp8}
        hardware: {gpu: h200-sxm, gpus: 32}
        engine: sglang
        workload: {input_tokens: 8192, output_tokens: 1024, concurrency: max}

        """;

    private const string Pools = """
        parallel:
          prefill: {dp: 8, ep: 8}
          decode: {dp: 16, ep: 16}
          prefill_instances: 2
          decode_instances: 1

        """;

    private static EstimateResult Estimate(string yaml)
    {
        Scenario s = Scenarios.Read(yaml);
        return Estimator.EstimateDisaggregated(s, s.Disaggregated!, EfficiencyCatalog.BuiltIn.Resolve(s.Engine, s.Hardware.Gpu));
    }

    [Fact]
    public void The_scenario_states_both_pools_and_their_instance_counts()
    {
        Scenario s = Scenarios.Read(DeepSeek + Pools);
        DisaggregatedStrategy d = s.Disaggregated!;
        Assert.Null(s.Parallel);
        Assert.Equal((8, 16, 2, 1), (d.Prefill.DataParallel, d.Decode.DataParallel, d.PrefillInstances, d.DecodeInstances));
        Assert.Equal(2 * 8 + 16, d.GpuCount);
        Assert.Contains("parallel.prefill", Assert.Throws<InputException>(() => Scenarios.Read(DeepSeek + "parallel: {prefill: {dp: 8, replicas: 2}, decode: {dp: 8}}\n")).Message, StringComparison.Ordinal);
        Assert.Contains("parallel.decode", Assert.Throws<InputException>(() => Scenarios.Read(DeepSeek + "parallel: {prefill: {dp: 8}}\n")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_KV_transfer_is_the_prompt_s_cache_over_the_link_at_the_sourced_efficiency()
    {
        // DeepSeek-V3's MLA cache: 61 layers x (512 + 64) = 35,136 elements per token, BF16: 70,272 bytes; 8,192 tokens
        // = 0.5757 GB. The instances are on different nodes: one 400 Gb/s NIC (50 GB/s) per GPU, 8 GPUs sending in
        // parallel (the smaller instance), at 0.48 of the line (Mooncake's 190 of 400 GB/s): 192 GB/s, 3.0 ms.
        EstimateResult e = Estimate(DeepSeek + Pools);
        KvTransferReport kv = e.Disaggregation!.KvTransfer;
        Assert.Equal(Math.Round(8192 * 35_136 * 2 / 1e9, 4), kv.BytesPerRequestGb, 4);
        Assert.Equal(50 * 8 * 0.48, kv.BandwidthGbps, 2);
        double transfer = (8192 * 35_136 * 2 / 1e9 / 192 * 1000) + KvTransfer.SetupMs + (Scenarios.Read(DeepSeek).Hardware.Gpu.InterNode.LatencyUs / 1000);
        Assert.Equal(transfer, kv.TransferMs, 2);
        // SGLang sends each chunk's KV after that chunk: only the last chunk's share is exposed in TTFT.
        Assert.Equal("chunk", kv.Overlap);
        Assert.True(kv.ExposedMs <= kv.TransferMs);
    }

    [Fact]
    public void Throughput_is_the_deployment_s_requests_over_both_pools_GPUs_and_TPOT_has_no_prompts_in_it()
    {
        EstimateResult e = Estimate(DeepSeek + Pools);
        DisaggregationReport d = e.Disaggregation!;
        Assert.Equal(d.RequestsPerS * 1024 / 32, e.OutputTokensPerSPerGpu, 6);
        // Concurrency max: the prefill pool (2 x dp8) cannot feed all the decode pool holds, so it runs at the plan's 90%.
        Assert.Equal("prefill", d.Bottleneck);
        Assert.Equal(DisaggregatedServing.MaxPrefillUtilization, d.Prefill.Utilization, 3);
        // The aggregated strategy of the decode pool, at the same sequences but with clients' 8k prompts arriving,
        // has a longer TPOT than the disaggregated decode pool's step.
        Scenario s = Scenarios.Read(DeepSeek.Replace("concurrency: max", $"concurrency: {(int)Math.Ceiling(d.DecodeSequences)}", StringComparison.Ordinal) + "parallel: {dp: 16, ep: 16}\n");
        EstimateResult aggregated = Estimator.Estimate(s, s.Parallel!.Value, EfficiencyCatalog.BuiltIn.Resolve(s.Engine, s.Hardware.Gpu));
        Assert.True(e.TpotMs < aggregated.TpotMs, $"{e.TpotMs} vs {aggregated.TpotMs}");
        Assert.Contains(e.Checks, c => c.Name == "memory (prefill pool)" && c.Passed);
    }

    [Fact]
    public void TTFT_waits_for_the_prefill_queue_the_transfer_and_a_decode_step()
    {
        EstimateResult e = Estimate(DeepSeek.Replace("concurrency: max", "concurrency: 1", StringComparison.Ordinal) + Pools);
        DisaggregationReport d = e.Disaggregation!;
        Assert.True(d.PrefillQueueMs < 1, "one client barely queues");
        Assert.True(e.TtftMs > d.KvTransfer.ExposedMs + e.TpotMs);
        // At concurrency max the prefill pool runs at 90%: its 2 x 8 DP groups are c = 16 servers, each serving a prompt
        // in 16 / capacity; the G/G/c wait (Allen-Cunneen with Sakasegawa's probability of waiting, fixed service,
        // Poisson-like arrivals: (ca^2 + cs^2) / 2 = 1/2) is 0.9^(sqrt(34) - 1) / (16 x 0.1) x 1/2 x service.
        EstimateResult busy = Estimate(DeepSeek + Pools);
        DisaggregationReport b = busy.Disaggregation!;
        Assert.Equal(0.9, b.Prefill.Utilization, 3);
        double service = 16 / (b.Prefill.Capacity / 8192) * 1000;
        double wait = Math.Pow(0.9, Math.Sqrt(34) - 1) / (16 * 0.1) * 0.5 * service;
        Assert.Equal(wait, b.PrefillQueueMs, wait * 1e-3);
        Assert.True(busy.TtftMs > e.TtftMs + b.PrefillQueueMs * 0.99);
    }

    [Fact]
    public void Under_a_tight_TPOT_limit_the_plan_compares_both_layouts_and_disaggregation_wins_for_long_prompts()
    {
        // DeepSeek-V3, 8k in / 1k out on 32 H200 with SGLang, TPOT at most 30 ms: aggregated instances must keep their
        // batches small for the 8k prompts not to stretch the decode steps; a decode pool has no prompts in it.
        PlanResult plan = Planner.Plan(Scenarios.Read(DeepSeek + "requirements: {tpot_ms: 30}\n"));
        LayoutComparison layouts = plan.Layouts!;
        Assert.Equal("disaggregated", layouts.Winner);
        Assert.Null(plan.Infeasible);
        Assert.NotNull(plan.Best.Disaggregation);
        Assert.True(plan.Best.TpotMs <= 30);
        Assert.Contains("output tokens/s per GPU (+", layouts.Why, StringComparison.Ordinal);
        Assert.Matches(@"^\d+ GPUs \(tp\d+ sp\d+ dp\d+ pp\d+ ep\d+ x\d+\): \d+ output tokens/s per GPU", layouts.Aggregated);
        Assert.True(layouts.Evaluated > 0 && layouts.Feasible > 0);
        Assert.Contains(plan.Mapping, a => a.Pool == "prefill");
        Assert.Contains(plan.Mapping, a => a.Pool == "decode");
    }

    [Fact]
    public void Without_a_TPOT_limit_at_short_prompts_aggregated_serving_is_kept_and_the_comparison_says_why()
    {
        PlanResult plan = Planner.Plan(Scenarios.Read(DeepSeek.Replace("input_tokens: 8192", "input_tokens: 256", StringComparison.Ordinal).Replace("output_tokens: 1024", "output_tokens: 2048", StringComparison.Ordinal)));
        Assert.NotNull(plan.Layouts);
        Assert.Equal(plan.Layouts!.Winner == "aggregated", plan.Best.Disaggregation is null);
    }

    [Fact]
    public void The_launch_commands_of_both_pools_use_only_flags_the_engines_have()
    {
        Scenario s = Scenarios.Read(DeepSeek + Pools);
        EstimateResult e = Estimate(DeepSeek + Pools);
        IReadOnlyList<EngineLaunch> launches = LaunchSettings.ForDisaggregated(s, s.Disaggregated!, e);
        EngineLaunch sglang = launches.Single(l => l.Engine == "sglang");
        Assert.Contains("--disaggregation-mode prefill", sglang.PrefillCommands![0], StringComparison.Ordinal);
        Assert.Contains("--disaggregation-mode decode", sglang.DecodeCommands![0], StringComparison.Ordinal);
        Assert.Contains(sglang.Notes, n => n.Contains("sglang_router.launch_router --pd-disaggregation", StringComparison.Ordinal));
        EngineLaunch vllm = launches.Single(l => l.Engine == "vllm");
        Assert.Contains("NixlConnector", vllm.PrefillCommands![0], StringComparison.Ordinal);

        // Each pool runs its own batch: the decode pool's sequences over its 16 DP groups; 8,192-token prompts one a step.
        int decodePerGroup = (int)Math.Ceiling(e.Disaggregation!.DecodeSequences / 16);
        Assert.True(decodePerGroup > 16);
        Assert.Contains($"--max-num-seqs {decodePerGroup} ", string.Join(" ", vllm.DecodeCommands!) + " ", StringComparison.Ordinal);
        Assert.Contains("--max-num-seqs 1 ", string.Join(" ", vllm.PrefillCommands) + " ", StringComparison.Ordinal);
        Assert.Contains($"--max-running-requests {decodePerGroup * 16} ", string.Join(" ", sglang.DecodeCommands) + " ", StringComparison.Ordinal);
        foreach (EngineLaunch launch in launches.Where(l => l.Expressible))
        {
            foreach (string command in launch.Commands)
            {
                Assert.Empty(EngineCommandLine.Parse(command).Problems());
            }
        }

        Assert.True(launches.Single(l => l.Engine == "trtllm").Expressible); // context and generation servers (TrtLlmDisaggregatedLaunchTests)
    }
}

public sealed class DisaggregatedBundleTests
{
    [Fact]
    public void A_disaggregated_plan_s_launch_files_parse_and_name_both_pools()
    {
        // Qwen3-235B FP8 with 8k prompts on up to 32 H100 with vLLM under a 40 ms TPOT: a disaggregated plan whose
        // instances each fit a node, so the bundle also holds a Dynamo graph of both pools.
        Scenario scenario = Scenarios.Read("""
            model: qwen3-235b-a22b
            precision: {weights: fp8, kv_cache: fp8}
            hardware: {gpu: h100-sxm, gpus: 32}
            engine: vllm
            workload: {input_tokens: 8192, output_tokens: 1024, concurrency: max}
            requirements: {tpot_ms: 40}
            """);
        PlanResult plan = Planner.Plan(scenario, suggest: false);
        Assert.NotNull(plan.Best.Disaggregation);
        IReadOnlyDictionary<string, string> files = LaunchBundle.Files(plan, scenario);
        Assert.Contains("vllm/prefill-node-0.sh", files.Keys);
        Assert.Contains("vllm/decode-node-0.sh", files.Keys);
        var graph = new ParaPlan.Input.MapReader(DocumentLoader.Parse(files["vllm/dynamo.yaml"], "dynamo.yaml"), "dynamo.yaml");
        Assert.Equal("DynamoGraphDeployment", graph.String("kind"));
        ParaPlan.Input.MapReader services = graph.Map("spec")!.Map("services")!;
        Assert.Equal(["Frontend", "VllmPrefillWorker", "VllmDecodeWorker"], services.Keys);
        Assert.Equal(plan.Best.Disaggregation!.Decode.Instances, services.Map("VllmDecodeWorker")!.Integer("replicas"));
        Assert.Contains("--is-prefill-worker", files["vllm/dynamo.yaml"], StringComparison.Ordinal);
        foreach (string script in files.Where(f => f.Key.StartsWith("vllm/", StringComparison.Ordinal) && f.Key.EndsWith("node-0.sh", StringComparison.Ordinal)).Select(f => f.Value))
        {
            string command = script[script.IndexOf("vllm serve", StringComparison.Ordinal)..];
            Assert.Empty(EngineCommandLine.Parse(command).Problems());
        }
    }
}

public sealed class DisaggregatedDagTests
{
    [Fact]
    public void The_DAG_shows_both_pools_and_the_KV_transfer_between_them()
    {
        // 2P1D: prefill instances of 8 GPUs (GPUs 0-7, 8-15), a decode instance of 16 (GPUs 16-31); layers 0..3.
        Scenario s = Scenarios.Read("""
            model: deepseek-v3
            precision: {weights: fp8}
            hardware: {gpu: h200-sxm, gpus: 32}
            engine: sglang
            parallel: {prefill: {dp: 8, ep: 8}, decode: {dp: 16, ep: 16}, prefill_instances: 2, decode_instances: 1}
            workload: {input_tokens: 8192, output_tokens: 1024, concurrency: 64}
            """);
        ParaPlan.Dag.DeploymentDag dag = ParaPlan.Dag.DisaggregatedDag.Build(s, s.Disaggregated!, 0, 3); // layers 0-2 dense, 3 MoE
        Assert.Equal(32, dag.Gpus);
        Assert.Empty(ParaPlan.Dag.DagChecks.Problems(dag));
        var sends = dag.Nodes.Where(n => n.Op.StartsWith("send", StringComparison.Ordinal)).ToList();
        var recvs = dag.Nodes.Where(n => n.Op.StartsWith("recv", StringComparison.Ordinal)).ToList();
        Assert.Equal([Enumerable.Range(0, 8), Enumerable.Range(8, 8)], sends.Select(n => n.Gpus.AsEnumerable()), new SequenceComparer());
        Assert.All(recvs, r => Assert.Equal(Enumerable.Range(16, 16), r.Gpus));
        // The KV of an 8,192-token prompt: 35,136 elements a token (DeepSeek-V3's MLA cache over 61 layers).
        Assert.All(sends, n => Assert.Equal([8192L, 35_136L], n.OutputShape));
        Assert.Contains(dag.Nodes, n => n.Id.StartsWith("prefill.", StringComparison.Ordinal) && n.Kind == "compute" && n.Gpus.Max() < 16);
        Assert.Contains(dag.Nodes, n => n.Id.StartsWith("decode.", StringComparison.Ordinal) && n.Kind == "compute" && n.Gpus.Min() >= 16);
        var position = dag.Nodes.Select((n, i) => (n.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        Assert.All(dag.Edges, e => Assert.True(position[e.From] < position[e.To], $"{e.From} -> {e.To}"));
        Assert.Contains(dag.Edges, e => e.From == recvs[0].Id && e.To.StartsWith("decode.", StringComparison.Ordinal));
    }

    private sealed class SequenceComparer : IEqualityComparer<IEnumerable<int>>
    {
        public bool Equals(IEnumerable<int>? x, IEnumerable<int>? y) => x!.SequenceEqual(y!);

        public int GetHashCode(IEnumerable<int> obj) => obj.Sum();
    }
}
