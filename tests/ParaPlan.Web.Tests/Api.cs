using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ParaPlan.Tests.Web;

/// <summary>Requests to the API as a client would send them: the scenario file's text as the body.</summary>
internal static class Api
{
    public static string Example(string relative) => File.ReadAllText(Path.Combine(TestFiles.RepositoryRoot, relative));

    public static StringContent Yaml(string text)
    {
        var content = new StringContent(text, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/yaml");
        return content;
    }

    public static async Task<(int Status, JsonElement Json)> Post(HttpClient client, string path, string body, CancellationToken cancellation = default)
    {
        using HttpResponseMessage response = await client.PostAsync(path, Yaml(body), cancellation);
        string text = await response.Content.ReadAsStringAsync(cancellation);
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    public static string Strategy(JsonElement parallel) =>
        $"tp{parallel.GetProperty("tp").GetInt32()} sp{parallel.GetProperty("sp").GetInt32()} dp{parallel.GetProperty("dp").GetInt32()} pp{parallel.GetProperty("pp").GetInt32()} ep{parallel.GetProperty("ep").GetInt32()} x{parallel.GetProperty("replicas").GetInt32()}";
}
