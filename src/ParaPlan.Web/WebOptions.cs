namespace ParaPlan.Web;

/// <summary>How <c>paraplan serve</c> runs: where it listens and the limits every request is held to.</summary>
public sealed record WebOptions
{
    /// <summary>The port; 0 lets the system choose (tests).</summary>
    public int Port { get; init; } = 5080;

    /// <summary>The address to listen on: loopback by default, so that nothing outside the machine reaches it unless asked.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Largest request body: a scenario or a written plan is a few kilobytes; 1 MiB leaves room for inline configs.</summary>
    public long MaxBodyBytes { get; init; } = 1 << 20;

    /// <summary>Longest a request may compute before it is stopped and answered with an error.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Requests computing at once: one per core, as each search already uses every core.</summary>
    public int MaxConcurrent { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Requests waiting for a turn beyond <see cref="MaxConcurrent"/>; more are answered 503 at once.</summary>
    public int MaxQueued { get; init; } = 200;
}
