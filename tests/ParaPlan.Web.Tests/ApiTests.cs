using System.IO.Compression;
using System.Net;
using System.Text.Json;
using ParaPlan.Audit;
using ParaPlan.Catalog;
using ParaPlan.CostModel;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;
using ParaPlan.Planning;

namespace ParaPlan.Tests.Web;

/// <summary>
/// Each endpoint against the library call the command line makes for the same input: the same keys, the same
/// answer (the web layer only parses and renders).
/// </summary>
[Collection(SharedServer.Name)]
public sealed class ApiTests(WebServerFixture server)
{
    private const string ReadmeExample = "examples/qwen3-235b-8xh100.yaml";
    private const string SeedPlan = "examples/seeds/seed-0-qwen3-235b.plan.yaml";

    private static string Path(string relative) => System.IO.Path.Combine(TestFiles.RepositoryRoot, relative);

    private static string[] Keys(JsonElement e) => [.. e.EnumerateObject().Select(p => p.Name)];

    [Fact]
    public async Task Models_and_gpus_are_the_command_lines_json()
    {
        string models = await server.Client.GetStringAsync("api/models");
        string gpus = await server.Client.GetStringAsync("api/gpus");
        Assert.Equal(ContractJson.Serialize(CatalogListing.Models()), models);
        Assert.Equal(ContractJson.Serialize(CatalogListing.Gpus()), gpus);
        JsonElement qwen = JsonDocument.Parse(models).RootElement.EnumerateArray().Single(m => m.GetProperty("id").GetString() == "qwen3-235b-a22b");
        Assert.Equal(["id", "hf_repo", "summary", "source"], Keys(qwen));
    }

    [Fact]
    public async Task Plan_answers_what_the_library_plans_for_the_readme_example()
    {
        PlanResult expected = Planner.Plan(ScenarioReader.ReadFile(Path(ReadmeExample)));
        JsonElement expectedJson = JsonDocument.Parse(ContractJson.Serialize(expected)).RootElement;

        (int status, JsonElement plan) = await Api.Post(server.Client, "api/plan", Api.Example(ReadmeExample));

        Assert.Equal(200, status);
        Assert.Equal(Keys(expectedJson), Keys(plan));
        Assert.Equal(Keys(expectedJson.GetProperty("best")), Keys(plan.GetProperty("best")));
        Assert.Equal(Api.Strategy(expectedJson.GetProperty("best").GetProperty("parallel")), Api.Strategy(plan.GetProperty("best").GetProperty("parallel")));
        Assert.Equal(expected.Best.OutputTokensPerSPerGpu, plan.GetProperty("best").GetProperty("output_tokens_per_s_per_gpu").GetDouble(), 6);
        Assert.Equal(expected.Pareto.Count, plan.GetProperty("pareto").GetArrayLength());
        Assert.Equal(expected.Best.Parallel.Gpus, plan.GetProperty("mapping").GetArrayLength()); // one mapping entry per GPU of the plan
    }

    [Fact]
    public async Task Plan_at_a_request_rate_takes_it_from_the_query()
    {
        (int status, JsonElement plan) = await Api.Post(server.Client, "api/plan?request_rate=2", Api.Example(ReadmeExample));
        Assert.Equal(200, status);
        Assert.Equal(2, plan.GetProperty("best").GetProperty("offered_requests_per_s").GetDouble(), 6);
        Assert.Equal(JsonValueKind.Object, plan.GetProperty("best").GetProperty("latency").ValueKind);
    }

    [Fact]
    public async Task Estimate_takes_the_command_lines_overrides_as_query_parameters()
    {
        Scenario scenario = ScenarioReader.ReadFile(Path(ReadmeExample));
        scenario = Overrides.ApplyConcurrency(Overrides.ApplyParallel(scenario, Overrides.ParseParallel("tp=2,dp=4,ep=8", "parallel")), ConcurrencySetting.Of(64));
        EstimateResult expected = EstimateOperation.Run(scenario, 0, EfficiencyCatalog.BuiltIn);

        (int status, JsonElement estimate) = await Api.Post(server.Client, "api/estimate?parallel=tp=2,dp=4,ep=8&concurrency=64", Api.Example(ReadmeExample));

        Assert.Equal(200, status);
        Assert.Equal("tp2 sp1 dp4 pp1 ep8 x1", Api.Strategy(estimate.GetProperty("parallel")));
        Assert.Equal(64, estimate.GetProperty("concurrency").GetInt32());
        Assert.Equal(expected.TpotMs, estimate.GetProperty("tpot_ms").GetDouble(), 6);
        Assert.Equal(expected.MemoryPerGpuGb.Total, estimate.GetProperty("memory_per_gpu_gb").GetProperty("total").GetDouble(), 6);
    }

    [Fact]
    public async Task Audit_of_a_seed_plan_is_the_command_lines_audit()
    {
        AuditResult expected = Auditor.Audit(ScenarioReader.ReadFile(Path(SeedPlan)));
        JsonElement expectedJson = JsonDocument.Parse(ContractJson.Serialize(expected)).RootElement;

        (int status, JsonElement audit) = await Api.Post(server.Client, "api/audit", Api.Example(SeedPlan));

        Assert.Equal(200, status);
        Assert.Equal(Keys(expectedJson), Keys(audit));
        Assert.Equal(expected.Verdict, audit.GetProperty("verdict").GetString());
        Assert.Equal(expectedJson.GetProperty("findings").GetArrayLength(), audit.GetProperty("findings").GetArrayLength());
    }

    [Fact]
    public async Task Dag_as_json_passes_the_contract_and_as_svg_is_graphviz_output()
    {
        (int status, JsonElement dag) = await Api.Post(server.Client, "api/dag?layers=0..1&format=json", Api.Example(ReadmeExample));
        Assert.Equal(200, status);
        Assert.Empty(DagJsonContract.Problems(dag));
        Assert.Equal(ScenarioReader.ReadFile(Path(ReadmeExample)).Parallel!.Value.GpuCount, dag.GetProperty("gpus").GetInt32()); // the scenario's own tp8 ep8

        using HttpResponseMessage svg = await server.Client.PostAsync("api/dag?layers=0..0&collapse=tp&format=svg", Api.Yaml(Api.Example(ReadmeExample)));
        string text = await svg.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, svg.StatusCode);
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<svg", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bundle_is_a_zip_of_the_launch_files_of_the_plan()
    {
        Scenario scenario = ScenarioReader.ReadFile(Path(ReadmeExample));
        IReadOnlyDictionary<string, string> expected = LaunchBundle.Files(Planner.Plan(scenario), scenario);

        using HttpResponseMessage response = await server.Client.PostAsync("api/bundle", Api.Yaml(Api.Example(ReadmeExample)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        using var zip = new ZipArchive(await response.Content.ReadAsStreamAsync(), ZipArchiveMode.Read);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Examples_hold_the_readme_example_first_and_the_seed_plans()
    {
        JsonElement examples = JsonDocument.Parse(await server.Client.GetStringAsync("api/examples")).RootElement;
        JsonElement first = examples[0];
        Assert.Equal("qwen3-235b-8xh100.yaml", first.GetProperty("name").GetString());
        Assert.Equal(Api.Example(ReadmeExample), first.GetProperty("text").GetString());
        Assert.Equal(5, examples.EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "plan"));
    }

    [Theory]
    [InlineData("model: qwen3-235b-a22b\nhardware: {gpu: h100-sxm, gpus: 8}\nworkload: {input_tokens: 1024, output_tokens: 256, concurency: 8}\n", "workload.concurency")]
    [InlineData("model: ./config.json\nhardware: {gpu: h100-sxm, gpus: 8}\n", "model")]
    [InlineData("model: qwen3-235b-a22b\nhardware: {gpu: h100-sxm, gpus: 8}\nworkload: {trace: /etc/passwd}\n", "workload.trace")]
    [InlineData("model: [unclosed\n", null)]
    public async Task Bad_input_is_400_naming_the_field(string body, string? field)
    {
        (int status, JsonElement json) = await Api.Post(server.Client, "api/plan", body);
        JsonElement error = json.GetProperty("error");
        Assert.Equal(400, status);
        Assert.Equal(400, error.GetProperty("status").GetInt32());
        Assert.Equal("request body", error.GetProperty("file").GetString());
        if (field is not null)
        {
            Assert.Equal(field, error.GetProperty("field").GetString());
        }

        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.DoesNotContain(" at ParaPlan.", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_reference_is_refused_without_reading_the_file()
    {
        (int status, JsonElement json) = await Api.Post(server.Client, "api/estimate", "model: ../../examples/llama-3.1-70b-4xh100.yaml\nhardware: {gpu: h100-sxm, gpus: 8}\nparallel: {tp: 8}\n");
        Assert.Equal(400, status);
        Assert.Contains("cannot name files", json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_query_parameters_are_400_naming_the_parameter()
    {
        (int status, JsonElement json) = await Api.Post(server.Client, "api/estimate?parallel=tq=2", Api.Example(ReadmeExample));
        Assert.Equal(400, status);
        Assert.Equal("parallel", json.GetProperty("error").GetProperty("field").GetString());
        (status, json) = await Api.Post(server.Client, "api/plan?request_rate=fast", Api.Example(ReadmeExample));
        Assert.Equal(400, status);
        Assert.Equal("request_rate", json.GetProperty("error").GetProperty("field").GetString());
        (status, json) = await Api.Post(server.Client, "api/dag?format=png", Api.Example(ReadmeExample));
        Assert.Equal(400, status);
        Assert.Equal("format", json.GetProperty("error").GetProperty("field").GetString());
    }

    [Fact]
    public async Task An_oversized_body_is_413_with_the_limit_named()
    {
        string body = "# " + new string('x', (int)server.Options.MaxBodyBytes + 10) + "\n" + Api.Example(ReadmeExample);
        (int status, JsonElement json) = await Api.Post(server.Client, "api/plan", body);
        Assert.Equal(413, status);
        Assert.Contains("1,048,576 bytes", json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_and_its_bundle_are_served_and_unknown_paths_are_404()
    {
        string page = await server.Client.GetStringAsync("/");
        Assert.Contains("/app.js", page, StringComparison.Ordinal);
        using HttpResponseMessage script = await server.Client.GetAsync("app.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.True((await script.Content.ReadAsByteArrayAsync()).Length > 10_000); // yaml + svg-pan-zoom + the page's code, bundled
        using HttpResponseMessage missing = await server.Client.GetAsync("api/nothing");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Fifty_concurrent_plan_requests_are_all_answered()
    {
        string body = Api.Example("examples/llama-3.1-70b-4xh100.yaml");
        (int, JsonElement)[] answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Api.Post(server.Client, "api/plan", body)));
        Assert.All(answers, a => Assert.Equal(200, a.Item1));
        Assert.Single(answers.Select(a => Api.Strategy(a.Item2.GetProperty("best").GetProperty("parallel"))).Distinct());
    }
}
