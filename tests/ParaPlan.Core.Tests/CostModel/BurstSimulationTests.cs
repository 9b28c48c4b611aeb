using ParaPlan.CostModel.Serving;

namespace ParaPlan.Tests.CostModel;

/// <summary>
/// The burst scheduler on cases small enough to follow by hand: a decode step of 10 ms at any batch, a prefill step
/// of 1 ms per prompt token, no step overhead, prompts of 100 tokens.
/// </summary>
public sealed class BurstSimulationTests
{
    private static BurstInput Input(int[] outputs, bool prefillFirst = false, double admissionMs = 0, int maxRunning = 16, double kvTokens = 1e9, int budget = 1000) =>
        new(100, outputs, maxRunning, kvTokens, budget, prefillFirst, 0, 0, admissionMs, _ => 10, tokens => tokens);

    [Fact]
    public void A_group_in_lockstep_with_others_waits_for_their_new_prompts_while_requests_remain()
    {
        // Two requests of 11 output tokens, one running at a time, beside one other group (an MoE model's
        // attention-DP pair) at independent phase. The group runs R = 1 sequence, so it takes m = 1/11 new prompts a
        // step; a prompt costs P = 100 ms (a full step of its 100 tokens). Each step waits for the other group's new
        // prompts by L = P x (E[max of 2 Poisson(m)] - m) while a request remains to be admitted:
        // t = 0: prompt 0 (100 + L); 10 decode steps of request 0 (10 + L each); prompt 1 (100 + L, the last admission
        // formed in it); 10 decode steps of request 1 at 10 ms. TTFT 100 + L and 300 + 12 L; TPOT 10 + L and 10.
        double m = 1.0 / 11;
        double expectedMax = 0, cdf = 0, term = Math.Exp(-m);
        for (int k = 1; k <= 60; k++)
        {
            cdf += term; // F(k - 1)
            expectedMax += 1 - (cdf * cdf);
            term *= m / k;
        }

        double l = 100 * (expectedMax - m);
        Assert.InRange(l, 8.0, 9.0); // about 100 x (2m - m^2 - m), the chance the other group has a prompt in a step

        BurstOutcome alone = BurstSimulation.Run(Input([11, 11], maxRunning: 1));
        Assert.Equal(10, alone.MeanTpotMs, 9);
        BurstOutcome pair = BurstSimulation.Run(Input([11, 11], maxRunning: 1) with { LockstepGroups = 2 });
        // (the model's sum of the maximum stops once a term is below 1e-9: agreement to 1e-6 ms)
        Assert.Equal(((100 + l) + (300 + (12 * l))) / 2, pair.MeanTtftMs, 6);
        Assert.Equal((10 + l + 10) / 2, pair.MeanTpotMs, 6);
        Assert.Equal(400 + (12 * l), pair.MakespanMs, 6);
    }

    [Fact]
    public void Two_requests_prefilled_together_then_decoded()
    {
        // Step 1 prefills both prompts (200 tokens, 200 ms): both first tokens at 200 ms. Two decode steps of 10 ms
        // give the other two tokens of each: both finish at 220 ms.
        BurstOutcome o = BurstSimulation.Run(Input([3, 3]));
        Assert.Equal(200, o.MeanTtftMs, 9);
        Assert.Equal(10, o.MeanTpotMs, 9);
        Assert.Equal(220, o.MakespanMs, 9);
        Assert.Equal(6, o.OutputTokens);
        Assert.Equal(3, o.Steps);
    }

    [Fact]
    public void A_mixed_step_carries_the_decode_tokens_beside_the_next_prompt()
    {
        // The front end admits request 0 by 50 ms and request 1 by 100 ms. t = 50..150: prompt 0 (first token at 150).
        // t = 150..260: decode of request 0 (10 ms) + prompt 1 (100 ms); first token of 1 at 260, second of 0.
        // t = 260..270: both decode, request 0 done (3 tokens). t = 270..280: request 1 done.
        BurstOutcome o = BurstSimulation.Run(Input([3, 3], admissionMs: 50));
        Assert.Equal((150 + 260) / 2.0, o.MeanTtftMs, 9);
        Assert.Equal((((270 - 150) / 2.0) + ((280 - 260) / 2.0)) / 2, o.MeanTpotMs, 9);
        Assert.Equal(280, o.MakespanMs, 9);
    }

    [Fact]
    public void A_prefill_first_engine_pauses_decode_for_a_new_prompt()
    {
        // Admitted by 50 and 100 ms. t = 50..150 prompt 0; t = 150..250 prompt 1 alone (request 0 waits);
        // t = 250..270 two decode steps of both. Token gaps: request 0 has 110 and 10 ms, request 1 10 and 10 ms:
        // mean ITL 35 ms, mean TPOT (60 + 10) / 2; mean TTFT (150 + 250) / 2.
        BurstOutcome o = BurstSimulation.Run(Input([3, 3], prefillFirst: true, admissionMs: 50));
        Assert.Equal(200, o.MeanTtftMs, 9);
        Assert.Equal(35, o.MeanTpotMs, 9);
        Assert.Equal(35, o.MeanItlMs, 9);
        Assert.Equal(270, o.MakespanMs, 9);
    }

    [Fact]
    public void The_front_end_streams_a_step_s_tokens_after_the_admissions_queued_before_them()
    {
        // The case above with 5 ms of front-end work per streamed token, on the lane the admissions use (busy with
        // them until 100 ms). Engine as above; each step's tokens are seen in the middle of their delivery:
        //   step ends 150 (first token of 0): lane 150..155, seen 152.5
        //   step ends 260 (second of 0, first of 1): lane 260..270, seen 265
        //   step ends 270 (third of 0, second of 1): lane 270..280, seen 275 (request 0 done)
        //   step ends 280 (third of 1): lane 280..285, seen 282.5 (request 1 done; the run ends with the lane at 285)
        BurstOutcome o = BurstSimulation.Run(Input([3, 3], admissionMs: 50) with { DeliveryMsPerToken = 5 });
        Assert.Equal((152.5 + 265) / 2, o.MeanTtftMs, 9);
        Assert.Equal((((275 - 152.5) / 2) + ((282.5 - 265) / 2)) / 2, o.MeanTpotMs, 9);
        Assert.Equal(285, o.MakespanMs, 9);
    }

    [Fact]
    public void A_front_end_slower_than_the_engine_sets_the_pace_of_the_tokens()
    {
        // One request, 11 tokens, 20 ms of front-end work per token against a 10 ms decode step. First token at
        // 100 ms, streamed 100..120 (seen 110). The ten decode steps end at 110, 120, ..., 200 and each waits for the
        // one before on the lane: the last is streamed 300..320, seen at 310. TPOT (310 - 110) / 10 = 20 ms, the
        // lane's pace; the run ends at 320 ms, not at the engine's 200.
        BurstOutcome o = BurstSimulation.Run(Input([11]) with { DeliveryMsPerToken = 20 });
        Assert.Equal(110, o.MeanTtftMs, 9);
        Assert.Equal(20, o.MeanTpotMs, 9);
        Assert.Equal(320, o.MakespanMs, 9);
    }

    [Fact]
    public void The_running_cap_makes_the_second_request_wait_for_the_first()
    {
        // One sequence at a time: request 0 runs t = 0..120 (prompt 100 ms + 2 decode steps); request 1 then runs
        // t = 120..240. Mean TTFT (100 + 220) / 2.
        BurstOutcome o = BurstSimulation.Run(Input([3, 3], maxRunning: 1));
        Assert.Equal(160, o.MeanTtftMs, 9);
        Assert.Equal(240, o.MakespanMs, 9);

        // The same when the KV pool holds only one request's context (prompt 100 + 3 tokens).
        BurstOutcome kv = BurstSimulation.Run(Input([3, 3], kvTokens: 150));
        Assert.Equal(160, kv.MeanTtftMs, 9);
        Assert.Equal(240, kv.MakespanMs, 9);
    }

    [Fact]
    public void Room_kept_for_whole_outputs_makes_the_second_request_wait()
    {
        // KV pool of 205 tokens. Without a reservation both prompts fit (100 + 100): one step prefills both (TTFT 200),
        // two decode steps end the run at 220 ms. Keeping room for whole outputs (TensorRT-LLM's GUARANTEED_NO_EVICT),
        // the second request needs 100 (first prompt) + 3 (its output, just admitted) + 100 + 3 = 206 > 205: it waits
        // for the first to finish at 120 ms (prompt 100 ms + 2 decode steps), then runs 120..240 (TTFT 220).
        BurstOutcome free = BurstSimulation.Run(Input([3, 3], kvTokens: 205));
        Assert.Equal(200, free.MeanTtftMs, 9);
        Assert.Equal(220, free.MakespanMs, 9);

        BurstOutcome whole = BurstSimulation.Run(Input([3, 3], kvTokens: 205) with { KvReserveInitial = 1, KvReserveFloor = 1 });
        Assert.Equal((100 + 220) / 2.0, whole.MeanTtftMs, 9);
        Assert.Equal(240, whole.MakespanMs, 9);
    }

    [Fact]
    public void A_reserved_fraction_that_falls_step_by_step_admits_the_waiting_request_sooner()
    {
        // KV pool of 206 tokens, outputs 5 and 3, SGLang's rule: the candidate needs its prompt and whole output, the
        // running request keeps the ratio x its remaining output.
        // t = 0: request 1 needs 100 + 100 + 5 (request 0's output, admitted in this step) + 3 = 208 > 206: request 0
        // alone, first token at 100 (context 101, 4 tokens to go). t = 100: 101 + 100 + 0.7 x 4 + 3 = 206.8 > 206;
        // one decode step (110: context 102, 3 to go) lowers the ratio to its floor 0.1 (a fall of 0.6 over 1 step):
        // 102 + 100 + 0.3 + 3 = 205.3 fits. t = 110..220: request 0's decode beside request 1's prompt (TTFT 220);
        // both finish at 240 with two more steps. Mean TTFT (100 + 220) / 2.
        BurstOutcome falling = BurstSimulation.Run(Input([5, 3], kvTokens: 206) with { KvReserveInitial = 0.7, KvReserveFloor = 0.1, KvReserveDecaySteps = 1 });
        Assert.Equal(160, falling.MeanTtftMs, 9);
        Assert.Equal(240, falling.MakespanMs, 9);

        // At a steady 0.7 request 1 never fits beside request 0 (207.1, 207.4, 207.7 at 110, 120, 130): it starts when
        // request 0 ends at 140 and has its first token at 240, its last at 260.
        BurstOutcome steady = BurstSimulation.Run(Input([5, 3], kvTokens: 206) with { KvReserveInitial = 0.7, KvReserveFloor = 0.7 });
        Assert.Equal((100 + 240) / 2.0, steady.MeanTtftMs, 9);
        Assert.Equal(260, steady.MakespanMs, 9);
    }

    [Fact]
    public void A_long_prompt_is_chunked_by_the_token_budget()
    {
        // Budget 40 tokens: the 100-token prompt takes steps of 40, 40, 20 ms; first token at 100 ms, one more at 110.
        BurstOutcome o = BurstSimulation.Run(Input([2], budget: 40));
        Assert.Equal(100, o.MeanTtftMs, 9);
        Assert.Equal(110, o.MakespanMs, 9);
        Assert.Equal(4, o.Steps);
    }

    [Fact]
    public void Output_lengths_keep_the_stated_mean()
    {
        Assert.All(BurstSimulation.OutputLengths(10, 200, exponential: false), n => Assert.Equal(200, n));

        // Exponential quantiles at (i + 0.5) / N: the mean of -ln(1 - q) over N = 1000 evenly spaced quantiles is
        // 1 - (ln(2N) - ln N! / N ...) ~ 0.996; rounding to whole tokens moves it by well under a token.
        int[] lengths = BurstSimulation.OutputLengths(1000, 200, exponential: true);
        Assert.InRange(lengths.Average(), 197, 201);
        Assert.Equal(Math.Round(-200 * Math.Log(0.5 / 1000)), lengths.Max());
        Assert.Equal(BurstSimulation.OutputLengths(1000, 200, exponential: true), lengths);
    }
    [Fact]
    public void A_closed_loop_client_sends_its_next_request_when_the_last_one_finishes()
    {
        // Two clients, one prompt (100 tokens) per step. t = 0..100: prompt 0. t = 100..209: decode 0 + 99 tokens of
        // prompt 1; request 0 done, its client sends request 2 at 209. t = 209..309: the last token of prompt 1 and
        // 99 of prompt 2 (first token of 1 at 309). t = 309..320: decode 1 + last token of prompt 2; request 1 done,
        // request 3 sent at 320; first token of 2 at 320. t = 320..429: decode 2 + 99 tokens of prompt 3; request 2
        // done. t = 429..430: last token of prompt 3. t = 430..440: its decode.
        // TTFT 100, 309, 320 - 209 = 111, 430 - 320 = 110; TPOT 109, 11, 109, 10.
        BurstOutcome o = BurstSimulation.Run(Input([2, 2, 2, 2], budget: 100) with { Clients = 2 });
        Assert.Equal((100 + 309 + 111 + 110) / 4.0, o.MeanTtftMs, 9);
        Assert.Equal((109 + 11 + 109 + 10) / 4.0, o.MeanTpotMs, 9);
        Assert.Equal(440, o.MakespanMs, 9);
        Assert.Equal(8, o.OutputTokens);
        Assert.Equal(7, o.Steps);
    }

    [Fact]
    public void A_steady_state_window_starts_with_the_clients_part_way_through_and_ends_at_the_last_send()
    {
        // Two clients already decoding with 1 and 3 tokens to go (4 x 0.5 / 2 and 4 x 1.5 / 2, rounded up), left out
        // of the figures. t = 0..10: both decode; the first finishes and its client sends request 2. t = 10..120:
        // decode + prompt 2 (100 ms); first token at 120 (TTFT 110). t = 120..130: the other warm request finishes
        // and request 3, the last, is sent: the window closes at 130 ms with 6 tokens emitted (2 + 1 + 1 + 2).
        // Afterwards request 3 runs like request 2 (TTFT 110); request 2 ends at 250 (TPOT 130 / 3), request 3 at
        // 270 (TPOT 30 / 3).
        // Random arrivals instead of the even spacing add the M/D/1 wait: 2 requests sent in the 130 ms window, a
        // prompt alone takes S = 100 ms, the other client's share of the rate 1/2: rho = 2/130 x 100 x 1/2 = 10/13,
        // wait = rho x S / (2 (1 - rho)) = (1000/13) / (6/13) = 500/3 ms.
        BurstOutcome o = BurstSimulation.Run(Input([4, 4, 4, 4]) with { Clients = 2, SteadyState = true });
        Assert.Equal(110 + (500 / 3.0), o.MeanTtftMs, 9);
        Assert.Equal(((130 / 3.0) + 10) / 2, o.MeanTpotMs, 9);
        Assert.Equal(130, o.MakespanMs, 9);
        Assert.Equal(6, o.OutputTokens);
    }

    [Fact]
    public void Random_arrivals_wait_as_in_an_M_D_1_queue()
    {
        // A 2,500-token prompt with a 1,000-token budget prefills in 1,000 + 1,000 + 500 ms: S = 2,500 ms. Five
        // clients sending 0.1 requests/s between them, four of them ahead of a request: rho = 0.0001/ms x 2,500 x
        // 4/5 = 0.2, wait = 0.2 x 2,500 / (2 x 0.8) = 312.5 ms. One client never waits for another's prompt.
        Assert.Equal(312.5, BurstSimulation.RandomArrivalWaitMs(2500, 1000, tokens => tokens, clients: 5, arrivalsPerMs: 0.0001), 9);
        Assert.Equal(0, BurstSimulation.RandomArrivalWaitMs(2500, 1000, tokens => tokens, clients: 1, arrivalsPerMs: 0.0001));

        // Beyond saturation rho stays at 0.95: 0.95 x 100 / 0.1 = 950 ms.
        Assert.Equal(950, BurstSimulation.RandomArrivalWaitMs(100, 1000, tokens => tokens, clients: 2, arrivalsPerMs: 1), 9);
    }
}
