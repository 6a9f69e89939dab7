using Messaging.Host.Docs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;

namespace Messaging.Host.Tests.Docs;

/// <summary>Section <c>OpenApi</c>: the documents everywhere unless turned off, the reference page in Development unless set.</summary>
public sealed class ApiDocsSettingsTests
{
    private static ApiDocsSettings From(string environment, string? enabled = null, string? docsEnabled = null) =>
        ApiDocsSettings.From(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["OpenApi:Enabled"] = enabled,
                ["OpenApi:DocsEnabled"] = docsEnabled,
            }).Build(),
            new HostingEnvironment { EnvironmentName = environment });

    [Theory]
    [InlineData("Development", null, true)]
    [InlineData("Production", null, true)]
    [InlineData("Production", "false", false)]
    public void The_documents_are_served_in_every_environment_unless_turned_off(string environment, string? enabled, bool expected) =>
        Assert.Equal(expected, From(environment, enabled).Enabled);

    [Theory]
    [InlineData("Development", null, null, true)]
    [InlineData("Production", null, null, false)]
    [InlineData("Testing", null, null, false)]
    [InlineData("Production", null, "true", true)]
    [InlineData("Development", null, "false", false)]
    [InlineData("Development", "false", null, false)]
    public void The_reference_page_defaults_to_Development_while_the_documents_are_served(string environment, string? enabled, string? docsEnabled, bool expected) =>
        Assert.Equal(expected, From(environment, enabled, docsEnabled).Validate().DocsEnabled);

    [Fact]
    public void The_reference_page_cannot_be_served_without_the_documents()
    {
        var error = Assert.Throws<InvalidOperationException>(() => From("Production", enabled: "false", docsEnabled: "true").Validate());

        Assert.Contains("OpenApi:Enabled", error.Message);
    }
}
