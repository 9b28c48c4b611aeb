using ParaPlan.Catalog;
using ParaPlan.CostModel;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;
using ParaPlan.Input;

namespace ParaPlan.Tests.CostModel;

/// <summary>Scenarios and profiles for cost-model tests.</summary>
internal static class Scenarios
{
    public static Scenario Read(string yaml) => ScenarioReader.Read(DocumentLoader.Parse(yaml, "test.yaml"), "test.yaml", null);

    /// <summary>A profile whose efficiencies are all 1 and overheads 0, so that times are plain physics.</summary>
    public static EfficiencyProfile Ideal(int batchedTokens = 8192, int maxRunning = 1024) => new()
    {
        GemmComputeEfficiency = 1,
        Gemm8BitComputeEfficiency = 1,
        Gemm4BitComputeEfficiency = 1,
        GemmHalfEfficiencyTokens = 0,
        GemmHalfEfficiencyDepth = 0,
        KernelLaunchUs = 0,
        MoeKernelUs = 0,
        AttentionHalfEfficiencyTokens = 0,
        AttentionKvBandwidthEfficiency = 1,
        CollectiveOverheadUs = 0,
        InterNodeCollectiveUs = 0,
        MoeCommunicationOverlap = false,
        MoeGemmComputeEfficiency = 1,
        MoeGemmHalfEfficiencyTokens = 0,
        MoeMemoryBandwidthEfficiency = 1,
        AttentionComputeEfficiency = 1,
        MemoryBandwidthEfficiency = 1,
        IntraNodeLinkEfficiency = 1,
        InterNodeLinkEfficiency = 1,
        StepOverheadMs = 0,
        LayerOverheadUs = 0,
        MoeLayerOverheadUs = 0,
        ExpertOverheadUs = 0,
        SequenceOverheadUs = 0,
        ApiServerTokenUs = 0,
        RequestOverheadMs = 0,
        MaxBatchedTokens = batchedTokens,
        MaxRunningSequences = maxRunning,
        RuntimeReserveGb = 0,
        PrefillFirst = false,
        ApiServerRequestMs = 0,
        KvReserveInitial = 0,
        KvReserveFloor = 0,
        KvReserveDecaySteps = 0,
        Sources = new Dictionary<string, string>(),
        Name = "ideal (test)",
    };

    public static EstimateResult Estimate(string yaml, EfficiencyProfile? profile = null)
    {
        Scenario scenario = Read(yaml);
        return Estimator.Estimate(scenario, scenario.Parallel!.Value, profile ?? EfficiencyCatalog.BuiltIn.Resolve(scenario.Engine, scenario.Hardware.Gpu));
    }
}
