using Messaging.Host.Realtime.SockJs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Host.Tests.Realtime.SockJs;

/// <summary>The <c>SockJs</c> configuration section.</summary>
public sealed class SockJsSettingsTests
{
    [Fact]
    public void The_defaults_are_the_protocols_and_valid()
    {
        var settings = new SockJsSettings().Validate();

        Assert.Equal(TimeSpan.FromSeconds(25), settings.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.DisconnectDelay);
        Assert.Equal(128 * 1024, settings.StreamingResponseLimitBytes);
        Assert.True(settings.WebSocketEnabled);
        Assert.False(settings.CookieNeeded);
    }

    [Fact]
    public void Settings_bind_from_the_SockJs_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SockJs:HeartbeatInterval"] = "00:00:10",
            ["SockJs:DisconnectDelay"] = "00:00:02",
            ["SockJs:StreamingResponseLimitBytes"] = "65536",
            ["SockJs:WebSocketEnabled"] = "false",
            ["SockJs:CookieNeeded"] = "true",
        }).Build();

        var settings = configuration.GetSection("SockJs").Get<SockJsSettings>()!.Validate();

        Assert.Equal(new SockJsSettings
        {
            HeartbeatInterval = TimeSpan.FromSeconds(10), DisconnectDelay = TimeSpan.FromSeconds(2), StreamingResponseLimitBytes = 65536,
            WebSocketEnabled = false, CookieNeeded = true,
        }, settings);
    }

    [Fact]
    public void Nonsense_values_are_refused_naming_each_problem()
    {
        var invalid = new SockJsSettings { HeartbeatInterval = TimeSpan.Zero, DisconnectDelay = TimeSpan.FromSeconds(-1), StreamingResponseLimitBytes = 10 };

        var error = Assert.Throws<InvalidOperationException>(() => invalid.Validate());

        Assert.Contains("HeartbeatInterval must be positive", error.Message);
        Assert.Contains("DisconnectDelay must be positive", error.Message);
        Assert.Contains("StreamingResponseLimitBytes must be at least 1024", error.Message);
    }

    [Fact]
    public async Task The_host_takes_its_SockJs_settings_from_configuration()
    {
        await using var host = await MessagingHost.StartPostgres(new Dictionary<string, string?> { ["SockJs:DisconnectDelay"] = "00:00:07" });

        Assert.Equal(TimeSpan.FromSeconds(7), host.Services.GetRequiredService<SockJsSettings>().DisconnectDelay);
    }
}
