using System.Diagnostics;
using System.Net.WebSockets;
using Messaging.Actors.Stomp;
using Messaging.Host.Realtime;
using Messaging.Host.Tests.Realtime.SockJs;
using static Messaging.Host.Tests.Realtime.RealtimeHelpers;

namespace Messaging.Host.Tests.Realtime;

/// <summary>
/// A loopback host for clients that misbehave: a client may have only <see cref="QueueFrames"/> frames queued, a user
/// only <see cref="PerUser"/> connections, streaming SockJS responses never end on their own (so a client that stops
/// reading one leaves the server's write stuck), and senders are not rate limited (a flood is the point).
/// </summary>
public sealed class HostileClientsHostFixture : IAsyncLifetime
{
    public const int QueueFrames = 4;
    public const int PerUser = 2;

    private MessagingHost? _host;

    public MessagingHost Host => _host ?? throw new InvalidOperationException("the host did not start");

    public async Task InitializeAsync() =>
        _host = await MessagingHost.StartPostgres(new Dictionary<string, string?>
        {
            ["Stomp:OutboundQueueFrames"] = QueueFrames.ToString(),
            ["Stomp:MaxConnectionsPerUser"] = PerUser.ToString(),
            ["SockJs:StreamingResponseLimitBytes"] = (1 << 30).ToString(),
            ["Messaging:MessagesPerMinute"] = "1000000",
        }, onLoopback: true);

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }
}

/// <summary>Alone: its tests measure how soon the server drops a connection, which a machine busy with other tests would blur.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostileClientsCollection : ICollectionFixture<HostileClientsHostFixture>
{
    public const string Name = "Realtime host: hostile clients";
}

[Collection(HostileClientsCollection.Name)]
public sealed class HostileClientsTests(HostileClientsHostFixture fixture)
{
    /// <summary>Far more than the socket buffers of both ends hold (4 MiB at most for the server's here), so the server's write gets stuck.</summary>
    private const int FloodMessages = 120;

    private MessagingHost Host => fixture.Host;

    // ---- clients that stop reading ----

    [Fact]
    public async Task A_WebSocket_client_that_stops_reading_is_dropped_within_the_close_grace_and_its_session_freed()
    {
        var alice = await Host.CreateUser("Alice");
        var bob = await Host.CreateUser("Bob");
        using var socket = await StalledReaders.SubscribeAndStopReading(Host, alice);

        // Alice reads no more; Bob floods her notifications.
        await StalledReaders.Flood(bob, alice, FloodMessages);
        var closed = await UntilNoSessionIsAdmitted();

        await UntilPastTheGrace(closed);
        var (ending, drained) = await Drain(socket);
        Assert.True(ending is WebSocketException, $"the server did not drop the connection: reading what it had sent ended with {ending?.GetType().Name ?? "its close frame"}");
        Assert.True(drained < TimeSpan.FromSeconds(3), $"the connection was still open {drained.TotalSeconds:F1} s after the client began to read again");
    }

    [Fact]
    public async Task A_SockJS_streaming_client_that_stops_reading_is_dropped_within_the_close_grace_and_its_session_freed()
    {
        var alice = await Host.CreateUser("Alice");
        var bob = await Host.CreateUser("Bob");
        using var client = await SockJsStompClient.Open(Host);
        Assert.Equal(StompCommand.Connected, (await client.Connect(Token(alice))).Command);
        await client.Send(StompFrame.Create(StompCommand.Subscribe, ("id", "n"), ("destination", "/user/queue/notifications"), ("receipt", "subscribed")));
        Assert.Equal("subscribed", (await client.Next()).Header("receipt-id"));

        await StalledReaders.Flood(bob, alice, FloodMessages);
        var closed = await UntilNoSessionIsAdmitted();

        await UntilPastTheGrace(closed);
        var clock = Stopwatch.StartNew();
        var ending = await Record.ExceptionAsync(() => client.ReadToEnd(TimeSpan.FromSeconds(10)));
        Assert.True(ending is IOException or HttpRequestException,
            $"the server did not drop the connection: the response {(ending is null ? "ended normally" : $"ended with {ending.GetType().Name}")}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"the connection was still open {clock.Elapsed.TotalSeconds:F1} s after the client began to read again");
    }

    // ---- connection limits ----

    [Fact]
    public async Task A_user_past_the_per_user_limit_over_WebSocket_and_SockJS_together_gets_an_error_naming_it_and_is_closed()
    {
        var alice = await Host.CreateUser("Alice");
        await using var overWebSocket = await ConnectOverLoopback(Token(alice), "alice-ws");
        using var overSockJs = await SockJsStompClient.Open(Host);
        Assert.Equal(StompCommand.Connected, (await overSockJs.Connect(Token(alice))).Command);

        await using var third = await OpenOverLoopback("alice-third");
        var refused = await third.ConnectAsync(Token(alice));

        AssertError(refused, "too many connections", $"at most {HostileClientsHostFixture.PerUser} connections per user (Stomp__MaxConnectionsPerUser)");
        await third.ExpectClosedAsync();
    }

    [Fact]
    public async Task A_user_who_closes_a_connection_may_open_another()
    {
        var alice = await Host.CreateUser("Alice");
        await using var first = await ConnectOverLoopback(Token(alice), "alice-1");
        var second = await ConnectOverLoopback(Token(alice), "alice-2");
        await second.DisposeAsync();
        await Host.UntilAdmitted(1);

        await using var again = await ConnectOverLoopback(Token(alice), "alice-3");

        Assert.False(again.IsClosed);
    }

    // ---- helpers ----

    /// <summary>Waits until the close grace (and a second more) has passed since <paramref name="closed"/> started.</summary>
    private static Task UntilPastTheGrace(Stopwatch closed)
    {
        var left = CloseDeadline.Grace + TimeSpan.FromSeconds(1) - closed.Elapsed;
        return left > TimeSpan.Zero ? Task.Delay(left) : Task.CompletedTask;
    }

    /// <summary>Waits until the node holds no session (the flooded client's was closed); the time since it was seen closed.</summary>
    private async Task<Stopwatch> UntilNoSessionIsAdmitted()
    {
        await Host.UntilAdmitted(0);
        return Stopwatch.StartNew();
    }

    private async Task<StompTestClient> OpenOverLoopback(string label)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("v12.stomp");
        await socket.ConnectAsync(Host.WebSocketAddress, CancellationToken.None);
        return StompTestClient.Over(socket, label);
    }

    private async Task<StompTestClient> ConnectOverLoopback(string token, string label)
    {
        var client = await OpenOverLoopback(label);
        var connected = await client.ConnectAsync(token);
        Assert.True(connected.Command == StompCommand.Connected, $"{label}: expected CONNECTED, got {StompTestClient.Describe(connected)}");
        return client;
    }

    /// <summary>Reads all the server sent; how reading ended (null: the server's close frame) and how long it took.</summary>
    private static async Task<(Exception? Ending, TimeSpan Took)> Drain(WebSocket socket)
    {
        var buffer = new byte[256 * 1024];
        var clock = Stopwatch.StartNew();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            while ((await socket.ReceiveAsync(buffer, limit.Token)).MessageType != WebSocketMessageType.Close)
            {
            }
            return (null, clock.Elapsed);
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException)
        {
            return (error, clock.Elapsed);
        }
    }
}
