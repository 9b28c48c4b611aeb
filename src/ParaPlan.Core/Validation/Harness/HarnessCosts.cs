namespace ParaPlan.Validation.Harness;

/// <summary>
/// What a benchmark harness adds on top of the deployment, on the front end's lane of a served run (docs/validation.md,
/// "The benchmark harness"): the client's CPU time per streamed token it receives and parses (a client process on the
/// GPU host competes with the API server; one process parsing a thousand streams is slow) and per request it sends.
/// These are properties of one source's benchmark setup, fitted per source as nuisance parameters; they never reach
/// what <c>estimate</c> or <c>plan</c> tell a user about a deployment.
/// </summary>
/// <param name="ClientTokenUs">Client-side time per streamed token on the front end's lane, microseconds.</param>
/// <param name="ClientRequestMs">Client-side time per request sent, on the same lane, ms.</param>
public sealed record HarnessCosts(double ClientTokenUs, double ClientRequestMs)
{
    /// <summary>No harness cost: offline runs, or a client that keeps up.</summary>
    public static HarnessCosts None { get; } = new(0, 0);

    /// <summary>The value named as in a fit's output.</summary>
    public double Get(string key) => key switch
    {
        HarnessKeys.ClientTokenUs => ClientTokenUs,
        HarnessKeys.ClientRequestMs => ClientRequestMs,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "not a harness value"),
    };

    /// <summary>This harness with one value replaced.</summary>
    public HarnessCosts With(string key, double value) => key switch
    {
        HarnessKeys.ClientTokenUs => this with { ClientTokenUs = value },
        HarnessKeys.ClientRequestMs => this with { ClientRequestMs = value },
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "not a harness value"),
    };
}

/// <summary>The names of the harness values in a fit's output.</summary>
public static class HarnessKeys
{
    public const string ClientTokenUs = "client_token_us";
    public const string ClientRequestMs = "client_request_ms";
}
