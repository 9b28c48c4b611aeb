using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ParaPlan.Web;

/// <summary>The page: index.html, app.js and app.css, bundled at build time (client/) and served from the assembly.</summary>
internal static class StaticAssets
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".map"] = "application/json",
    };

    /// <summary>What <c>/</c> answers when the build had no npm to bundle the page.</summary>
    private const string NoPage = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>ParaPlan</title></head><body>
        <h1>ParaPlan</h1>
        <p>The web page was not bundled: Node.js and npm were not found when ParaPlan was built. Install them
        (Debian: <code>apt-get install nodejs npm</code>) and rebuild to get it.</p>
        <p>The JSON API works: <code>POST /api/plan</code>, <code>/api/estimate</code>, <code>/api/audit</code>,
        <code>/api/dag</code>, <code>/api/bundle</code> with a scenario as the body; <code>GET /api/models</code>,
        <code>/api/gpus</code>, <code>/api/examples</code> (README, "paraplan serve").</p>
        </body></html>
        """;

    public static void Map(IEndpointRouteBuilder app)
    {
        Assembly assembly = typeof(StaticAssets).Assembly;
        if (!assembly.GetManifestResourceNames().Contains("client/index.html", StringComparer.Ordinal))
        {
            app.MapGet("/", () => Results.Content(NoPage, "text/html; charset=utf-8"));
            return;
        }

        foreach (string resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("client/", StringComparison.Ordinal)))
        {
            string name = resource["client/".Length..];
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            byte[] bytes = copy.ToArray();
            string type = ContentTypes.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream");
            string etag = "\"" + Convert.ToHexString(SHA256.HashData(bytes))[..16] + "\"";
            IResult Serve(HttpContext context)
            {
                context.Response.Headers.ETag = etag;
                context.Response.Headers.CacheControl = "no-cache";
                context.Response.Headers.XContentTypeOptions = "nosniff";
                return context.Request.Headers.IfNoneMatch == etag ? Results.StatusCode(StatusCodes.Status304NotModified) : Results.Bytes(bytes, type);
            }

            app.MapGet("/" + name, Serve);
            if (name == "index.html")
            {
                app.MapGet("/", Serve);
            }
        }
    }
}
