using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Messaging.Host.Tests.Docs;

/// <summary>The documents as a client gets them from a running host.</summary>
public static partial class ServedDocuments
{
    public static async Task<JsonNode> Get(MessagingHost host, string path)
    {
        using var response = await host.ClientWithAuthorization(null).GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary><c>GET /api/conversations/{}</c>: the method and the path with its parameters unnamed and no trailing slash.</summary>
    public static string Endpoint(string method, string path) =>
        $"{method.ToUpperInvariant()} /{RouteParameter().Replace(path.Trim('/'), "{}")}";

    /// <summary>Every operation of an OpenAPI document as <see cref="Endpoint"/> names it, with the operation.</summary>
    public static Dictionary<string, JsonObject> Operations(JsonNode openApi) =>
        openApi["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(operation => (Endpoint(operation.Key, path.Key), operation.Value!.AsObject())))
            .ToDictionary(entry => entry.Item1, entry => entry.Item2);

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex RouteParameter();
}
