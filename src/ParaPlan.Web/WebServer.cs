using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ParaPlan.Web;

/// <summary>
/// <c>paraplan serve</c>: the page and the JSON API on ASP.NET Core's own server (Kestrel). The library does the
/// work; this layer only parses requests and renders answers, like the command line.
/// </summary>
public static class WebServer
{
    /// <summary>The application, configured and not yet started.</summary>
    public static WebApplication Build(WebOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // A search runs its candidates on every thread-pool thread it gets; on a machine of few cores the pool starts
        // with one thread a core and grows slowly, so the server's own work (reading a request, hearing that a client
        // left, turning a request away when busy) would wait behind a search. Threads enough for the computing requests
        // and the server's I/O keep it answering.
        ThreadPool.GetMinThreads(out int workers, out int completion);
        ThreadPool.SetMinThreads(Math.Max(workers, (Environment.ProcessorCount * 2) + options.MaxConcurrent + 8), completion);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(WebServer).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxBodyBytes;
            k.AddServerHeader = false;
        });
        builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://{options.Host}:{options.Port}"));
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.AddConcurrencyLimiter(ApiEndpoints.ComputePolicy, o =>
            {
                o.PermitLimit = options.MaxConcurrent;
                o.QueueLimit = options.MaxQueued;
                o.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
            });
            limiter.OnRejected = (context, _) => new ValueTask(new ApiError(
                StatusCodes.Status503ServiceUnavailable, null, null, null,
                string.Create(CultureInfo.InvariantCulture, $"the server is busy: {options.MaxConcurrent} requests computing and {options.MaxQueued} waiting; try again shortly.")).WriteAsync(context.HttpContext));
        });

        var runner = new RequestRunner(options);
        builder.Services.AddSingleton(runner);
        WebApplication app = builder.Build();
        app.UseRateLimiter();
        ApiEndpoints.Map(app, runner);
        StaticAssets.Map(app);
        app.MapFallback((HttpContext context) => new ApiError(StatusCodes.Status404NotFound, null, null, null, $"no such page or endpoint: {context.Request.Method} {context.Request.Path}").ToResult());
        return app;
    }

    /// <summary>Starts the server, tells <paramref name="started"/> where it listens, and serves until the process is interrupted.</summary>
    /// <exception cref="IOException">The address is taken or cannot be bound.</exception>
    public static void Serve(WebOptions options, Action<IReadOnlyList<string>> started)
    {
        ArgumentNullException.ThrowIfNull(started);
        WebApplication app = Build(options);
        app.Start();
        started(Addresses(app));
        app.WaitForShutdown();
    }

    /// <summary>The addresses the started application listens on (the port chosen when it was 0).</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var feature = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>();
        return [.. feature?.Addresses ?? []];
    }
}
