using Microsoft.AspNetCore.Builder;
using ParaPlan.Web;

namespace ParaPlan.Tests.Web;

/// <summary>A real server (Kestrel on 127.0.0.1, a port the system chooses) for the tests of one class or collection.</summary>
public sealed class WebServerFixture : IAsyncLifetime, IAsyncDisposable
{
    private WebApplication? _app;

    public WebOptions Options { get; private set; } = new() { Port = 0 };

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public HttpClient Client { get; private set; } = new();

    /// <summary>This server's requests computing now.</summary>
    internal int Computing => ((RequestRunner)_app!.Services.GetService(typeof(RequestRunner))!).Computing;

    public static async Task<WebServerFixture> Start(WebOptions options)
    {
        var fixture = new WebServerFixture { Options = options with { Port = 0 } };
        await fixture.InitializeAsync();
        return fixture;
    }

    public async Task InitializeAsync()
    {
        _app = WebServer.Build(Options);
        await _app.StartAsync();
        BaseAddress = new Uri(WebServer.Addresses(_app)[0] + "/");
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(3) };
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SharedServer : ICollectionFixture<WebServerFixture>
{
    public const string Name = "web server";
}
