using System.Globalization;
using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ParaPlan.Audit;
using ParaPlan.Catalog;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Dag;
using ParaPlan.Domain;
using ParaPlan.Input;
using ParaPlan.Planning;
using ParaPlan.Search;
using ParaPlan.Service;

namespace ParaPlan.Web;

/// <summary>
/// The JSON API: the command line's JSON (the same keys, from the same library calls) over HTTP. A scenario or a
/// written plan is the request body, YAML or JSON; the command line's options are query parameters.
/// </summary>
internal static class ApiEndpoints
{
    public const string ComputePolicy = "compute";

    public static void Map(IEndpointRouteBuilder app, RequestRunner runner)
    {
        EfficiencyCatalog catalog = EfficiencyCatalog.BuiltIn;
        string models = ContractJson.Serialize(CatalogListing.Models());
        string gpus = ContractJson.Serialize(CatalogListing.Gpus());
        string examples = ContractJson.Serialize(Examples.All);
        app.MapGet("/api/models", () => Results.Content(models, "application/json"));
        app.MapGet("/api/gpus", () => Results.Content(gpus, "application/json"));
        app.MapGet("/api/examples", () => Results.Content(examples, "application/json"));

        Post(app, runner, "/api/plan", (context, body, token) =>
        {
            Scenario scenario = Overrides.ApplyRequestRate(Read(body), Number(context, "request_rate"), "request_rate");
            PlanResult plan = Plan(scenario, catalog, token);
            return Json(plan, nonNegative: true);
        });

        Post(app, runner, "/api/estimate", (context, body, _) =>
        {
            Scenario scenario = Read(body);
            if (Text(context, "parallel") is { } parallel)
            {
                scenario = Overrides.ApplyParallel(scenario, Overrides.ParseParallel(parallel, "parallel"));
            }

            if (Text(context, "engine") is { } engine)
            {
                scenario = Overrides.ApplyEngine(scenario, Overrides.ParseEngine(engine, "engine"));
            }

            if (Text(context, "concurrency") is { } concurrency)
            {
                scenario = Overrides.ApplyConcurrency(scenario, Overrides.ParseConcurrency(concurrency, "concurrency"));
            }

            scenario = Overrides.ApplyRequestRate(scenario, Number(context, "request_rate"), "request_rate");
            double skew = Overrides.CheckRoutingSkew(Number(context, "routing_skew") ?? 0, "routing_skew");
            return Json(EstimateOperation.Run(scenario, skew, catalog), nonNegative: true);
        });

        Post(app, runner, "/api/audit", (context, body, token) =>
        {
            Scenario plan = Read(body);
            AuditResult audit = Auditor.Audit(plan, profiles: catalog, cancellation: token);
            return Json(audit, nonNegative: false);
        });

        Post(app, runner, "/api/dag", (context, body, token) =>
        {
            string format = Choice(context, "format", ["json", "svg", "dot"]) ?? "json";
            string phase = Choice(context, "phase", ["prefill", "decode"]) ?? "decode";
            bool collapseTp = Choice(context, "collapse", ["tp"]) == "tp";
            Scenario scenario = Read(body);
            DagSetup setup = DagOperation.Prepare(scenario, Text(context, "layers"), collapseTp, catalog, "layers", token);
            if (setup.Infeasible is { } why)
            {
                throw new InputException(RequestRunner.BodyName, "parallel", $"no feasible plan to draw ({why}); state 'parallel' to draw a strategy anyway.");
            }

            DeploymentDag dag = setup.Build(phase == "prefill" ? DagPhase.Prefill : DagPhase.Decode, catalog);
            token.ThrowIfCancellationRequested();
            var stream = new MemoryStream();
            int perNode = setup.Scenario.Hardware.GpusPerNode;
            switch (format)
            {
                case "svg":
                    DagSvg.Write(stream, dag, perNode, RequestRunner.BodyName, "format");
                    return Results.Bytes(stream.ToArray(), "image/svg+xml");
                case "dot":
                    using (var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
                    {
                        DagDot.Write(writer, dag, perNode);
                    }

                    return Results.Bytes(stream.ToArray(), "text/vnd.graphviz");
                default:
                    DagJson.Write(stream, dag);
                    return Results.Bytes(stream.ToArray(), "application/json");
            }
        });

        Post(app, runner, "/api/bundle", (context, body, token) =>
        {
            Scenario scenario = Overrides.ApplyRequestRate(Read(body), Number(context, "request_rate"), "request_rate");
            PlanResult plan = Plan(scenario, catalog, token);
            if (plan.Infeasible is { } why)
            {
                throw new InputException(RequestRunner.BodyName, "requirements", $"no feasible plan, so no launch bundle ({why}).");
            }

            return Results.File(Zip(LaunchBundle.Files(plan, scenario)), "application/zip", "paraplan-launch.zip");
        });
    }

    /// <summary>A computing endpoint: the body and a token (client gone, time limit) to the work, within the concurrency limit.</summary>
    private static void Post(IEndpointRouteBuilder app, RequestRunner runner, string path, Func<HttpContext, string, CancellationToken, IResult> work) =>
        app.MapPost(path, (Func<HttpContext, Task<IResult>>)(context => runner.Run(context, (body, token) => work(context, body, token))))
            .RequireRateLimiting(ComputePolicy);

    private static Scenario Read(string body) => ScenarioReader.ReadText(body, RequestRunner.BodyName);

    private static PlanResult Plan(Scenario scenario, EfficiencyCatalog catalog, CancellationToken token)
    {
        PlanResult plan = Planner.Plan(scenario, new SearchOptions { Cancellation = token }, profiles: catalog);
        FigureGuard.Ensure(plan, RequestRunner.BodyName, nonNegative: true);
        return plan;
    }

    private static IResult Json<T>(T value, bool nonNegative)
    {
        FigureGuard.Ensure(value, RequestRunner.BodyName, nonNegative);
        return Results.Content(ContractJson.Serialize(value, RequestRunner.BodyName), "application/json");
    }

    private static string? Text(HttpContext context, string name) =>
        context.Request.Query.TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrWhiteSpace(values[^1]) ? values[^1] : null;

    private static string? Choice(HttpContext context, string name, string[] allowed) =>
        Text(context, name) is not { } text ? null
        : allowed.Contains(text, StringComparer.Ordinal) ? text
        : throw new InputException("query", name, $"'{text}' is not one of {string.Join(", ", allowed)}.");

    private static double? Number(HttpContext context, string name) =>
        Text(context, name) is not { } text ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) ? value
        : throw new InputException("query", name, $"'{text}' is not a number.");

    private static byte[] Zip(IReadOnlyDictionary<string, string> files)
    {
        var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach ((string name, string text) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                ZipArchiveEntry entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                if (name.EndsWith(".sh", StringComparison.Ordinal))
                {
                    entry.ExternalAttributes = Convert.ToInt32("100755", 8) << 16;
                }

                using var writer = new StreamWriter(entry.Open(), new UTF8Encoding(false));
                writer.Write(text);
            }
        }

        return buffer.ToArray();
    }
}
