using ParaPlan.Domain;

namespace ParaPlan.CostModel.Profiles;

/// <summary>Where efficiency profiles come from: the built-in catalog, or a fit's trial values.</summary>
public interface IProfileSource
{
    EfficiencyProfile Resolve(EngineKind engine, GpuSpec gpu);
}
