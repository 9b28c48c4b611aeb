using System.Diagnostics;
using System.Text.Json;

namespace ParaPlan.Tests.Web;

/// <summary>
/// Issue 19's input reproducers (each once crashed, hung or exhausted memory on the command line) sent to every
/// endpoint that reads a scenario: each answer is an answer (200) or bad input (400) naming the request body, never a
/// 500, and comes within seconds.
/// </summary>
[Collection(SharedServer.Name)]
public sealed class ReproducerTests(WebServerFixture server)
{
    public static TheoryData<string> Repros()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.GetFiles(TestFiles.InRepository("tests", "ParaPlan.Cli.Tests", "Reliability", "repros")).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(path);
            // d09*: validation records, not scenarios (validate is not served).
            if (!name.StartsWith("d09", StringComparison.Ordinal) && (name.EndsWith(".yaml", StringComparison.Ordinal) || name.EndsWith(".json", StringComparison.Ordinal)))
            {
                data.Add(name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Repros))]
    public async Task Every_endpoint_answers_or_names_the_bad_input(string name)
    {
        string body = File.ReadAllText(TestFiles.InRepository("tests", "ParaPlan.Cli.Tests", "Reliability", "repros", name));
        foreach (string endpoint in new[] { "api/plan", "api/estimate", "api/audit", "api/dag?layers=0..0&collapse=tp" })
        {
            var clock = Stopwatch.StartNew();
            (int status, JsonElement json) = await Api.Post(server.Client, endpoint, body);
            Assert.True(status is 200 or 400, $"{name} -> {endpoint}: HTTP {status} {json}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{name} -> {endpoint} took {clock.Elapsed.TotalSeconds:0.0} s");
            if (status == 400)
            {
                JsonElement error = json.GetProperty("error");
                Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
                Assert.DoesNotContain("internal error", error.GetProperty("message").GetString(), StringComparison.Ordinal);
            }
        }
    }
}
