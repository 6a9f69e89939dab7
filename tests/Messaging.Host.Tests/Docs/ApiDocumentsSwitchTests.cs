using Messaging.Host.Docs;

namespace Messaging.Host.Tests.Docs;

/// <summary>What <c>OpenApi:Enabled</c>, <c>OpenApi:DocsEnabled</c> and the environment serve; each test runs a host of its own.</summary>
public sealed class ApiDocumentsSwitchTests
{
    private static async Task<HttpResponseMessage> Get(MessagingHost host, string path) => await host.ClientWithAuthorization(null).GetAsync(path);

    [Fact]
    public async Task In_Production_the_documents_are_served_and_the_reference_page_is_not_found()
    {
        await using var host = await MessagingHost.StartPostgres(new Dictionary<string, string?> { ["environment"] = "Production" });

        using var openApi = await Get(host, OpenApiDocuments.OpenApiPath);
        using var asyncApi = await Get(host, AsyncApiDocument.Path);
        using var docs = await Get(host, ApiDocuments.DocsPath + "/");

        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asyncApi.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, docs.StatusCode);
    }

    [Fact]
    public async Task With_OpenApi_Enabled_false_neither_document_is_served()
    {
        await using var host = await MessagingHost.StartPostgres(new Dictionary<string, string?> { ["OpenApi:Enabled"] = "false" });

        using var openApi = await Get(host, OpenApiDocuments.OpenApiPath);
        using var asyncApi = await Get(host, AsyncApiDocument.Path);

        Assert.Equal(HttpStatusCode.NotFound, openApi.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, asyncApi.StatusCode);
    }

    [Fact]
    public async Task In_Development_the_reference_page_shows_both_documents_with_nothing_fetched_from_elsewhere()
    {
        await using var host = await MessagingHost.StartPostgres(new Dictionary<string, string?> { ["environment"] = "Development", ["Demo:Enabled"] = "false" });

        using var page = await Get(host, ApiDocuments.DocsPath + "/");
        var html = await page.Content.ReadAsStringAsync();
        using var script = await Get(host, ApiDocuments.DocsPath + "/scalar.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("""<script src="scalar.js"></script>""", html);
        Assert.Contains("\"url\":\"openapi/v1.json\"", html);
        Assert.Contains("\"url\":\"asyncapi/v1.json\"", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.Contains("\"withDefaultFonts\":false", html); // the default fonts come from a CDN
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.True((await script.Content.ReadAsByteArrayAsync()).Length > 1_000_000, "the bundled standalone script is served by the host");
    }
}
