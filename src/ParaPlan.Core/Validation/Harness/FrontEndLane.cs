namespace ParaPlan.Validation.Harness;

/// <summary>
/// The front end's one FIFO lane in a served benchmark run (docs/cost-model.md, "Serving a burst"): its time per
/// streamed token and per admitted request, the API server's and the benchmark client's together.
/// </summary>
/// <param name="TokenUs">Time per streamed token, microseconds.</param>
/// <param name="RequestMs">Time per request, ms.</param>
public sealed record FrontEndLane(double TokenUs, double RequestMs)
{
    /// <summary>No front end: the engine driven in-process.</summary>
    public static FrontEndLane None { get; } = new(0, 0);
}
