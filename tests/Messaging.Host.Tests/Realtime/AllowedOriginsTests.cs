using Messaging.Actors.Stomp;

namespace Messaging.Host.Tests.Realtime;

/// <summary>A host that lets only its shop's pages open realtime connections (Stomp:AllowedOrigins).</summary>
public sealed class ShopOriginHostFixture : IAsyncLifetime
{
    public const string ShopOrigin = "https://shop.example.com";

    private MessagingHost? _host;

    public MessagingHost Host => _host ?? throw new InvalidOperationException("the host did not start");

    public async Task InitializeAsync() =>
        _host = await MessagingHost.StartPostgres(new Dictionary<string, string?> { ["Stomp:AllowedOrigins:0"] = ShopOrigin });

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }
}

/// <summary>
/// A browser lets any page open a WebSocket or a SockJS session to any host, cookies included: with allowed origins
/// configured, pages of other sites are refused at the door, over every transport.
/// </summary>
public sealed class AllowedOriginsTests(ShopOriginHostFixture fixture) : IClassFixture<ShopOriginHostFixture>
{
    private const string OtherSite = "https://evil.example.net";

    private MessagingHost Host => fixture.Host;

    [Fact]
    public async Task A_page_of_an_allowed_origin_opens_the_WebSocket_and_connects()
    {
        var alice = await Host.CreateUser();
        await using var client = await StompTestClient.OpenAsync(Host, configureRequest: request => request.Headers.Origin = ShopOriginHostFixture.ShopOrigin);

        Assert.Equal(StompCommand.Connected, (await client.ConnectAsync(RealtimeHelpers.Token(alice))).Command);
    }

    [Fact]
    public async Task A_page_of_another_site_is_refused_the_WebSocket_with_403()
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(
            () => StompTestClient.OpenAsync(Host, configureRequest: request => request.Headers.Origin = OtherSite));

        Assert.Contains("403", refused.Message);
    }

    [Fact]
    public async Task A_client_that_is_not_a_browser_page_sends_no_origin_and_connects()
    {
        var alice = await Host.CreateUser();
        await using var client = await StompTestClient.OpenAsync(Host);

        Assert.Equal(StompCommand.Connected, (await client.ConnectAsync(RealtimeHelpers.Token(alice))).Command);
    }

    [Theory]
    [InlineData("GET", "/ws/info")]
    [InlineData("POST", "/ws/000/origin-test/xhr")]
    [InlineData("POST", "/ws/000/origin-test/xhr_streaming")]
    [InlineData("GET", "/ws/000/origin-test/eventsource")]
    public async Task A_page_of_another_site_is_refused_every_SockJS_request_with_403(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add("Origin", OtherSite);

        using var response = await Host.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_page_of_the_allowed_origin_gets_SockJS_info_with_its_origin_echoed_for_CORS()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ws/info");
        request.Headers.Add("Origin", ShopOriginHostFixture.ShopOrigin);

        using var response = await Host.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ShopOriginHostFixture.ShopOrigin, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
    }
}
