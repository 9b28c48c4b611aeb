namespace ParaPlan.CostModel.Serving;

/// <summary>What one DP group of an engine is given when a burst of requests arrives together.</summary>
/// <param name="PromptTokens">Prompt length of every request.</param>
/// <param name="OutputTokens">Output length of each request, in the order the requests reach the engine.</param>
/// <param name="MaxRunning">Sequences the engine runs at once (max_num_seqs / max_running_requests / max_batch_size).</param>
/// <param name="KvTokenCapacity">Tokens the KV pool holds; a request is admitted while its prompt fits beside the running contexts.</param>
/// <param name="BatchedTokens">Tokens one step processes at most (max_num_batched_tokens / chunked_prefill_size / max_num_tokens).</param>
/// <param name="PrefillFirst">True when a step with new prompts runs them alone (SGLang); false when decode tokens and prompt chunks share a step (vLLM V1, TensorRT-LLM).</param>
/// <param name="StepOverheadMs">The per-step overhead both step functions include, counted once in a mixed step.</param>
/// <param name="RequestOverheadMs">Latency outside the engine loop before a request's first token (HTTP, tokenising).</param>
/// <param name="AdmissionMsPerRequest">Front-end time per request on its FIFO lane: request i of a burst reaches the engine (i + 1) x this after the burst.</param>
/// <param name="DecodeStepMs">Decode step time at a number of decoding sequences.</param>
/// <param name="PrefillStepMs">Time of a step prefilling a number of prompt tokens.</param>
public sealed record BurstInput(
    int PromptTokens,
    IReadOnlyList<int> OutputTokens,
    int MaxRunning,
    double KvTokenCapacity,
    int BatchedTokens,
    bool PrefillFirst,
    double StepOverheadMs,
    double RequestOverheadMs,
    double AdmissionMsPerRequest,
    Func<double, double> DecodeStepMs,
    Func<double, double> PrefillStepMs)
{
    /// <summary>
    /// Clients of a closed loop: each sends its next request when its previous one finishes, so at most this many
    /// requests are in the system (<c>--max-concurrency</c>). <see cref="int.MaxValue"/> (the default) sends every
    /// request at once (a burst, <c>--request-rate inf</c>).
    /// </summary>
    public int Clients { get; init; } = int.MaxValue;

    /// <summary>
    /// A closed loop measured in its steady state (a benchmark that reports a window of a long run, such as
    /// genai-perf): the clients' first requests are taken as already running, with remaining output lengths spread
    /// evenly, and are left out of the figures; throughput is counted until the last request is sent; the mean TTFT
    /// adds the wait of random arrivals (<see cref="BurstSimulation.RandomArrivalWaitMs"/>). False: every
    /// request from an empty engine, as <c>vllm bench serve --num-prompts N</c> reports them.
    /// </summary>
    public bool SteadyState { get; init; }

    /// <summary>
    /// Front-end time per token it streams to a client (detokenising, the server-sent event, the client's parsing),
    /// ms. The front end is one FIFO lane shared by admissions and deliveries: the tokens of an engine step reach
    /// the clients when the lane has worked through everything queued before them (at 0 ms a token they still wait
    /// for the admissions queued before them).
    /// </summary>
    public double DeliveryMsPerToken { get; init; }

    /// <summary>
    /// The engine's KV reservation for output still to come (docs/cost-model.md, "Serving a burst"): a request is
    /// admitted only while its prompt and its whole output, beside the running requests' contexts and this fraction of
    /// their remaining outputs, fit the KV pool. 0 (the default): admission needs room for the prompt alone (vLLM V1,
    /// which preempts when the pool runs out); 1: every request keeps room for its whole output (what TensorRT-LLM's
    /// GUARANTEED_NO_EVICT does; its shipped profile keeps 0, docs/validation.md); SGLang starts at 0.7 and lowers it
    /// step by step (<see cref="KvReserveFloor"/>).
    /// </summary>
    public double KvReserveInitial { get; init; }

    /// <summary>The fraction <see cref="KvReserveInitial"/> falls to, by equal steps over <see cref="KvReserveDecaySteps"/> decode steps.</summary>
    public double KvReserveFloor { get; init; }

    /// <summary>Decode steps over which the reserved fraction falls from its initial value to its floor; 0: it stays at the initial value.</summary>
    public double KvReserveDecaySteps { get; init; }

    /// <summary>
    /// DP groups of the instance that step together, this one among them, each running the same (an MoE model's
    /// attention-DP groups share its expert layers' collectives, so a step lasts as long as the busiest group's).
    /// 1 (the default): the group steps alone. With G groups, while requests remain to be admitted every step of this
    /// group also waits for the other groups' new prompts, at the same law as the analytical closed loop
    /// (docs/serving-at-a-rate.md, "The analytical path"): P x (E[max of G Poisson(m)] - m), with m = R / mean output the
    /// prompts a group takes a step at its steady running batch R, and P the prefill time of one prompt in a full
    /// chunk. The other groups' phases are taken as independent of this one's (docs/cost-model.md, "Serving a burst").
    /// </summary>
    public int LockstepGroups { get; init; } = 1;
}

/// <summary>What the burst gives: the client-side means a benchmark such as <c>vllm bench serve</c> reports.</summary>
/// <param name="MeanTtftMs">Mean over requests of the time to the first token.</param>
/// <param name="MeanTpotMs">Mean over requests (with more than one output token) of (last token - first token) / (output - 1).</param>
/// <param name="MakespanMs">Time until the last request finishes (steady state: until the last request is sent).</param>
/// <param name="OutputTokens">Output tokens produced (steady state: within the measured window).</param>
/// <param name="Steps">Engine steps run.</param>
/// <param name="MeanItlMs">Mean gap between consecutive tokens of a request, over every such gap (token-weighted).</param>
public sealed record BurstOutcome(double MeanTtftMs, double MeanTpotMs, double MakespanMs, long OutputTokens, long Steps, double MeanItlMs);

/// <summary>
/// Continuous batching of a burst, step by step, as the engines' schedulers run it (docs/cost-model.md, "Serving a
/// burst"): every step decodes one token of each sequence past its prefill and fills the rest of the token budget
/// with prompt chunks, first of the partly prefilled requests and then of new ones in arrival order while the running
/// cap and the KV pool allow (prefill-first engines run a step of new prompts alone instead). A request's first token
/// comes at the end of the step that finishes its prompt; it leaves after its last output token and frees its KV.
/// Beside the engine, the front end's one FIFO lane admits each request when it is sent and streams each step's
/// tokens when the step ends, so the clients see tokens after the work queued before them (in a burst: every
/// admission); TTFT, TPOT and the run's end are the clients' view.
/// Runs of decode-only steps at an unchanged batch are taken in one jump, so a burst of thousands of requests costs
/// a few thousand operations.
/// </summary>
public static class BurstSimulation
{
    public static BurstOutcome Run(BurstInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int n = input.OutputTokens.Count;
        if (n == 0)
        {
            return new BurstOutcome(0, 0, 0, 0, 0, 0);
        }

        int prompt = Math.Max(1, input.PromptTokens);
        int budget = Math.Max(1, input.BatchedTokens);
        int maxRunning = Math.Max(1, input.MaxRunning);
        Func<int, double> decode = Memoised(input.DecodeStepMs);
        Func<int, double> prefill = Memoised(input.PrefillStepMs);
        int clients = Math.Clamp(input.Clients, 1, n);
        bool steady = input.SteadyState && input.Clients < n;
        int warm = steady ? clients : 0; // requests taken as already running, left out of the figures

        var firstSeen = new double[n];  // when the client sees the request's first token
        var sent = new double[n];
        var arrival = new double[n];
        Array.Fill(arrival, double.PositiveInfinity);
        var finishes = new PriorityQueue<int, long>(); // request, decode-step count at which it emits its last token
        var prefilled = new int[n];
        int next = 0;                 // the next request not yet admitted (arrival order)
        int nextSend = 0;             // the next request no client has sent yet
        double lane = 0;              // when the front end's FIFO lane has worked through everything queued so far
        double delivery = input.DeliveryMsPerToken;
        var prefilling = new Queue<int>(); // admitted, prompt not complete, in admission order
        var completed = new List<int>();   // prompts the current step completes
        int running = 0;             // admitted and not finished
        int decoding = 0;            // past the prompt, not finished
        double kvUsed = 0;            // prompt tokens of the running requests plus their generated tokens, approximated below
        double remainingOutput = 0;   // output tokens the running requests have still to produce
        double admittedThisStep = 0;  // outputs of the requests admitted in the step being formed (reserved whole)
        bool reserves = input.KvReserveInitial > 0;
        double reserveRatio = input.KvReserveInitial;
        double reserveFloor = Math.Min(input.KvReserveFloor, input.KvReserveInitial);
        double reserveDecay = input.KvReserveDecaySteps > 0 ? (input.KvReserveInitial - reserveFloor) / input.KvReserveDecaySteps : 0;
        long decodeSteps = 0;         // steps in which every decoding sequence emitted a token
        long steps = 0;
        double now = 0;
        double ttftSum = 0, tpotSum = 0;
        int ttftCount = 0, tpotCount = 0;
        long outputTokens = 0;
        int finished = 0;
        double gapSum = 0, gapCount = 0;
        double windowEnd = double.NaN, windowTokens = 0; // steady state: when the last request is sent, tokens emitted by then
        // Lockstep with the other DP groups: their new prompts hold back each step by this much on average while
        // requests remain to be admitted (their phases independent of this group's).
        double lockstepMs = OtherGroupsPromptMs(input, prefill, prompt, budget, maxRunning, clients);

        void Send(int request, double at)
        {
            // The front end admits the request after the work queued before it; the engine sees it once admitted.
            sent[request] = at;
            lane = Math.Max(at, lane) + input.AdmissionMsPerRequest;
            arrival[request] = lane;
            if (request == n - 1 && steady)
            {
                windowEnd = at;
                windowTokens = gapCount + ttftCount; // every later token closes a gap; every first token is counted once
            }
        }

        if (steady)
        {
            // Each client's current request is part-way through: prompt done, remaining outputs spread evenly.
            for (int k = 0; k < warm; k++)
            {
                int output = input.OutputTokens[k];
                int remaining = Math.Max(1, (int)Math.Ceiling(output * (k + 0.5) / warm));
                sent[k] = arrival[k] = double.NegativeInfinity;
                prefilled[k] = prompt;
                running++;
                decoding++;
                kvUsed += prompt + output - remaining;
                remainingOutput += remaining;
                finishes.Enqueue(k, remaining);
            }

            next = nextSend = warm;
        }
        else
        {
            for (; nextSend < clients; nextSend++)
            {
                Send(nextSend, 0);
            }
        }

        // The tokens of k equal steps of s ms from t0, each queued on the lane when it ends, c ms of streaming each:
        // the lane is busy until L_k = max(L_0 + k c, t0 + s + k c, t0 + k s + c) (the recurrence
        // L_j = max(t0 + j s, L_(j-1)) + c at its two ends). Returns when the last step's tokens are seen (the middle
        // of their delivery).
        double Deliver(double t0, double s, long k, int tokens)
        {
            double c = tokens * delivery;
            lane = Math.Max(Math.Max(lane + (k * c), t0 + s + (k * c)), t0 + (k * s) + c);
            return lane - (c / 2);
        }

        void Finish(int request, double seen)
        {
            int output = input.OutputTokens[request];
            if (request >= warm)
            {
                if (output > 1)
                {
                    tpotSum += (seen - firstSeen[request]) / (output - 1);
                    tpotCount++;
                }

                outputTokens += output;
            }

            kvUsed -= prompt + output;
            running--;
            finished++;
            if (nextSend < n)
            {
                // The client whose request finished (as it sees it) sends its next one.
                Send(nextSend++, seen);
            }
        }

        bool CanAdmit() =>
            next < n && running < maxRunning && arrival[next] <= now
            && (running == 0 || kvUsed + prompt + Reservation(next) <= input.KvTokenCapacity);

        // Room kept for output still to come: the running requests' share at the current ratio, whole outputs for
        // the requests admitted in this step and for the candidate.
        double Reservation(int candidate) => !reserves
            ? 0
            : (reserveRatio * (remainingOutput - admittedThisStep)) + admittedThisStep + input.OutputTokens[candidate];

        void Decoded(double tokens, long stepsRun)
        {
            kvUsed += tokens;
            remainingOutput -= tokens;
            reserveRatio = Math.Max(reserveFloor, reserveRatio - (reserveDecay * stepsRun));
        }

        while (finished < n)
        {
            bool prefillWaiting = prefilling.Count > 0 || CanAdmit();
            if (!prefillWaiting && decoding == 0)
            {
                // Idle until the front end hands over the next request.
                now = Math.Max(now, arrival[next]);
                continue;
            }

            int decodeBatch = input.PrefillFirst && prefillWaiting ? 0 : decoding;
            if (!prefillWaiting)
            {
                // Decode-only steps at this batch until the next request finishes or the next one arrives.
                finishes.TryPeek(out _, out long nextFinish);
                long jump = Math.Max(1, nextFinish - decodeSteps);
                double step = decode(decodeBatch) + (next < n ? lockstepMs : 0);

                if (next < n && running < maxRunning && arrival[next] > now && double.IsFinite(arrival[next]))
                {
                    jump = Math.Min(jump, Math.Max(1, (long)Math.Ceiling((arrival[next] - now) / step)));
                }

                if (reserveDecay > 0 && reserveRatio > reserveFloor && next < n && running < maxRunning && arrival[next] <= now)
                {
                    // A waiting request may fit as soon as the reserved fraction falls: one step at a time.
                    jump = 1;
                }

                double seen = Deliver(now, step, jump, decoding);
                now += jump * step;

                gapSum += jump * step * decoding;
                gapCount += (double)jump * decoding;
                steps += jump;
                decodeSteps += jump;
                Decoded((double)jump * decoding, jump);
                Retire(seen);
                continue;
            }

            // A step with prompt tokens: the budget left after the decode tokens goes to prompt chunks.
            bool othersAdmitting = next < n;
            int room = Math.Max(0, budget - decodeBatch);
            int tokens = 0;
            completed.Clear();
            while (room > 0)
            {
                if (prefilling.Count == 0)
                {
                    if (!CanAdmit())
                    {
                        break;
                    }

                    prefilling.Enqueue(next);
                    kvUsed += prompt;
                    remainingOutput += input.OutputTokens[next];
                    admittedThisStep += input.OutputTokens[next];
                    running++;
                    next++;
                }

                int request = prefilling.Peek();
                int take = Math.Min(room, prompt - prefilled[request]);
                prefilled[request] += take;
                tokens += take;
                room -= take;
                if (prefilled[request] == prompt)
                {
                    completed.Add(prefilling.Dequeue());
                }
            }

            admittedThisStep = 0;
            double ms = prefill(tokens);
            if (decodeBatch > 0)
            {
                ms += decode(decodeBatch) - input.StepOverheadMs;
            }

            if (othersAdmitting)
            {
                ms += lockstepMs;
            }

            double shown = Deliver(now, ms, 1, decodeBatch + completed.Count);
            now += ms;
            steps++;
            gapSum += ms * decoding; // a prefill-only step delays every decoding sequence's next token
            if (decodeBatch > 0)
            {
                gapCount += decodeBatch;
                decodeSteps++;
                Decoded(decodeBatch, 1);
                Retire(shown);
            }

            foreach (int request in completed)
            {
                firstSeen[request] = shown;
                ttftSum += shown + input.RequestOverheadMs - sent[request];
                ttftCount++;
                kvUsed += 1;
                remainingOutput -= 1;
                if (input.OutputTokens[request] <= 1)
                {
                    Finish(request, shown);
                }
                else
                {
                    decoding++;
                    finishes.Enqueue(request, decodeSteps + input.OutputTokens[request] - 1);
                }
            }
        }

        bool window = double.IsFinite(windowEnd); // set only in the steady state
        double meanTtft = ttftCount > 0 ? ttftSum / ttftCount : 0;
        if (window && clients > 1)
        {
            meanTtft += RandomArrivalWaitMs(prompt, budget, prefill, clients, (n - warm) / windowEnd);
        }

        return new BurstOutcome(
            meanTtft,
            tpotCount > 0 ? tpotSum / tpotCount : 0,
            window ? windowEnd : Math.Max(now, lane),
            window ? (long)Math.Round(windowTokens) : outputTokens,
            steps,
            gapCount > 0 ? gapSum / gapCount : 0);

        void Retire(double seen)
        {
            while (finishes.TryPeek(out int request, out long at) && at <= decodeSteps)
            {
                finishes.Dequeue();
                decoding--;
                Finish(request, seen);
            }
        }
    }

    /// <summary>
    /// The other lockstep groups' prompts a step waits for on average (see <see cref="BurstInput.LockstepGroups"/>):
    /// P x (E[max of G Poisson(m)] - m). R, the group's steady running batch, is the least of the running cap, its
    /// requests (or clients) and what its KV pool holds at prompt plus mean output; m = R / mean output; P = prompt x
    /// prefill(B) / B, a prompt's time in a full step of B = min(budget, R x prompt) tokens.
    /// </summary>
    internal static double OtherGroupsPromptMs(BurstInput input, Func<int, double> prefill, int prompt, int budget, int maxRunning, int clients)
    {
        int groups = input.LockstepGroups;
        if (groups <= 1)
        {
            return 0;
        }

        double meanOutput = Math.Max(1, input.OutputTokens.Average());
        double byKv = input.KvTokenCapacity / (prompt + meanOutput);
        double running = Math.Max(1, Math.Min(Math.Min(maxRunning, clients), byKv));
        int full = (int)Math.Max(1, Math.Min(budget, running * prompt));
        double promptMs = prompt * prefill(full) / full;
        double perStep = running / meanOutput;
        return promptMs * (ServingModel.ExpectedMaxPoisson(perStep, groups) - perStep);
    }

    /// <summary>
    /// The wait for the prompts ahead of a request when arrivals are random rather than the steady state's even
    /// spacing: the M/D/1 (Pollaczek-Khinchine) mean wait rho x S / (2 (1 - rho)), with S the time to prefill one
    /// prompt alone, rho = arrival rate x S counting only the other clients' arrivals ((C - 1) / C of the rate),
    /// rho capped at 0.95 (at and beyond saturation the simulation's own queue grows instead).
    /// </summary>
    public static double RandomArrivalWaitMs(int prompt, int budget, Func<int, double> prefill, int clients, double arrivalsPerMs)
    {
        ArgumentNullException.ThrowIfNull(prefill);
        if (clients <= 1 || !(arrivalsPerMs > 0))
        {
            return 0;
        }

        int chunks = (prompt + budget - 1) / budget;
        int last = prompt - ((chunks - 1) * budget);
        double service = ((chunks - 1) * prefill(budget)) + prefill(last);
        double rho = Math.Min(0.95, arrivalsPerMs * service * (clients - 1) / clients);
        return rho * service / (2 * (1 - rho));
    }

    /// <summary>A step-time function evaluated once per distinct size (the cost model's step functions are not cheap).</summary>
    private static Func<int, double> Memoised(Func<double, double> stepMs)
    {
        var cache = new Dictionary<int, double>();
        return size =>
        {
            if (!cache.TryGetValue(size, out double ms))
            {
                ms = stepMs(size);
                cache[size] = ms;
            }

            return ms;
        };
    }

    /// <summary>
    /// Output lengths of <paramref name="count"/> requests: the stated mean for every one, or, for a dataset of
    /// conversations, exponential with that mean (the maximum-entropy law given only the mean) at evenly spaced
    /// quantiles in a fixed shuffled order, so that arrival order and length are independent and the result is
    /// reproducible. With a cap (<c>max_tokens</c>) the exponential is cut there and its scale solved so that the
    /// capped lengths keep the stated mean: theta (1 - e^(-cap/theta)) = mean.
    /// </summary>
    public static int[] OutputLengths(int count, double mean, bool exponential, int? cap = null)
    {
        var lengths = new int[count];
        double scale = mean;
        if (exponential && cap is { } c)
        {
            if (mean >= c)
            {
                Array.Fill(lengths, c);
                return lengths;
            }

            scale = CappedScale(mean, c);
        }

        for (int i = 0; i < count; i++)
        {
            double q = (i + 0.5) / count;
            double length = exponential ? -scale * Math.Log(1 - q) : mean;
            if (cap is { } limit)
            {
                length = Math.Min(length, limit);
            }

            lengths[i] = Math.Max(1, (int)Math.Round(length));
        }

        if (exponential)
        {
            FixedShuffle.Shuffle(lengths);
        }

        return lengths;
    }

    /// <summary>The scale theta of an exponential whose values capped at <paramref name="cap"/> average <paramref name="mean"/> (bisection; the capped mean rises with theta).</summary>
    public static double CappedScale(double mean, double cap)
    {
        double lo = mean, hi = mean;
        while (hi * (1 - Math.Exp(-cap / hi)) < mean)
        {
            hi *= 2;
        }

        for (int i = 0; i < 60; i++)
        {
            double mid = (lo + hi) / 2;
            if (mid * (1 - Math.Exp(-cap / mid)) < mean)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return (lo + hi) / 2;
    }
}
