using System.Text;
using System.Text.Json.Nodes;
using Messaging.Host.Docs;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Host.Tests.Docs;

/// <summary>
/// <c>/openapi/v1.json</c> against the running host: every API endpoint mapped is documented, and what the endpoints
/// really answer, successes and refusals, has the documented status and shape.
/// </summary>
[Collection(EndpointsCollection.Name)]
public sealed class OpenApiDocumentTests(PostgresHostFixture fixture)
{
    /// <summary>URLs that are not the REST API and are left out of its document on purpose (the realtime side has its own).</summary>
    private static readonly string[] NotTheApi = ["/ws", "/demo", "/health", "/openapi", "/asyncapi", "/docs", "/metrics"];

    private MessagingHost Host => fixture.Host;

    private Task<JsonNode> Document() => ServedDocuments.Get(Host, OpenApiDocuments.OpenApiPath);

    /// <summary>Every route endpoint of the running app as <see cref="ServedDocuments.Endpoint"/> names it, one per HTTP method.</summary>
    private IEnumerable<(string Endpoint, string Path)> MappedEndpoints() =>
        Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(method => (ServedDocuments.Endpoint(method, endpoint.RoutePattern.RawText!), "/" + endpoint.RoutePattern.RawText!.Trim('/'))));

    [Fact]
    public async Task The_document_is_OpenAPI_3_1()
    {
        var document = await Document();

        Assert.StartsWith("3.1.", document["openapi"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_mapped_API_endpoint_is_in_the_document_with_its_method_and_path()
    {
        var documented = ServedDocuments.Operations(await Document()).Keys.Order();
        var mapped = MappedEndpoints().Where(endpoint => endpoint.Path.StartsWith("/api/", StringComparison.Ordinal)).Select(endpoint => endpoint.Endpoint).Order();

        Assert.Equal(mapped, documented);
        Assert.Equal(Endpoints.All.Select(endpoint => ServedDocuments.Endpoint(endpoint.Split(' ')[0], endpoint.Split(' ')[1])).Order(), documented);
    }

    [Fact]
    public void Every_endpoint_outside_the_API_is_a_realtime_demo_health_metrics_or_documents_URL()
    {
        var others = MappedEndpoints().Where(endpoint => !endpoint.Path.StartsWith("/api/", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(others);
        Assert.All(others, endpoint => Assert.Contains(NotTheApi, prefix => endpoint.Path == prefix || endpoint.Path.StartsWith(prefix + "/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Every_operation_has_an_id_a_summary_and_requires_the_bearer_scheme()
    {
        var document = await Document();

        var scheme = document["components"]!["securitySchemes"]!["Bearer"]!;
        Assert.Equal("http", scheme["type"]!.GetValue<string>());
        Assert.Equal("bearer", scheme["scheme"]!.GetValue<string>());
        Assert.Equal("JWT", scheme["bearerFormat"]!.GetValue<string>());
        Assert.All(ServedDocuments.Operations(document), operation =>
        {
            Assert.False(string.IsNullOrEmpty(operation.Value["operationId"]?.GetValue<string>()), $"{operation.Key} has no operationId");
            Assert.False(string.IsNullOrEmpty(operation.Value["summary"]?.GetValue<string>()), $"{operation.Key} has no summary");
            Assert.Equal("""[{"Bearer":[]}]""", operation.Value["security"]!.ToJsonString());
        });
    }

    [Fact]
    public async Task Every_refusal_is_problem_json_and_429_and_503_tell_when_to_retry()
    {
        var operations = ServedDocuments.Operations(await Document());

        Assert.All(operations, operation =>
        {
            var refusals = operation.Value["responses"]!.AsObject().Where(response => int.Parse(response.Key) >= 400).ToList();
            Assert.Contains(refusals, response => response.Key == "401");
            Assert.Contains(refusals, response => response.Key == "503");
            Assert.All(refusals, response =>
            {
                Assert.Equal("#/components/schemas/ProblemDetails", response.Value!["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>());
                Assert.Equal(response.Key is "429" or "503", response.Value["headers"]?["Retry-After"] is not null);
            });
        });
    }

    public static TheoryData<string> ApiEndpoints => new(Endpoints.All);

    [Theory]
    [MemberData(nameof(ApiEndpoints))]
    public async Task A_success_has_a_documented_status_and_exactly_the_documented_shape(string endpoint)
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        var first = await alice.SendTo(bob, "Is this still available?", await Host.CreateProduct());

        // The history of the product's conversation is asked for by its id: by recipient alone it is the pair's product-less one.
        using var request = endpoint == "GET /api/messages"
            ? Get($"/api/messages?conversationId={first.Guid("conversationId")}")
            : Endpoints.Request(endpoint, alice.Id, first.Guid("conversationId"), first.Id());
        using var response = await bob.Http.SendAsync(request);

        Assert.True(response.IsSuccessStatusCode, $"{endpoint}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var body = await response.ReadJson();
        if (body.ValueKind == JsonValueKind.Array)
            Assert.NotEmpty(body.Items()); // the items were checked, too
        await AssertDocumented(endpoint, response, body, "application/json");
    }

    [Theory]
    [MemberData(nameof(ApiEndpoints))]
    public async Task A_request_body_the_endpoint_accepts_matches_its_documented_schema(string endpoint)
    {
        var document = await Document();
        using var request = Endpoints.Request(endpoint, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        var requestBody = ServedDocuments.Operations(document)[ServedDocuments.Endpoint(endpoint.Split(' ')[0], endpoint.Split(' ')[1])]["requestBody"];

        if (request.Content is null)
            Assert.Null(requestBody);
        else
        {
            Assert.True(requestBody?["required"]?.GetValue<bool>() == true, $"{endpoint} reads a body its operation does not document");
            using var json = JsonDocument.Parse(await request.Content.ReadAsStringAsync());
            SchemaAssert.Conforms(json.RootElement, requestBody["content"]!["application/json"]!["schema"]!, document, $"{endpoint} request");
        }
    }

    public static TheoryData<string, string, int> Refusals => new()
    {
        { "GET /api/conversations", "no token", 401 },
        { "GET /api/conversations/{id}", "no token", 401 },
        { "GET /api/conversations/{id}", "malformed id", 400 },
        { "GET /api/conversations/{id}", "stranger", 403 },
        { "GET /api/conversations/{id}", "unknown conversation", 404 },
        { "POST /api/conversations/{id}/block", "no token", 401 },
        { "POST /api/conversations/{id}/block", "missing field", 400 },
        { "POST /api/conversations/{id}/block", "stranger", 403 },
        { "POST /api/conversations/{id}/block", "unknown conversation", 404 },
        { "POST /api/conversations/{id}/block", "body too large", 413 },
        { "GET /api/messages", "no token", 401 },
        { "GET /api/messages", "bad limit", 400 },
        { "GET /api/messages", "stranger", 403 },
        { "GET /api/messages", "unknown conversation", 404 },
        { "POST /api/messages", "no token", 401 },
        { "POST /api/messages", "empty text", 400 },
        { "POST /api/messages", "blocked conversation", 403 },
        { "POST /api/messages", "unknown recipient", 404 },
        { "POST /api/messages", "body too large", 413 },
        { "PATCH /api/messages/mark-read", "no token", 401 },
        { "PATCH /api/messages/mark-read", "empty messageIds", 400 },
        { "PATCH /api/messages/mark-read", "stranger", 403 },
        { "PATCH /api/messages/mark-read", "body too large", 413 },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_refusal_has_a_documented_status_and_the_documented_problem_shape(string endpoint, string refusal, int status)
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        var stranger = await Host.CreateUser();
        var first = await alice.SendTo(bob, "Is this still available?");
        var conversationId = first.Guid("conversationId");
        if (refusal == "blocked conversation")
            await alice.BlockOk(conversationId, block: true);
        var caller = refusal switch
        {
            "no token" => Host.ClientWithAuthorization(null),
            "stranger" => stranger.Http,
            _ => bob.Http,
        };
        var tooLarge = $$"""{"text":"{{new string('a', 300 * 1024)}}"}""";
        var unknown = Guid.NewGuid();
        using var request = (endpoint, refusal) switch
        {
            ("GET /api/conversations/{id}", "malformed id") => Get("/api/conversations/not-a-uuid"),
            ("GET /api/conversations/{id}", "unknown conversation") => Get($"/api/conversations/{unknown}"),
            ("POST /api/conversations/{id}/block", "missing field") => Json(HttpMethod.Post, $"/api/conversations/{conversationId}/block", "{}"),
            ("POST /api/conversations/{id}/block", "unknown conversation") => Json(HttpMethod.Post, $"/api/conversations/{unknown}/block", """{"block":true}"""),
            ("POST /api/conversations/{id}/block", "body too large") => Json(HttpMethod.Post, $"/api/conversations/{conversationId}/block", tooLarge),
            ("GET /api/messages", "bad limit") => Get($"/api/messages?conversationId={conversationId}&limit=0"),
            ("GET /api/messages", "stranger") => Get($"/api/messages?conversationId={conversationId}"),
            ("GET /api/messages", "unknown conversation") => Get($"/api/messages?conversationId={unknown}"),
            ("POST /api/messages", "empty text") => Json(HttpMethod.Post, "/api/messages", $$"""{"conversationId":"{{conversationId}}","text":""}"""),
            ("POST /api/messages", "unknown recipient") => Json(HttpMethod.Post, "/api/messages", $$"""{"recipientId":"{{unknown}}","text":"hello?"}"""),
            ("POST /api/messages", "body too large") => Json(HttpMethod.Post, "/api/messages", tooLarge),
            ("PATCH /api/messages/mark-read", "empty messageIds") => Json(HttpMethod.Patch, "/api/messages/mark-read", """{"messageIds":[]}"""),
            ("PATCH /api/messages/mark-read", "body too large") => Json(HttpMethod.Patch, "/api/messages/mark-read", tooLarge),
            // No token, a stranger, a blocked conversation: a request that would otherwise succeed.
            _ => Endpoints.Request(endpoint, alice.Id, conversationId, first.Id()),
        };

        using var response = await caller.SendAsync(request);

        Assert.True((int)response.StatusCode == status, $"{endpoint} ({refusal}): expected {status}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        await AssertDocumented(endpoint, response, await response.ReadJson(), "application/problem+json");
    }

    /// <summary>The operation documents the response's status, with the content type and a schema the body matches exactly.</summary>
    private async Task AssertDocumented(string endpoint, HttpResponseMessage response, JsonElement body, string contentType)
    {
        var document = await Document();
        var operation = ServedDocuments.Operations(document)[ServedDocuments.Endpoint(endpoint.Split(' ')[0], endpoint.Split(' ')[1])];
        var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var documented = operation["responses"]![status];
        Assert.True(documented is not null, $"{endpoint} answered {status}, which its operation does not document ({string.Join(", ", operation["responses"]!.AsObject().Select(r => r.Key))})");
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        SchemaAssert.Conforms(body, documented["content"]![contentType]!["schema"]!, document, $"{endpoint} {status}");
    }

    private static HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);

    private static HttpRequestMessage Json(HttpMethod method, string path, string json) =>
        new(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}
