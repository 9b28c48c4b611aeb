using System.Globalization;
using Microsoft.Playwright;
using ParaPlan.Audit;
using ParaPlan.Catalog;
using ParaPlan.Planning;

namespace ParaPlan.Tests.Web;

/// <summary>
/// The page in a real browser against a real server: the README example planned, the Pareto chart and the GPU map
/// seen, a Pareto point clicked and its figures shown, a seed plan uploaded and audited, the DAG drawn. Every
/// figure the page shows is checked against the library's own answer for the same file.
/// </summary>
[Collection(SharedServer.Name)]
public sealed class PageTests : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const string ReadmeExample = "examples/qwen3-235b-8xh100.yaml";
    private static readonly PageWaitForFunctionOptions Patient = new() { Timeout = 120_000 };
    private readonly WebServerFixture _server;
    private readonly BrowserFixture _browser;
    private IPage _page = null!;

    private static string Path(string relative) => System.IO.Path.Combine(TestFiles.RepositoryRoot, relative);

    public PageTests(WebServerFixture server, BrowserFixture browser)
    {
        _server = server;
        _browser = browser;
    }

    public async Task InitializeAsync()
    {
        _page = await _browser.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        _page.SetDefaultTimeout(120_000);
        await _page.GotoAsync(_server.BaseAddress.ToString());
        // The examples arrive from /api/examples; the README example is the first.
        await _page.WaitForFunctionAsync("() => document.querySelector('#examples') && document.querySelector('#examples').options.length > 1", null, Patient);
    }

    public async Task DisposeAsync() => await _page.CloseAsync();

    private async Task Finished()
    {
        await _page.WaitForFunctionAsync("() => ['done', 'error'].includes(document.querySelector('#status').textContent.trim())", null, Patient);
        string status = (await _page.TextContentAsync("#status"))!.Trim();
        Assert.True(status == "done", $"status '{status}': {await _page.TextContentAsync("#error")}");
    }

    private static string Strategy(ParaPlan.Reports.StrategySummary p) => $"tp{p.Tp} sp{p.Sp} dp{p.Dp} pp{p.Pp} ep{p.Ep} x{p.Replicas}";

    [Fact]
    public async Task The_readme_example_is_planned_and_its_pareto_point_and_gpu_map_shown()
    {
        PlanResult expected = Planner.Plan(ScenarioReader.ReadFile(Path(ReadmeExample)));
        await _page.SelectOptionAsync("#examples", "qwen3-235b-8xh100.yaml");
        Assert.Equal(File.ReadAllText(Path(ReadmeExample)), await _page.InputValueAsync("#yaml"));

        await _page.ClickAsync("#run-plan");
        await Finished();

        await _page.ClickAsync("#tab-summary");
        Assert.Contains(Strategy(expected.Best.Parallel), await _page.TextContentAsync("#best-strategy"), StringComparison.Ordinal);
        Assert.Contains(expected.Best.OutputTokensPerSPerGpu.ToString("0", CultureInfo.InvariantCulture), await _page.TextContentAsync("#best-throughput"), StringComparison.Ordinal);

        await _page.ClickAsync("#tab-pareto");
        ILocator points = _page.Locator("#pareto svg circle.pareto-point");
        Assert.Equal(expected.Pareto.Count, await points.CountAsync());
        int index = expected.Pareto.Count - 1;
        await _page.Locator($"#pareto svg circle.pareto-point[data-index='{index}']").ClickAsync();
        string selected = (await _page.TextContentAsync("#selected-point"))!;
        var point = expected.Pareto[index];
        Assert.Contains(Strategy(point.Parallel), selected, StringComparison.Ordinal);
        Assert.Contains(point.OutputTokensPerSPerGpu.ToString("0", CultureInfo.InvariantCulture), selected, StringComparison.Ordinal);
        Assert.Contains($"TPOT {point.TpotMs.ToString("0.0", CultureInfo.InvariantCulture)} ms", selected, StringComparison.Ordinal);

        await _page.ClickAsync("#tab-gpumap");
        ILocator cells = _page.Locator("#gpu-map .gpu-cell");
        Assert.Equal(expected.Mapping.Count, await cells.CountAsync());
        Assert.Equal("0", await cells.First.GetAttributeAsync("data-gpu"));

        foreach (string view in new[] { "memory", "step" })
        {
            await _page.ClickAsync($"#tab-{view}");
            Assert.True(await _page.Locator($"#{view}-chart svg").CountAsync() > 0, $"no chart in #{view}-chart");
        }

        if (Environment.GetEnvironmentVariable("PARAPLAN_SCREENSHOT") is { Length: > 0 } shot)
        {
            await _page.ClickAsync("#tab-pareto");
            await _page.ScreenshotAsync(new PageScreenshotOptions { Path = shot });
        }
    }

    [Fact]
    public async Task An_uploaded_seed_plan_is_audited_claim_by_claim()
    {
        const string seed = "examples/seeds/seed-0-qwen3-235b.plan.yaml";
        AuditResult expected = Auditor.Audit(ScenarioReader.ReadFile(Path(seed)));
        await _page.SetInputFilesAsync("#audit-file", Path(seed));
        await Finished();
        await _page.ClickAsync("#tab-audit");
        Assert.Equal(expected.Verdict, (await _page.TextContentAsync("#audit-verdict"))!.Trim());
        Assert.Equal(expected.Findings.Count, await _page.Locator("#audit .finding").CountAsync());
    }

    [Fact]
    public async Task The_dag_is_drawn_as_svg()
    {
        await _page.SelectOptionAsync("#examples", "llama-3.1-70b-4xh100.yaml");
        await _page.ClickAsync("#run-dag");
        await Finished();
        await _page.ClickAsync("#tab-dag");
        Assert.True(await _page.Locator("#dag svg").CountAsync() > 0);
    }

    [Fact]
    public async Task Bad_input_shows_the_servers_message_and_marks_the_earlier_results_stale()
    {
        await _page.SelectOptionAsync("#examples", "llama-3.1-70b-4xh100.yaml");
        await _page.ClickAsync("#run-plan");
        await Finished();
        Assert.Equal(0, await _page.Locator(".results-pane.stale").CountAsync());
        await _page.FillAsync("#yaml", "model: qwen3-235b-a22b\nhardware: {gpu: h100-sxm, gpus: 8}\nworkload: {input_tokens: 1024, output_tokens: 256, concurency: 8}\n");
        await _page.ClickAsync("#run-plan");
        await _page.WaitForFunctionAsync("() => document.querySelector('#status').textContent.trim() === 'error'", null, Patient);
        Assert.Contains("workload.concurency", await _page.TextContentAsync("#error"), StringComparison.Ordinal);
        Assert.Equal(1, await _page.Locator(".results-pane.stale").CountAsync());
        Assert.Contains("previous run", await _page.TextContentAsync("#error"), StringComparison.Ordinal);
    }
}
