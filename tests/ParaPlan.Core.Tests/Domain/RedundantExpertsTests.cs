using ParaPlan.CostModel;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;
using ParaPlan.Planning;
using ParaPlan.Tests.CostModel;

namespace ParaPlan.Tests.Domain;

/// <summary>
/// Redundant expert slots (parallel.redundant_experts, DeepSeek's EPLB): read, checked, costed as the slots a rank
/// holds, mapped to GPUs and launched with the engines' own flags.
/// </summary>
public sealed class RedundantExpertsTests
{
    private static string DeepSeek(string parallel) => $"""
        model: deepseek-v3
        precision: {"{"}weights: fp8{"}"}
        hardware: {"{"}gpu: h100-sxm, gpus: 72{"}"}
        engine: sglang
        parallel: {parallel}
        workload: {"{"}input_tokens: 2000, output_tokens: 100, concurrency: 4096{"}"}

        """;

    private static EstimateResult Estimate(string parallel) => ParaPlan.Service.EstimateOperation.Run(Scenarios.Read(DeepSeek(parallel)), 0, EfficiencyCatalog.BuiltIn);

    [Fact]
    public void The_scenario_reads_them_and_the_json_names_them()
    {
        ParallelStrategy s = Scenarios.Read(DeepSeek("{dp: 72, ep: 72, redundant_experts: 32}")).Parallel!.Value;
        Assert.Equal(32, s.RedundantExperts);
        Assert.EndsWith("+32 redundant experts", s.ToString(), StringComparison.Ordinal);
        Assert.Equal(32, ParaPlan.Reports.StrategySummary.From(s).RedundantExperts);
        Assert.Equal(0, Scenarios.Read(DeepSeek("{dp: 64, ep: 64}")).Parallel!.Value.RedundantExperts);
    }

    [Fact]
    public void A_rank_holds_experts_plus_redundant_over_ep_slots()
    {
        // 256 + 32 slots over 72 ranks is 4 a rank, as 256 experts over 64 ranks: the same expert weights per GPU.
        // Over 32 ranks, 32 redundant slots make 9 a rank instead of 8: the experts' share (router aside) grows by 9/8.
        MemoryPerGpu ep72 = Estimate("{dp: 72, ep: 72, redundant_experts: 32}").MemoryPerGpuGb;
        MemoryPerGpu ep64 = Estimate("{dp: 64, ep: 64}").MemoryPerGpuGb;
        Assert.Equal(ep64.ExpertWeights, ep72.ExpertWeights, 4);

        MemoryPerGpu ep32 = Estimate("{dp: 32, ep: 32}").MemoryPerGpuGb;
        MemoryPerGpu ep32r = Estimate("{dp: 32, ep: 32, redundant_experts: 32}").MemoryPerGpuGb;
        // Router: 58 MoE layers x 7,168 x 256 in 16 bits, the same on every GPU.
        double router = 58 * 7168.0 * 256 * 2 / 1e9;
        Assert.Equal(9.0 / 8, (ep32r.ExpertWeights - router) / (ep32.ExpertWeights - router), 3);
    }

    [Fact]
    public void The_map_holds_every_expert_once_and_the_last_ranks_the_redundant_slots()
    {
        Scenario scenario = Scenarios.Read(DeepSeek("{dp: 72, ep: 72, redundant_experts: 32}"));
        ParallelStrategy s = scenario.Parallel!.Value;
        IReadOnlyList<GpuAssignment> map = RankLayout.Map(s, scenario.Model, scenario.Hardware.GpusPerNode);
        Assert.Equal(new IndexRange(0, 4), map[0].Experts);
        Assert.Equal(0, map[0].RedundantSlots);
        Assert.Equal(new IndexRange(252, 256), map[63].Experts);
        Assert.Equal((0, 4), (map[64].Experts.Count, map[64].RedundantSlots));
        Assert.Equal(32, map.Sum(a => a.RedundantSlots));
        Assert.True(ModuleDivisionCheck.Of(map, s, scenario.Model).Passed);
    }

    [Fact]
    public void SGLang_and_vLLM_launch_with_EPLB_and_the_slot_count()
    {
        Scenario scenario = Scenarios.Read(DeepSeek("{dp: 72, ep: 72, redundant_experts: 32}"));
        EstimateResult e = ParaPlan.Service.EstimateOperation.Run(scenario, 0, EfficiencyCatalog.BuiltIn);
        IReadOnlyList<EngineLaunch> launches = LaunchSettings.For(scenario, scenario.Parallel!.Value, e);
        string sglang = launches.Single(l => l.Engine == "sglang").Command;
        Assert.Contains("--enable-eplb", sglang, StringComparison.Ordinal);
        Assert.Contains("--ep-num-redundant-experts 32", sglang, StringComparison.Ordinal);
        EngineLaunch vllm = launches.Single(l => l.Engine == "vllm");
        Assert.True(vllm.Expressible, string.Join("; ", vllm.Notes)); // ep 72 is the whole stage: vLLM's expert parallelism
        Assert.Contains("--enable-eplb", vllm.Command, StringComparison.Ordinal);
        Assert.Contains("--num-redundant-experts 32", vllm.Command, StringComparison.Ordinal);
    }
}
