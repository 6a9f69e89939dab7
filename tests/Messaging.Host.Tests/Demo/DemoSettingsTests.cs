using Messaging.Host.Auth;
using Messaging.Host.Demo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace Messaging.Host.Tests.Demo;

/// <summary>Section <c>Demo</c>: on by default in Development only, and only with a key to sign the demo users' tokens.</summary>
public sealed class DemoSettingsTests
{
    private static DemoSettings From(string environment, string? enabled) =>
        DemoSettings.From(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Demo:Enabled"] = enabled }).Build(),
            new HostingEnvironment { EnvironmentName = environment });

    [Theory]
    [InlineData("Development", null, true)]
    [InlineData("Production", null, false)]
    [InlineData("Testing", null, false)]
    [InlineData("Production", "true", true)]
    [InlineData("Development", "false", false)]
    public void Enabled_defaults_to_Development_unless_set(string environment, string? enabled, bool expected) =>
        Assert.Equal(expected, From(environment, enabled).Enabled);

    [Fact]
    public void Enabled_needs_a_signing_key_for_the_tokens()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new DemoSettings(Enabled: true).Validate(new JwtSettings { Authority = "https://login.example.test" }));

        Assert.Contains("Jwt:SigningKey", error.Message);
    }

    [Fact]
    public void Disabled_needs_no_signing_key() =>
        Assert.False(new DemoSettings(Enabled: false).Validate(new JwtSettings { Authority = "https://login.example.test" }).Enabled);
}
