using System.Text.Json;

namespace ParaPlan.Tests;

/// <summary><c>--request-rate</c> on estimate and plan, and the JSON keys of the contract's serving section (issue 21).</summary>
public sealed class RequestRateCommandTests
{
    private static readonly string Qwen = TestFiles.InRepository("examples", "qwen3-235b-8xh100.yaml");

    [Fact]
    public void Estimate_at_a_request_rate_writes_the_contract_keys()
    {
        CliRun run = CliRun.Of("estimate", Qwen, "--request-rate", "2", "--format", "json");
        Assert.Equal(0, run.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(run.Output);
        JsonElement root = doc.RootElement;
        foreach (string latency in new[] { "ttft_ms", "tpot_ms", "itl_ms", "e2e_ms" })
        {
            JsonElement l = root.GetProperty("latency").GetProperty(latency);
            double p50 = l.GetProperty("p50").GetDouble(), p90 = l.GetProperty("p90").GetDouble(), p99 = l.GetProperty("p99").GetDouble();
            Assert.True(l.GetProperty("mean").GetDouble() > 0 && p50 <= p90 && p90 <= p99, $"{latency}: {l}");
        }

        Assert.InRange(root.GetProperty("achieved_requests_per_s").GetDouble(), 1.8, 2.2);
        Assert.True(root.GetProperty("mean_running_sequences").GetDouble() > 1);
        Assert.True(root.GetProperty("goodput_requests_per_s").GetDouble() >= 0);
        Assert.False(root.GetProperty("saturated").GetBoolean());
        Assert.Equal("request_rate", root.GetProperty("arrival").GetString());
        Assert.Equal(2, root.GetProperty("offered_requests_per_s").GetDouble());
    }

    [Fact]
    public void Estimate_past_capacity_is_saturated_and_exit_1()
    {
        CliRun run = CliRun.Of("estimate", Qwen, "--request-rate", "10", "--format", "json");
        Assert.Equal(1, run.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(run.Output);
        Assert.True(doc.RootElement.GetProperty("saturated").GetBoolean());
        CliRun text = CliRun.Of("estimate", Qwen, "--request-rate", "10");
        Assert.Contains("SATURATED", text.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1e9")]
    public void A_request_rate_out_of_range_is_bad_input(string rate)
    {
        CliRun run = CliRun.Of("estimate", Qwen, "--request-rate", rate);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--request-rate", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_at_a_request_rate_prints_the_command_that_reproduces_it_at_that_rate()
    {
        CliRun run = CliRun.Of("plan", Qwen, "--request-rate", "1", "--format", "json");
        Assert.Equal(0, run.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(run.Output);
        JsonElement best = doc.RootElement.GetProperty("best");
        Assert.False(best.GetProperty("saturated").GetBoolean());
        Assert.True(best.GetProperty("latency").GetProperty("ttft_ms").GetProperty("p90").GetDouble() > 0);
        Assert.EndsWith("--request-rate 1", doc.RootElement.GetProperty("reproduce").GetString(), StringComparison.Ordinal);
    }
}
