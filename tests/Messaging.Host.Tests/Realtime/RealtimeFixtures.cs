namespace Messaging.Host.Tests.Realtime;

/// <summary>A PostgreSQL host for the realtime tests, with the cookie that may carry a token of the upgrade request.</summary>
public sealed class RealtimeHostFixture : IAsyncLifetime
{
    public const string TokenCookie = "messaging_token";

    private MessagingHost? _host;

    public MessagingHost Host => _host ?? throw new InvalidOperationException("the host did not start");

    public async Task InitializeAsync() =>
        _host = await MessagingHost.StartPostgres(new Dictionary<string, string?> { ["Stomp:TokenCookie"] = TokenCookie });

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }
}

/// <summary>Connecting, authenticating and subscribing over /ws (a host of its own, so it runs beside the other realtime collection).</summary>
[CollectionDefinition(Name)]
public sealed class RealtimeConnectionsCollection : ICollectionFixture<RealtimeHostFixture>
{
    public const string Name = "Realtime host: connections";
}

/// <summary>Messages, typing, reads and blocks over /ws and the events REST writes raise.</summary>
[CollectionDefinition(Name)]
public sealed class RealtimeMessagingCollection : ICollectionFixture<RealtimeHostFixture>
{
    public const string Name = "Realtime host: messaging";
}

/// <summary>A host on a real loopback port (Kestrel) and PostgreSQL, for clients outside the in-memory test server.</summary>
public sealed class LoopbackHostFixture : IAsyncLifetime
{
    private MessagingHost? _host;

    public MessagingHost Host => _host ?? throw new InvalidOperationException("the host did not start");

    public async Task InitializeAsync() => _host = await MessagingHost.StartPostgres(onLoopback: true);

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }
}

/// <summary>Real sockets: the STOMP.js client under Node and .NET's ClientWebSocket against Kestrel.</summary>
[CollectionDefinition(Name)]
public sealed class RealtimeLoopbackCollection : ICollectionFixture<LoopbackHostFixture>
{
    public const string Name = "Realtime host: loopback port";
}
