using Messaging.Actors.Stomp;
using static Messaging.Host.Tests.Realtime.RealtimeHelpers;

namespace Messaging.Host.Tests.Realtime;

/// <summary>A host that holds at most <see cref="MaxConnections"/> STOMP sessions, all users together (the per-user limit may not exceed it).</summary>
public sealed class ServerConnectionLimitHostFixture : IAsyncLifetime
{
    public const int MaxConnections = 3;

    private MessagingHost? _host;

    public MessagingHost Host => _host ?? throw new InvalidOperationException("the host did not start");

    public async Task InitializeAsync() =>
        _host = await MessagingHost.StartPostgres(new Dictionary<string, string?>
        {
            ["Stomp:MaxConnections"] = MaxConnections.ToString(),
            ["Stomp:MaxConnectionsPerUser"] = MaxConnections.ToString(),
        });

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }
}

/// <summary><c>Stomp__MaxConnections</c> through the real host: the node refuses a CONNECT past it, whoever asks, until a session ends.</summary>
public sealed class ServerConnectionLimitTests(ServerConnectionLimitHostFixture fixture) : IClassFixture<ServerConnectionLimitHostFixture>, IAsyncLifetime
{
    private readonly List<StompTestClient> _clients = [];

    private MessagingHost Host => fixture.Host;

    public async Task InitializeAsync()
    {
        await Host.UntilAdmitted(0); // the other test's sessions are gone
        for (var user = 0; user < ServerConnectionLimitHostFixture.MaxConnections; user++)
            _clients.Add(await StompTestClient.ConnectAsync(await Host.CreateUser()));
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
            await client.DisposeAsync();
    }

    [Fact]
    public async Task A_CONNECT_past_the_server_wide_limit_gets_an_error_naming_it_and_is_closed()
    {
        await using var another = await StompTestClient.OpenAsync(Host, "one too many");
        var refused = await another.ConnectAsync(Token(await Host.CreateUser()));

        AssertError(refused, "too many connections",
            $"at most {ServerConnectionLimitHostFixture.MaxConnections} connections on this server (Stomp__MaxConnections)");
        await another.ExpectClosedAsync();
    }

    [Fact]
    public async Task A_CONNECT_is_accepted_again_once_a_session_at_the_limit_has_ended()
    {
        await _clients[0].DisposeAsync();
        _clients.RemoveAt(0);
        await Host.UntilAdmitted(ServerConnectionLimitHostFixture.MaxConnections - 1);

        await using var another = await StompTestClient.OpenAsync(Host, "after one left");
        var connected = await another.ConnectAsync(Token(await Host.CreateUser()));

        Assert.True(connected.Command == StompCommand.Connected, $"expected CONNECTED, got {StompTestClient.Describe(connected)}");
    }
}
