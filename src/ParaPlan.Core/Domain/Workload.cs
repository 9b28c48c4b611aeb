namespace ParaPlan.Domain;

/// <summary>How requests reach the deployment (docs/serving-at-a-rate.md, "Workload forms").</summary>
public enum WorkloadForm
{
    /// <summary><c>concurrency: C</c>: C clients, each sending its next request when its previous one finishes (steady state).</summary>
    ClosedLoop,

    /// <summary><c>burst: N</c>: N requests arrive together (the first token of the last of them is the TTFT).</summary>
    Burst,

    /// <summary><c>request_rate: R</c>: requests arrive at R per second, Poisson or gamma-distributed gaps.</summary>
    RequestRate,

    /// <summary><c>trace: FILE</c>: arrivals and lengths read from an Azure LLM inference or Mooncake trace.</summary>
    Trace,
}

/// <summary>How a request is given to one of several replicas or DP groups.</summary>
public enum RouterPolicy
{
    /// <summary>In turn, whatever their load (a Kubernetes Service, vLLM's and SGLang's default DP dispatch).</summary>
    RoundRobin,

    /// <summary>To the one with the fewest requests not yet finished (SGLang router's shortest queue, llm-d's load-aware scorer).</summary>
    LeastLoaded,
}

/// <summary>One request of a trace: when it arrives (ms after the trace's first) and its lengths.</summary>
public readonly record struct TracedRequest(double ArrivalMs, int InputTokens, int OutputTokens);

/// <summary>What the deployment serves: prompt lengths, output lengths and how the requests arrive.</summary>
public sealed record Workload
{
    public Workload(TokenRange inputTokens, int outputTokens, ConcurrencySetting concurrency)
    {
        InputTokens = inputTokens ?? throw new ArgumentNullException(nameof(inputTokens));
        OutputTokens = Guard.Positive(outputTokens, nameof(outputTokens));
        Concurrency = concurrency;
    }

    /// <summary>Prompt lengths the analytical model costs: requirements at the longest, throughput at the mean.</summary>
    public TokenRange InputTokens { get; init; }

    /// <summary>Output length the analytical model costs (the mean of a distribution, rounded).</summary>
    public int OutputTokens { get; init; }

    /// <summary>Sequences in flight (closed loop, burst) or <c>max</c>; for a request rate the search solves it.</summary>
    public ConcurrencySetting Concurrency { get; init; }

    public WorkloadForm Form { get; init; } = WorkloadForm.ClosedLoop;

    /// <summary>Requests per second offered to the whole deployment (request-rate and trace forms).</summary>
    public double? RequestRate { get; init; }

    /// <summary>Gamma shape of the gaps between arrivals: 1 Poisson, below 1 burstier (vLLM's <c>--burstiness</c>).</summary>
    public double Burstiness { get; init; } = 1;

    /// <summary>The prompt lengths' law; null: fixed, or uniform over <see cref="InputTokens"/>.</summary>
    public LengthDistribution? InputLengths { get; init; }

    /// <summary>The output lengths' law; null: every request <see cref="OutputTokens"/>.</summary>
    public LengthDistribution? OutputLengths { get; init; }

    /// <summary>The requests of a trace, in arrival order (trace form).</summary>
    public IReadOnlyList<TracedRequest>? Trace { get; init; }

    /// <summary>Requests a simulation serves; null: its default (docs/serving-at-a-rate.md).</summary>
    public int? Requests { get; init; }

    /// <summary>Seed of the simulated arrivals and lengths.</summary>
    public int Seed { get; init; } = 1;

    public RouterPolicy Router { get; init; } = RouterPolicy.RoundRobin;

    /// <summary>The prompt lengths' law as the simulation samples it.</summary>
    public LengthDistribution InputLaw => InputLengths ?? LengthDistribution.Uniform(InputTokens.Min, InputTokens.Max);

    /// <summary>The output lengths' law as the simulation samples it.</summary>
    public LengthDistribution OutputLaw => OutputLengths ?? LengthDistribution.Fixed(OutputTokens);

    /// <summary>True when the requests arrive at a rate (stated or a trace's) rather than from clients or at once.</summary>
    public bool IsOpenLoop => Form is WorkloadForm.RequestRate or WorkloadForm.Trace;

    /// <summary>Longest context a sequence reaches: the longest prompt plus the longest output.</summary>
    public int MaxContextTokens => checked(InputTokens.Max + (OutputLengths?.Max ?? OutputTokens));

    /// <summary>The same lengths with <paramref name="concurrency"/> sequences in flight: a closed loop (a burst stays a burst; a rate or a trace becomes clients).</summary>
    public Workload WithConcurrency(ConcurrencySetting concurrency) => this with
    {
        Concurrency = concurrency,
        Form = Form == WorkloadForm.Burst ? WorkloadForm.Burst : WorkloadForm.ClosedLoop,
        RequestRate = null,
        Trace = null,
    };

    /// <summary>How the requests arrive, in words: "64 clients in a closed loop", "8 requests/s (Poisson)", ...</summary>
    public string ArrivalText => Form switch
    {
        WorkloadForm.Burst => $"a burst of {Concurrency} requests at once",
        WorkloadForm.RequestRate => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{RequestRate:0.###} requests/s ({(Burstiness == 1 ? "Poisson arrivals" : $"gamma arrivals, burstiness {Burstiness:0.##}")})"),
        WorkloadForm.Trace => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"a trace of {Trace?.Count ?? 0:#,0} requests at {RequestRate:0.###} requests/s"),
        _ => Concurrency.IsMax ? "concurrency max (the most sequences that fit)" : $"{Concurrency} clients in a closed loop",
    };
}
