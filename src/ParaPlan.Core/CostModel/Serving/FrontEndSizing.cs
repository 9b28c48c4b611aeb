using ParaPlan.CostModel.Profiles;

namespace ParaPlan.CostModel.Serving;

/// <summary>
/// Sizes the front end of one model instance (docs/cost-model.md, "The front end"): the API-server processes that
/// stream its tokens and admit its requests, each process one CPU core's worth of work, kept at most
/// <see cref="TargetUtilization"/> busy so that its queue stays short (an M/D/1 queue at 80% waits twice its service
/// time on average). The plan states the count; the tokens are never paced by it.
/// </summary>
internal static class FrontEndSizing
{
    /// <summary>The busy fraction a sized API-server process is kept under.</summary>
    public const double TargetUtilization = 0.8;

    /// <param name="outputTokensPerS">Output tokens per second the instance streams.</param>
    /// <param name="requestsPerS">Requests per second it admits.</param>
    /// <param name="profile">The engine's per-process costs.</param>
    public static FrontEndPlan Size(double outputTokensPerS, double requestsPerS, EfficiencyProfile profile)
    {
        double busy = (outputTokensPerS * profile.ApiServerTokenUs / 1e6) + (requestsPerS * profile.ApiServerRequestMs / 1e3);
        int processes = (int)Math.Max(1, Math.Min(1024, Math.Ceiling(busy / TargetUtilization)));
        return new FrontEndPlan(processes, Math.Round(busy, 4), Math.Round(busy / processes, 4), outputTokensPerS, requestsPerS, profile.ApiServerTokenUs, profile.ApiServerRequestMs);
    }
}
