using Messaging.Actors.Stomp;

namespace Messaging.Actors.Tests.Stomp;

public sealed class StompSettingsSpecs
{
    private static readonly StompSettings ShopOnly = new() { AllowedOrigins = ["https://shop.example.com"] };

    [Fact]
    public void Defaults_are_valid_and_allow_every_origin()
    {
        var defaults = new StompSettings().Validate();

        Assert.Empty(defaults.AllowedOrigins);
        Assert.True(defaults.AllowsOrigin("https://anywhere.example.org"));
    }

    [Fact]
    public void Defaults_allow_20_connections_per_user_and_10000_per_node()
    {
        var defaults = new StompSettings().Validate();

        Assert.Equal((20, 10_000), (defaults.MaxConnectionsPerUser, defaults.MaxConnections));
    }

    [Fact]
    public void A_per_user_limit_below_one_is_refused_at_start()
    {
        var invalid = Assert.Throws<InvalidOperationException>(() => new StompSettings { MaxConnectionsPerUser = 0 }.Validate());

        Assert.Contains("MaxConnectionsPerUser must be at least 1, was 0", invalid.Message);
    }

    [Fact]
    public void A_node_limit_below_the_per_user_limit_is_refused_at_start()
    {
        var invalid = Assert.Throws<InvalidOperationException>(() => new StompSettings { MaxConnectionsPerUser = 20, MaxConnections = 5 }.Validate());

        Assert.Contains("MaxConnections must be at least MaxConnectionsPerUser (20), was 5", invalid.Message);
    }

    [Theory]
    [InlineData("https://shop.example.com")]
    [InlineData("HTTPS://SHOP.EXAMPLE.COM")]
    public void A_listed_origin_is_allowed_whatever_its_case(string origin) => Assert.True(ShopOnly.AllowsOrigin(origin));

    [Theory]
    [InlineData("https://evil.example.com")]
    [InlineData("http://shop.example.com")]
    [InlineData("https://shop.example.com:8443")]
    [InlineData("null")]
    public void An_origin_not_listed_is_refused(string origin) => Assert.False(ShopOnly.AllowsOrigin(origin));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_request_without_an_origin_is_not_from_a_browser_page_and_is_allowed(string? origin) => Assert.True(ShopOnly.AllowsOrigin(origin));

    [Fact]
    public void An_origin_configured_with_a_trailing_slash_matches_the_browsers_origin()
    {
        var settings = new StompSettings { AllowedOrigins = ["https://shop.example.com/"] }.Validate();

        Assert.True(settings.AllowsOrigin("https://shop.example.com"));
    }

    [Theory]
    [InlineData("shop.example.com")]
    [InlineData("https://shop.example.com/chat")]
    [InlineData("*")]
    public void An_allowed_origin_that_is_not_an_origin_is_refused_at_start(string origin)
    {
        var invalid = Assert.Throws<InvalidOperationException>(() => new StompSettings { AllowedOrigins = [origin] }.Validate());

        Assert.Contains($"'{origin}'", invalid.Message);
    }
}
