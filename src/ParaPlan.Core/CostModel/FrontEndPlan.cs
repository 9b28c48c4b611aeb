namespace ParaPlan.CostModel;

/// <summary>
/// The front end one model instance needs: API-server processes (vLLM <c>--api-server-count</c>), the CPU cores
/// their work takes, and what it is for.
/// </summary>
/// <param name="ApiServers">API-server processes per instance.</param>
/// <param name="CoresBusy">CPU cores the streaming and admissions keep busy.</param>
/// <param name="Utilization">Busy fraction of each process.</param>
/// <param name="OutputTokensPerS">Output tokens per second the instance streams.</param>
/// <param name="RequestsPerS">Requests per second it admits.</param>
/// <param name="TokenUs">One process's CPU time per streamed token, microseconds.</param>
/// <param name="RequestMs">One process's CPU time per request, ms.</param>
public sealed record FrontEndPlan(int ApiServers, double CoresBusy, double Utilization, double OutputTokensPerS, double RequestsPerS, double TokenUs, double RequestMs);
