using ParaPlan.Domain;

namespace ParaPlan.CostModel.Serving.Simulation;

/// <summary>One request the simulation serves: when its client sends it and its lengths.</summary>
public readonly record struct SimulatedRequest(double SentMs, int InputTokens, int OutputTokens);

/// <summary>
/// The deployment and workload a <see cref="RequestSimulation"/> runs (docs/serving-at-a-rate.md, "The
/// simulation"). Step times come from the cost model; everything else is the engine's scheduler settings.
/// </summary>
public sealed record SimulationInput
{
    /// <summary>Requests in the order their clients send them. For a closed loop only the lengths are used: client k sends request k at time 0 and the next unsent one when its request finishes.</summary>
    public required IReadOnlyList<SimulatedRequest> Requests { get; init; }

    /// <summary>Clients of a closed loop; null: every request at its own send time (a rate, a trace or a burst).</summary>
    public int? Clients { get; init; }

    /// <summary>
    /// A closed loop's clients send their first requests spread evenly over this many ms (client k at k / C of it),
    /// as they are in a long run's steady state; 0 sends them all at once, and with equal lengths they then stay in
    /// lockstep, a burst repeated.
    /// </summary>
    public double ClientStaggerMs { get; init; }

    /// <summary>Independent model instances (replicas), each behind the router.</summary>
    public int Instances { get; init; } = 1;

    /// <summary>Attention DP groups per instance: each schedules its own requests; the instance steps them together (its MoE layers are shared), so a step lasts as long as its busiest group's.</summary>
    public int GroupsPerInstance { get; init; } = 1;

    /// <summary>Sequences a group runs at once (max_num_seqs / max_running_requests / max_batch_size).</summary>
    public required int MaxRunning { get; init; }

    /// <summary>Tokens a group's KV pool holds.</summary>
    public required double KvTokenCapacity { get; init; }

    /// <summary>Tokens one step processes per group at most (max_num_batched_tokens / chunked_prefill_size / max_num_tokens).</summary>
    public required int BatchedTokens { get; init; }

    /// <summary>True: a step with new prompts runs them alone (SGLang); false: decode tokens and prompt chunks share a step.</summary>
    public bool PrefillFirst { get; init; }

    /// <summary>
    /// True for the decode pool of a disaggregated deployment: each prompt's KV cache arrives with its first token, so
    /// an admitted request decodes at once (a preempted one is recomputed here as usual).
    /// </summary>
    public bool PromptsCached { get; init; }

    /// <summary>The per-step overhead both step functions include, counted once in a mixed step (none when an overlap scheduler hides it).</summary>
    public double StepOverheadMs { get; init; }

    /// <summary>Time from a client's send to the engine's queue (HTTP, tokenising, the API server's admission), ms.</summary>
    public double ArrivalDelayMs { get; init; }

    /// <summary>Decode step time (ms) at sequences per group and their mean context in tokens.</summary>
    public required Func<double, double, double> DecodeStepMs { get; init; }

    /// <summary>Time (ms) of a step prefilling prompt tokens per group from prompts of a length.</summary>
    public required Func<double, double, double> PrefillStepMs { get; init; }

    public RouterPolicy Router { get; init; } = RouterPolicy.RoundRobin;

    /// <summary>Per-request thresholds a request must meet to count toward goodput (ms; null: not required).</summary>
    public double? GoodTtftMs { get; init; }

    public double? GoodTpotMs { get; init; }

    public double? GoodE2eMs { get; init; }

    /// <summary>Requests at the start (closed loop: the clients' first) left out of the percentiles while the engine fills.</summary>
    public int WarmupRequests { get; init; }
}
