using Messaging.Host.Realtime.SockJs;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Host.Tests.Realtime.SockJs;

/// <summary>
/// A loopback host whose <c>/ws</c> forgets idle SockJS sessions after half a second, and whose STOMP sessions wait
/// one second for CONNECT (a stopped session's CONNECT deadline stays in Akka's timer wheel, holding the actor, until it is due).
/// </summary>
public sealed class ShortDisconnectDelayHostFixture : IAsyncLifetime
{
    public static readonly TimeSpan DisconnectDelay = TimeSpan.FromMilliseconds(500);

    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);

    private MessagingHost? _host;

    public MessagingHost Host => _host ?? throw new InvalidOperationException("the host did not start");

    public async Task InitializeAsync() =>
        _host = await MessagingHost.StartPostgres(new Dictionary<string, string?>
        {
            ["SockJs:DisconnectDelay"] = DisconnectDelay.ToString(), ["Stomp:ConnectTimeout"] = ConnectTimeout.ToString(),
        }, onLoopback: true);

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }
}

/// <summary>Alone (no other test allocates meanwhile), so the process's managed memory measures what the sessions leave behind.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AbandonedSessionsCollection : ICollectionFixture<ShortDisconnectDelayHostFixture>
{
    public const string Name = "SockJS: abandoned sessions";
}

[Collection(AbandonedSessionsCollection.Name)]
public sealed class AbandonedSessionsTests(ShortDisconnectDelayHostFixture fixture)
{
    private const int Sessions = 1_000;

    /// <summary>Managed memory that may stay behind after the sessions are gone (pools and caches warmed by the run).</summary>
    private const long AllowedGrowthBytes = 1024 * 1024;

    private SockJsServer Server => fixture.Host.Services.GetRequiredService<SockJsServer>();

    [Fact]
    public async Task A_thousand_sessions_that_never_poll_again_are_forgotten_and_their_memory_freed()
    {
        using var client = new SockJsClient(fixture.Host);
        await OpenAndAbandon(client, 100); // warms the paths the measurement should not count
        await UntilForgotten();
        await Task.Delay(ShortDisconnectDelayHostFixture.ConnectTimeout * 2);
        var before = ManagedMemory.AfterFullCollection();

        await OpenAndAbandon(client, Sessions);
        var whileOpen = ManagedMemory.AfterFullCollection();
        Assert.True(Server.SessionCount > 0, "the sessions were swept before they could be counted");
        await UntilForgotten();
        await Task.Delay(ShortDisconnectDelayHostFixture.ConnectTimeout * 2); // the STOMP actors stopped, and their deadlines passed
        var after = ManagedMemory.AfterFullCollection();

        Assert.Equal(0, Server.SessionCount);
        Assert.True(whileOpen - before > AllowedGrowthBytes, $"the open sessions took only {(whileOpen - before) / 1024} KiB: the measurement cannot tell");
        Assert.True(after - before < AllowedGrowthBytes,
            $"managed memory grew by {(after - before) / 1024} KiB after {Sessions} abandoned sessions were forgotten ({(whileOpen - before) / 1024} KiB while they were open)");
    }

    /// <summary>Opens sessions over xhr polling (each answers <c>o</c> and creates a STOMP session) and never polls them again.</summary>
    private static async Task OpenAndAbandon(SockJsClient client, int count)
    {
        for (var opened = 0; opened < count; opened += 50)
        {
            await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
            {
                using var response = await client.Post(SockJsClient.NewSession("/ws") + "/xhr");
                Assert.Equal("o\n", await response.Content.ReadAsStringAsync());
            }));
        }
    }

    private async Task UntilForgotten()
    {
        var deadline = DateTime.UtcNow + ShortDisconnectDelayHostFixture.DisconnectDelay * 20;
        while (Server.SessionCount > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.Equal(0, Server.SessionCount);
    }
}
