namespace Messaging.Host.Tests.Demo;

/// <summary>A host with the demo page enabled, on a real loopback port so a browser can load it.</summary>
public sealed class DemoHostFixture : IAsyncLifetime
{
    private MessagingHost? _host;

    public MessagingHost Host => _host ?? throw new InvalidOperationException("the host did not start");

    public async Task InitializeAsync() => _host = await MessagingHost.StartPostgres(
        new Dictionary<string, string?>
        {
            ["Demo:Enabled"] = "true",
            // Every run has the seller type in the same conversation of the same demo users: the relay must not hold
            // back a notice because the previous run's came less than the usual 2 s before.
            ["Messaging:TypingThrottle"] = "00:00:00.100",
        },
        onLoopback: true);

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }
}

/// <summary>The demo page and its users (the HTTP tests and the browser tests share the host).</summary>
[CollectionDefinition(Name)]
public sealed class DemoCollection : ICollectionFixture<DemoHostFixture>
{
    public const string Name = "Demo host: loopback port";
}
