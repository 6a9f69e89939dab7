using System.Text.RegularExpressions;

namespace Messaging.Host.Tests.Realtime.SockJs;

/// <summary>The suite's shared checks of headers.</summary>
public static class SockJsAssert
{
    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) || response.Content.Headers.NonValidated.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;

    /// <summary>The content type, spaces removed (the suite compares it so).</summary>
    public static void ContentType(HttpResponseMessage response, string expected) =>
        Assert.Equal(expected, Header(response, "Content-Type")?.Replace(" ", ""));

    public static void Cors(HttpResponseMessage response, string origin)
    {
        Assert.Equal(origin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
    }

    public static void NotCached(HttpResponseMessage response)
    {
        Assert.Equal("no-store, no-cache, no-transform, must-revalidate, max-age=0", Header(response, "Cache-Control"));
        Assert.Null(Header(response, "Expires"));
        Assert.Null(Header(response, "Last-Modified"));
    }

    public static void NoCookie(HttpResponseMessage response) => Assert.Null(Header(response, "Set-Cookie"));

    public static void Cookie(HttpResponseMessage response, string value)
    {
        var parts = Header(response, "Set-Cookie")!.Split(';');
        Assert.Equal($"JSESSIONID={value}", parts[0].Trim());
        Assert.Equal("path=/", parts[1].Trim().ToLowerInvariant());
    }

    /// <summary>A cacheable CORS preflight answer allowing <paramref name="methods"/>, for the origins the suite tries.</summary>
    public static async Task Options(SockJsClient client, string url, string methods)
    {
        foreach (var origin in new[] { "test", "null" })
        {
            using var response = await client.Options(url, ("Access-Control-Request-Method", methods), ("Origin", origin));

            Assert.True(response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.OK, $"{url}: {response.StatusCode}");
            Assert.Matches("public", Header(response, "Cache-Control"));
            Assert.Matches("max-age=[1-9][0-9]{6}", Header(response, "Cache-Control"));
            Assert.NotNull(Header(response, "Expires"));
            Assert.True(int.Parse(Header(response, "Access-Control-Max-Age")!) > 1_000_000);
            foreach (var method in methods.Split(','))
                Assert.Contains(method.Trim(), Header(response, "Access-Control-Allow-Methods"));
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
            Cors(response, origin);
        }
    }

    public static async Task Status405(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Null(Header(response, "Content-Type"));
        Assert.False(string.IsNullOrEmpty(Header(response, "Allow")));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    public static async Task Body(HttpResponseMessage response, HttpStatusCode status, string body)
    {
        Assert.Equal(body, await response.Content.ReadAsStringAsync());
        Assert.Equal(status, response.StatusCode);
    }

    public static bool IsMatch(string pattern, string? text) => text is not null && Regex.IsMatch(text, pattern);
}
