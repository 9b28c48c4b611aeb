using ParaPlan.CostModel;

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
        // Request 1 reaches the engine 50 ms after request 0. t = 0..100: prompt 0 (first token at 100).
        // t = 100..210: decode of request 0 (10 ms) + prompt 1 (100 ms); first token of 1 at 210, second of 0.
        // t = 210..220: both decode, request 0 done (3 tokens). t = 220..230: request 1 done.
        BurstOutcome o = BurstSimulation.Run(Input([3, 3], admissionMs: 50));
        Assert.Equal((100 + 210) / 2.0, o.MeanTtftMs, 9);
        Assert.Equal((((220 - 100) / 2.0) + ((230 - 210) / 2.0)) / 2, o.MeanTpotMs, 9);
        Assert.Equal(230, o.MakespanMs, 9);
    }

    [Fact]
    public void A_prefill_first_engine_pauses_decode_for_a_new_prompt()
    {
        // t = 0..100 prompt 0; t = 100..200 prompt 1 alone (request 0 waits); t = 200..220 two decode steps of both.
        // Token gaps: request 0 has 110 and 10 ms, request 1 10 and 10 ms: mean ITL 35 ms, mean TPOT (60 + 10) / 2.
        BurstOutcome o = BurstSimulation.Run(Input([3, 3], prefillFirst: true, admissionMs: 50));
        Assert.Equal(150, o.MeanTtftMs, 9);
        Assert.Equal(35, o.MeanTpotMs, 9);
        Assert.Equal(35, o.MeanItlMs, 9);
        Assert.Equal(220, o.MakespanMs, 9);
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
}
