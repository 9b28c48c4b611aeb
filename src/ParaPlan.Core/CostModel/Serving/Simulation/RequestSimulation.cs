using ParaPlan.Domain;

namespace ParaPlan.CostModel.Serving.Simulation;

/// <summary>
/// A deterministic discrete-event simulation of a deployment serving a stream of requests (docs/serving-at-a-rate.md,
/// "The simulation"). Instances (replicas) run independently behind a router; each steps its attention DP groups
/// together, every group with its own queue, batch and KV pool. A step decodes one token of every sequence past its
/// prompt and fills the rest of the group's token budget with prompt chunks (a prefill-first engine runs a step of
/// prompts alone instead); requests are admitted in arrival order while the running cap and the KV pool allow; when
/// the pool cannot hold the next tokens the most recently admitted sequence is preempted (its KV freed, its prompt and
/// the tokens it had produced recomputed later, at the head of the queue: vLLM V1's recompute preemption). Step times
/// come from the cost model. Runs of decode-only steps are taken in one jump up to the next finish or arrival.
/// No wall clock, no shared random state: the same input gives the same output.
/// </summary>
public static class RequestSimulation
{
    public static ServingSimulationReport Run(SimulationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new SimulationRun(input).Execute();
    }

    /// <summary>The run and each request's times (a pool of a disaggregated deployment feeds the next from them).</summary>
    public static (ServingSimulationReport Report, RequestTimes[] Times) RunTimed(SimulationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var run = new SimulationRun(input);
        ServingSimulationReport report = run.Execute();
        return (report, run.Times());
    }
}

/// <summary>One request's times in a run, ms: sent, first token, last token (NaN when it never got there), and whether it was dropped.</summary>
public readonly record struct RequestTimes(double SentMs, double FirstMs, double FinishMs, bool Rejected);

/// <summary>One simulation's state.</summary>
internal sealed class SimulationRun
{
    private readonly SimulationInput _in;
    private readonly int _n;
    private readonly Request[] _req;
    private readonly Instance[] _instances;
    private readonly Func<int, double, double> _decode;
    private readonly Func<int, int, double> _prefill;
    private readonly LatencyHistogram _itl = new();
    private readonly PriorityQueue<int, (double, int)> _stepEnds = new(); // instance by its step's end
    private readonly PriorityQueue<int, (double, int)> _arrivals = new(); // request by its engine arrival
    private int _nextToSend;
    private int _finished;
    private int _rejected;
    private long _steps;
    private long _preemptions;
    private int _roundRobin;
    private double _now;
    private bool _cut;

    /// <summary>Events (arrivals and steps, a jump of decode steps counted once) a simulation runs at most: a few seconds of work.</summary>
    internal const long MaxEvents = 20_000_000;

    // Little's law and occupancy integrals
    private double _lastT;
    private int _inSystem;
    private int _inBatch;
    private double _areaSystem;
    private double _areaBatch;
    private double _kvArea;
    private double _kvTime;
    private double _kvPeak;
    private double _firstSent = double.PositiveInfinity;
    private double _lastSent;
    private readonly int[] _backlog; // requests waiting for admission (in no batch) as each request arrives, in send order
    private long _outputTokens;

    public SimulationRun(SimulationInput input)
    {
        _in = input;
        _n = input.Requests.Count;
        _req = new Request[_n];
        for (int i = 0; i < _n; i++)
        {
            SimulatedRequest r = input.Requests[i];
            _req[i] = new Request { Prompt = Math.Max(1, r.InputTokens), Output = Math.Max(1, r.OutputTokens), Target = Math.Max(1, r.InputTokens), Sent = double.NaN, First = double.NaN };
        }

        _backlog = new int[_n];
        _instances = new Instance[Math.Max(1, input.Instances)];
        for (int i = 0; i < _instances.Length; i++)
        {
            _instances[i] = new Instance(i, Math.Max(1, input.GroupsPerInstance));
        }

        _decode = DecodeMemo(input.DecodeStepMs);
        _prefill = PrefillMemo(input.PrefillStepMs);
    }

    /// <summary>Each request's times, in the order of <see cref="SimulationInput.Requests"/>.</summary>
    public RequestTimes[] Times() => [.. _req.Select(r => new RequestTimes(r.Sent, r.First, r.Finish, r.Rejected))];

    public ServingSimulationReport Execute()
    {
        if (_in.Clients is { } clients)
        {
            int first = Math.Min(clients, _n);
            for (int k = 0; k < first; k++)
            {
                Send(_nextToSend++, _in.ClientStaggerMs * k / first);
            }
        }
        else
        {
            for (; _nextToSend < _n; _nextToSend++)
            {
                Send(_nextToSend, _in.Requests[_nextToSend].SentMs);
            }
        }

        long events = 0;
        while (_finished + _rejected < _n)
        {
            if (++events > MaxEvents)
            {
                // A bound on the work, not an error: what has finished is reported, and the report says the run was cut.
                _cut = true;
                break;
            }

            bool arrival = _arrivals.TryPeek(out int request, out (double At, int) a);
            bool stepEnd = _stepEnds.TryPeek(out int instance, out (double At, int) s);
            if (arrival && (!stepEnd || a.At <= s.At))
            {
                _arrivals.Dequeue();
                Advance(a.At);
                Arrive(request);
            }
            else if (stepEnd)
            {
                _stepEnds.Dequeue();
                Advance(s.At);
                EndStep(_instances[instance]);
                StartStep(_instances[instance]);
            }
            else
            {
                break; // nothing left to happen: only rejected requests remain
            }
        }

        return Report();
    }

    private void Send(int i, double at)
    {
        Request r = _req[i];
        r.Sent = at;
        _firstSent = Math.Min(_firstSent, at);
        _lastSent = Math.Max(_lastSent, at);
        _arrivals.Enqueue(i, (at + _in.ArrivalDelayMs, i));
    }

    private void Advance(double t)
    {
        if (t > _lastT)
        {
            _areaSystem += _inSystem * (t - _lastT);
            _areaBatch += _inBatch * (t - _lastT);
            _lastT = t;
        }

        _now = Math.Max(_now, t);
    }

    private void Arrive(int i)
    {
        // The request counts as in the system from its send; the integral is caught up to now.
        Request r = _req[i];
        _areaSystem += Math.Max(0, _now - r.Sent);
        _inSystem++;
        Instance instance = _instances[Route(_instances.Length, k => _instances[k].Outstanding)];
        Group group = instance.Groups[Route(instance.Groups.Length, k => instance.Groups[k].Outstanding, instance)];
        group.Waiting.AddLast(i);
        group.Outstanding++;
        instance.Outstanding++;
        r.Group = group;
        _backlog[i] = _inSystem - _inBatch;

        if (!instance.Busy)
        {
            StartStep(instance);
        }
    }

    private int Route(int count, Func<int, int> load, Instance? within = null)
    {
        if (count == 1)
        {
            return 0;
        }

        if (_in.Router == RouterPolicy.LeastLoaded)
        {
            int best = 0;
            for (int k = 1; k < count; k++)
            {
                if (load(k) < load(best))
                {
                    best = k;
                }
            }

            return best;
        }

        return within is null ? _roundRobin++ % count : within.RoundRobin++ % count;
    }

    /// <summary>Forms the instance's next step at <see cref="_now"/>: admission, preemption, the decode batch and the prompt chunks of each group.</summary>
    private void StartStep(Instance instance)
    {
        bool anyPrefill = false, anyDecode = false;
        foreach (Group g in instance.Groups)
        {
            // As vLLM's scheduler: the running sequences get their next token's room first (preempting the newest
            // when the pool is full), and no queued request is admitted in a step that preempted.
            bool preempted = g.Decoding > 0 && MakeRoom(g, instance);
            if (!preempted)
            {
                Admit(g, instance);
            }

            anyPrefill |= g.Prefilling.Count > 0;
            anyDecode |= g.Decoding > 0;
        }

        if (!anyPrefill && !anyDecode)
        {
            instance.Busy = false;
            return;
        }

        bool decodeThisStep = anyDecode && !(_in.PrefillFirst && anyPrefill);
        int maxDecode = 0, maxPromptTokens = 0;
        double contextSum = 0, decodingSeqs = 0, promptLengthOfBusiest = 1;
        foreach (Group g in instance.Groups)
        {
            int decodeBatch = decodeThisStep ? g.Decoding : 0;
            maxDecode = Math.Max(maxDecode, decodeBatch);
            contextSum += decodeThisStep ? g.ContextSum(instance.DecodeSteps) : 0;
            decodingSeqs += decodeBatch;
            int room = Math.Max(0, _in.BatchedTokens - decodeBatch);
            g.StepTokens.Clear();
            int tokens = 0;
            double weighted = 0;
            foreach (int i in g.Prefilling)
            {
                if (room <= 0)
                {
                    break;
                }

                Request r = _req[i];
                int take = Math.Min(room, r.Target - r.Prefilled);
                g.StepTokens.Add((i, take));
                tokens += take;
                weighted += (double)take * r.Target;
                room -= take;
            }

            if (tokens > maxPromptTokens)
            {
                maxPromptTokens = tokens;
                promptLengthOfBusiest = weighted / tokens;
            }
        }

        double meanContext = decodingSeqs > 0 ? contextSum / decodingSeqs : 1;
        double ms = 0;
        if (maxPromptTokens > 0)
        {
            ms += _prefill(maxPromptTokens, (int)Math.Round(promptLengthOfBusiest));
        }

        long jump = 1;
        if (maxDecode > 0)
        {
            double decodeMs = _decode(maxDecode, meanContext);
            ms += maxPromptTokens > 0 ? decodeMs - _in.StepOverheadMs : decodeMs;
            if (maxPromptTokens == 0)
            {
                jump = DecodeJump(instance, decodeMs);
                if (jump > 1)
                {
                    // The context grows by a token a step: cost the run at its middle.
                    decodeMs = _decode(maxDecode, meanContext + ((jump - 1) / 2.0));
                    ms = decodeMs;
                }
            }
        }

        ms = Math.Max(ms, 1e-6);
        instance.Busy = true;
        instance.StepDecodes = decodeThisStep;
        instance.StepJump = jump;
        instance.StepMs = ms;
        instance.StepBatch = (int)decodingSeqs;
        _steps += jump;
        RecordKv(instance, ms * jump);
        _stepEnds.Enqueue(instance.Id, (_now + (ms * jump), instance.Id));
    }

    /// <summary>Decode-only steps to take at once: up to the next finish, the next arrival, and while the KV pool holds the growth.</summary>
    private long DecodeJump(Instance instance, double stepMs)
    {
        long jump = long.MaxValue;
        foreach (Group g in instance.Groups)
        {
            if (g.Waiting.Count > 0 && g.Running < _in.MaxRunning)
            {
                return 1; // a queued request may be admitted as soon as a step ends
            }

            // Stale entries (preempted requests) may bound the jump early; that only shortens it.
            if (g.Finishes.TryPeek(out _, out long at))
            {
                jump = Math.Min(jump, Math.Max(1, at - instance.DecodeSteps));
            }

            if (g.Decoding > 0 && g.Running > 1)
            {
                // Up to the step the pool fills (a lone sequence longer than the pool runs on: nothing to preempt).
                double room = _in.KvTokenCapacity - g.KvUsed(instance.DecodeSteps);
                jump = Math.Min(jump, Math.Max(1, (long)Math.Floor(room / g.Decoding)));
            }
        }

        if (_arrivals.TryPeek(out _, out (double At, int) next))
        {
            jump = Math.Min(jump, Math.Max(1, (long)Math.Ceiling((next.At - _now) / stepMs)));
        }

        return jump == long.MaxValue ? 1 : jump;
    }

    private void EndStep(Instance instance)
    {
        double end = _now;
        foreach (Group g in instance.Groups)
        {
            // Prompt chunks of this step.
            foreach ((int i, int take) in g.StepTokens)
            {
                Request r = _req[i];
                r.Prefilled += take;
            }
        }

        if (instance.StepDecodes)
        {
            instance.DecodeSteps += instance.StepJump;
            if (instance.StepBatch > 0)
            {
                // Every decoding sequence waited one step per token; the first of them also since its last token.
                double firstGap = end - ((instance.StepJump - 1) * instance.StepMs) - instance.LastEmit;
                _itl.Add(firstGap, instance.StepBatch);
                if (instance.StepJump > 1)
                {
                    _itl.Add(instance.StepMs, (instance.StepJump - 1) * (double)instance.StepBatch);
                }

                _outputTokens += instance.StepBatch * instance.StepJump;
            }

            instance.LastEmit = end;
            foreach (Group g in instance.Groups)
            {
                while (g.Finishes.TryPeek(out (int Request, int Version) entry, out long at) && at <= instance.DecodeSteps)
                {
                    g.Finishes.Dequeue();
                    Request r = _req[entry.Request];
                    if (r.Version != entry.Version || r.State != State.Decoding)
                    {
                        continue; // preempted since it was queued
                    }

                    g.StopDecoding(r, instance.DecodeSteps);
                    g.AdmittedTargets -= r.Target;
                    g.Running--;
                    _inBatch--;
                    Finish(r, g, instance, end);
                }
            }
        }

        foreach (Group g in instance.Groups)
        {
            foreach ((int i, _) in g.StepTokens)
            {
                Request r = _req[i];
                if (r.Prefilled < r.Target || r.State != State.Prefilling)
                {
                    continue;
                }

                g.Prefilling.Remove(i);
                if (double.IsNaN(r.First))
                {
                    r.First = end;
                    r.Generated = 1;
                    _outputTokens++;
                    if (!instance.StepDecodes)
                    {
                        instance.LastEmit = end;
                    }
                }

                Prefilled(i, g, instance, end);
            }

            g.StepTokens.Clear();
        }
    }

    /// <summary>A request whose prompt is in the cache and whose first token is out: done, or decoding from the next step.</summary>
    private void Prefilled(int i, Group g, Instance instance, double at)
    {
        Request r = _req[i];
        if (r.Generated >= r.Output)
        {
            g.AdmittedTargets -= r.Target;
            g.Running--;
            _inBatch--;
            Finish(r, g, instance, at);
        }
        else
        {
            g.StartDecoding(r, instance.DecodeSteps);
            g.Finishes.Enqueue((i, r.Version), instance.DecodeSteps + (r.Output - r.Generated));
        }
    }

    private void Finish(Request r, Group g, Instance instance, double at)
    {
        r.State = State.Done;
        r.Finish = at;
        g.Outstanding--;
        instance.Outstanding--;
        _inSystem--;
        _finished++;
        if (_in.Clients is not null && _nextToSend < _n)
        {
            // The client whose request finished sends its next one.
            Send(_nextToSend++, at);
        }
    }

    /// <summary>Admits queued requests in arrival order while the running cap and the KV pool allow.</summary>
    private void Admit(Group g, Instance instance)
    {
        while (g.Waiting.First is { } head && g.Running < _in.MaxRunning)
        {
            Request r = _req[head.Value];
            if (r.Target > _in.KvTokenCapacity)
            {
                // Can never fit: dropped (an engine rejects a prompt longer than its pool).
                g.Waiting.RemoveFirst();
                g.Outstanding--;
                instance.Outstanding--;
                _inSystem--;
                _rejected++;
                r.State = State.Done;
                r.Rejected = true;
                continue;
            }

            // Room for the prompt above a watermark of 1% of the pool and the next token of every sequence already
            // decoding (vLLM's block manager admits only above its 1% watermark), so that admitting it does not
            // preempt another a step later.
            if (g.KvUsed(instance.DecodeSteps) + r.Target + g.Decoding + (AdmissionWatermark * _in.KvTokenCapacity) > _in.KvTokenCapacity && g.Running > 0)
            {
                break;
            }

            g.Waiting.RemoveFirst();
            r.State = State.Prefilling;
            r.Prefilled = 0;
            g.AdmittedOrder.Add(head.Value);
            g.AdmittedTargets += r.Target;
            g.Running++;
            _inBatch++;
            if (_in.PromptsCached && double.IsNaN(r.First))
            {
                // A disaggregated decode pool: the prompt's KV cache and its first token arrive from the prefill pool
                // (docs/disaggregation.md, "Simulation"); the sequence decodes from this step on.
                r.Prefilled = r.Target;
                r.First = _now;
                r.Generated = 1;
                _outputTokens++;
                Prefilled(head.Value, g, instance, _now);
                continue;
            }

            g.Prefilling.Add(head.Value);
        }
    }

    /// <summary>The share of the KV pool kept free when admitting (vLLM's <c>watermark=0.01</c>).</summary>
    internal const double AdmissionWatermark = 0.01;

    /// <summary>Before a decode step: preempts the most recently admitted sequences until the pool holds a token more for each decoding one; true when it preempted.</summary>
    private bool MakeRoom(Group g, Instance instance)
    {
        bool preempted = false;
        while (g.Decoding > 0 && g.KvUsed(instance.DecodeSteps) + g.Decoding > _in.KvTokenCapacity && g.Running > 1)
        {
            int victim = -1;
            while (g.AdmittedOrder.Count > 0)
            {
                int last = g.AdmittedOrder[^1];
                g.AdmittedOrder.RemoveAt(g.AdmittedOrder.Count - 1);
                if (_req[last].State is State.Prefilling or State.Decoding && _req[last].Group == g)
                {
                    victim = last;
                    break;
                }
            }

            if (victim < 0)
            {
                return preempted;
            }

            Request r = _req[victim];
            if (r.State == State.Decoding)
            {
                r.Generated = g.StopDecoding(r, instance.DecodeSteps);
            }
            else
            {
                g.Prefilling.Remove(victim);
            }

            g.AdmittedTargets -= r.Target;
            g.Running--;
            _inBatch--;
            r.Version++;
            r.State = State.Waiting;
            r.Target = r.Prompt + r.Generated; // recompute the prompt and what it had produced
            r.Prefilled = 0;
            g.Waiting.AddFirst(victim);
            _preemptions++;
            preempted = true;
        }

        return preempted;
    }

    private void RecordKv(Instance instance, double duration)
    {
        foreach (Group g in instance.Groups)
        {
            double use = g.KvUsed(instance.DecodeSteps) / _in.KvTokenCapacity;
            _kvArea += use * duration;
            _kvTime += duration;
            _kvPeak = Math.Max(_kvPeak, use);
        }
    }

    private ServingSimulationReport Report()
    {
        int warm = Math.Clamp(_in.WarmupRequests, 0, Math.Max(0, _n - 1));
        var ttft = new List<double>(_n);
        var tpot = new List<double>(_n);
        var e2e = new List<double>(_n);
        int good = 0, served = 0;
        double lastFinish = 0, e2eSum = 0;
        for (int i = 0; i < _n; i++)
        {
            Request r = _req[i];
            if (r.Rejected || double.IsNaN(r.First) || double.IsNaN(r.Finish))
            {
                continue;
            }

            served++;
            lastFinish = Math.Max(lastFinish, r.Finish);
            double t = r.First - r.Sent, e = r.Finish - r.Sent;
            double p = r.Output > 1 ? (r.Finish - r.First) / (r.Output - 1) : 0;
            e2eSum += e;
            bool ok = (_in.GoodTtftMs is not { } gt || t <= gt) && (_in.GoodTpotMs is not { } gp || p <= gp) && (_in.GoodE2eMs is not { } ge || e <= ge);
            good += ok ? 1 : 0;
            r.Good = ok;
            if (i < warm)
            {
                continue;
            }

            ttft.Add(t);
            e2e.Add(e);
            if (r.Output > 1)
            {
                tpot.Add(p);
            }
        }

        double duration = Math.Max(1e-9, lastFinish - (double.IsFinite(_firstSent) ? _firstSent : 0));
        double sendWindow = _lastSent - _firstSent;

        // Requests served per second in the steady state: those finishing in the second half of the sending window
        // (a rate's queue has formed, the drain after the last send is not yet counted), over that half; a burst
        // has no sending window and counts the whole run.
        double from = _firstSent + (sendWindow / 2), to = _lastSent;
        int servedLate = 0, goodLate = 0;
        if (to - from > 0)
        {
            for (int i = 0; i < _n; i++)
            {
                Request r = _req[i];
                if (!r.Rejected && r.Finish >= from && r.Finish <= to)
                {
                    servedLate++;
                    goodLate += r.Good ? 1 : 0;
                }
            }
        }

        bool window = to - from > 0 && servedLate > 0;
        double achieved = window ? servedLate / ((to - from) / 1000) : served / (duration / 1000);
        double goodput = window ? goodLate / ((to - from) / 1000) : good / (duration / 1000);
        double offered = _in.Clients is null
            ? (sendWindow > 0 ? (_n - 1) / (sendWindow / 1000) : double.PositiveInfinity)
            : served / (duration / 1000);
        double growth = _in.Clients is null && _n >= 20 && sendWindow > 0 ? BacklogGrowth() : 0;
        var latency = new LatencyPercentiles(
            Summary(ttft),
            Summary(tpot),
            new LatencySummary(_itl.Mean, _itl.Percentile(0.5), _itl.Percentile(0.9), _itl.Percentile(0.99)),
            Summary(e2e));
        return new ServingSimulationReport
        {
            Latency = latency,
            Requests = _n,
            WarmupRequests = warm,
            RejectedRequests = _rejected,
            OfferedRequestsPerS = double.IsFinite(offered) ? offered : 0,
            AchievedRequestsPerS = achieved,
            GoodputRequestsPerS = goodput,
            GoodFraction = served > 0 ? (double)good / served : 0,
            MeanRunningSequences = _areaSystem / duration,
            MeanBatchSequences = _areaBatch / duration,
            MeanKvPoolUse = _kvTime > 0 ? _kvArea / _kvTime : 0,
            PeakKvPoolUse = _kvPeak,
            Preemptions = _preemptions,
            OutputTokensPerS = _outputTokens / (duration / 1000),
            DurationMs = duration,
            Steps = _steps,
            Saturated = growth > SaturationGrowth,
            BacklogGrowth = Math.Max(0, growth),
            Cut = _cut,
        };
    }

    /// <summary>Backlog growth per request sent above which the deployment is saturated: 2% of the offered requests are not being drained.</summary>
    internal const double SaturationGrowth = 0.02;

    /// <summary>
    /// How much the queue of requests waiting for admission grows per request sent: its mean over the last quarter
    /// of arrivals minus its mean over the second quarter, over the arrivals between them (means of quarters, not
    /// two instants, so that a stable queue's fluctuations average out). The waiting queue rather than everything in
    /// the system: the batch of a stable deployment follows the arrivals' random ups and downs, its queue does not grow.
    /// </summary>
    private double BacklogGrowth()
    {
        int q = _n / 4;
        double second = 0, last = 0;
        for (int i = q; i < 2 * q; i++)
        {
            second += _backlog[i];
        }

        for (int i = _n - q; i < _n; i++)
        {
            last += _backlog[i];
        }

        return (last - second) / q / (_n - (2.0 * q));
    }

    private static LatencySummary Summary(List<double> values)
    {
        if (values.Count == 0)
        {
            return new LatencySummary(0, 0, 0, 0);
        }

        values.Sort();
        return new LatencySummary(values.Average(), Quantiles.Linear(values, 0.5), Quantiles.Linear(values, 0.9), Quantiles.Linear(values, 0.99));
    }

    /// <summary>
    /// Decode step time at a batch and a mean context, evaluated twice per batch size (at 1 and at 1 + 65,536 tokens)
    /// and interpolated: a decode step's time is linear in the context its attention reads.
    /// </summary>
    private static Func<int, double, double> DecodeMemo(Func<double, double, double> step)
    {
        const double far = 65_536;
        var cache = new Dictionary<int, (double At1, double Slope)>();
        return (batch, context) =>
        {
            if (!cache.TryGetValue(batch, out (double At1, double Slope) line))
            {
                double a = step(batch, 1), b = step(batch, 1 + far);
                line = (a, (b - a) / far);
                cache[batch] = line;
            }

            return line.At1 + (line.Slope * (context - 1));
        };
    }

    /// <summary>Prefill step time memoised by its tokens and its prompts' length rounded to 1/32 of an octave (about 2%).</summary>
    private static Func<int, int, double> PrefillMemo(Func<double, double, double> step)
    {
        var cache = new Dictionary<(int, int), double>();
        return (tokens, promptLength) =>
        {
            int bucket = (int)Math.Round(Math.Log2(Math.Max(1, promptLength)) * 32);
            if (!cache.TryGetValue((tokens, bucket), out double ms))
            {
                ms = step(tokens, Math.Pow(2, bucket / 32.0));
                cache[(tokens, bucket)] = ms;
            }

            return ms;
        };
    }

    private enum State
    {
        Waiting,
        Prefilling,
        Decoding,
        Done,
    }

    private sealed class Request
    {
        public int Prompt;
        public int Output;
        public int Target;     // tokens to prefill: the prompt, plus what was produced before a preemption
        public int Prefilled;
        public int Generated;  // output tokens produced so far (counted when decoding stops)
        public long DecodeStart;
        public int Version;
        public double Sent;
        public double First;
        public double Finish = double.NaN;
        public bool Rejected;
        public bool Good;
        public State State;
        public Group? Group;
    }

    private sealed class Instance(int id, int groups)
    {
        public int Id { get; } = id;

        public Group[] Groups { get; } = [.. Enumerable.Range(0, groups).Select(_ => new Group())];

        public long DecodeSteps;
        public bool Busy;
        public bool StepDecodes;
        public long StepJump;
        public double StepMs;
        public int StepBatch;
        public double LastEmit;
        public int Outstanding;
        public int RoundRobin;
    }

    private sealed class Group
    {
        public LinkedList<int> Waiting { get; } = new();

        public List<int> Prefilling { get; } = [];

        public List<int> AdmittedOrder { get; } = [];

        public List<(int Request, int Tokens)> StepTokens { get; } = [];

        public PriorityQueue<(int Request, int Version), long> Finishes { get; } = new();

        public int Running;
        public int Decoding;
        public int Outstanding;
        public double AdmittedTargets;   // prompt (and recomputed) tokens of every admitted request
        private double _decodingBase;     // sum over decoding requests of (target + generated at start - start step)

        /// <summary>Tokens in the pool: every admitted request's prefill target plus what the decoding ones have produced since.</summary>
        public double KvUsed(long steps) => AdmittedTargets + _generatedSinceStart(steps);

        /// <summary>Sum of the decoding sequences' contexts.</summary>
        public double ContextSum(long steps) => _decodingBase + (Decoding * (double)steps);

        private double _startSum;         // sum of start steps of decoding requests
        private double _generatedAtStart; // sum of tokens produced before they started decoding (first tokens)

        private double _generatedSinceStart(long steps) => (Decoding * (double)steps) - _startSum + _generatedAtStart;

        public void StartDecoding(Request r, long steps)
        {
            r.State = State.Decoding;
            r.DecodeStart = steps;
            Decoding++;
            _startSum += steps;
            _generatedAtStart += r.Generated;
            _decodingBase += r.Target + r.Generated - steps;
        }

        /// <summary>Stops a decoding request; returns the output tokens it has produced.</summary>
        public int StopDecoding(Request r, long steps)
        {
            int generated = r.Generated + (int)(steps - r.DecodeStart);
            Decoding--;
            _startSum -= r.DecodeStart;
            _generatedAtStart -= r.Generated;
            _decodingBase -= r.Target + r.Generated - r.DecodeStart;
            r.State = State.Done; // the caller finishes or re-queues it (and frees its prefill target)
            return generated;
        }
    }
}
