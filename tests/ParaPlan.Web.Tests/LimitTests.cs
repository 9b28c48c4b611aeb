using System.Text.Json;
using ParaPlan.Web;

namespace ParaPlan.Tests.Web;

/// <summary>The server's limits, each on a server of its own: the time limit, the queue, a client that goes away.</summary>
public sealed class LimitTests
{
    /// <summary>DeepSeek-V3 over up to 1,024 H200 with a disaggregated search beside it: seconds of search (README: 0.9 s on 2 idle cores for the plan alone).</summary>
    private const string LargeSearch = """
        model: deepseek-v3
        hardware: {gpu: h200-sxm, gpus: 1024}
        engine: sglang
        workload: {input_tokens: 4096, output_tokens: 1024, concurrency: max}
        requirements: {tpot_ms: 50}
        """;

    [Fact]
    public async Task A_search_past_the_time_limit_is_stopped_with_a_clear_error()
    {
        await using var server = await WebServerFixture.Start(new WebOptions { TimeLimit = TimeSpan.FromMilliseconds(100) });
        (int status, JsonElement json) = await Api.Post(server.Client, "api/plan", LargeSearch);
        Assert.Equal(503, status);
        Assert.Contains("time limit of 0.1 s", json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        // The server goes on answering.
        Assert.Contains("h100-sxm", await server.Client.GetStringAsync("api/gpus"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Beyond_the_queue_a_request_is_turned_away_with_503()
    {
        await using var server = await WebServerFixture.Start(new WebOptions { MaxConcurrent = 1, MaxQueued = 0 });
        Task<(int, JsonElement)> first = Api.Post(server.Client, "api/plan", LargeSearch.Replace("gpus: 1024", "gpus: 4096", StringComparison.Ordinal));
        // The second request goes once the first computes (holding the one slot), not after a guessed delay: on a
        // loaded machine the first may not have reached the server within any fixed time.
        Assert.True(await ComputingStarts(server, first), "the first search ended before the second request was sent");
        (int status, JsonElement json) = await Api.Post(server.Client, "api/plan", LargeSearch);
        Assert.Equal(503, status);
        Assert.Contains("busy", json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(200, (await first).Item1);
    }

    [Fact]
    public async Task A_client_that_goes_away_stops_its_search()
    {
        await using var server = await WebServerFixture.Start(new WebOptions());
        int before = RequestRunner.Abandoned;
        using var gone = new CancellationTokenSource();
        // A longer search (4,096 GPUs, about 2 s): the server hears of the closed connection between its steps.
        Task<(int, JsonElement)> request = Api.Post(server.Client, "api/plan", LargeSearch.Replace("gpus: 1024", "gpus: 4096", StringComparison.Ordinal), gone.Token);
        // The client leaves once the server computes its search (not after a guessed delay: on a loaded machine the
        // request may not have reached the server within any fixed time, and then no search is abandoned).
        bool left = await ComputingStarts(server, request);
        if (left)
        {
            await gone.CancelAsync();
        }

        Assert.True(left, "the search ended before its client could leave");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // The search notices within its next instance: the abandoned count rises well before the search would end.
        while (RequestRunner.Abandoned == before && clock.ElapsedMilliseconds < 5_000)
        {
            await Task.Delay(10);
        }

        Assert.True(RequestRunner.Abandoned > before, $"the search went on after its client left (computing {server.Computing})");
    }

    /// <summary>
    /// Waits (on a thread of its own: a search may hold the thread pool of a 2-core machine) until the server computes
    /// a request, or <paramref name="request"/> ends, or 10 s pass; true when it computes.
    /// </summary>
    private static Task<bool> ComputingStarts(WebServerFixture server, Task request) => Task.Factory.StartNew(
        () =>
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            while (server.Computing == 0 && !request.IsCompleted && watch.ElapsedMilliseconds < 10_000)
            {
                Thread.Sleep(1);
            }

            return server.Computing > 0;
        },
        CancellationToken.None,
        TaskCreationOptions.LongRunning,
        TaskScheduler.Default);
}
