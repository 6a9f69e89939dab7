using System.Net.WebSockets;
using Messaging.Host.Realtime;
using Xunit.Abstractions;

namespace Messaging.Host.Tests.Realtime;

/// <summary>
/// A loopback host with the default STOMP limits whose senders are not rate limited (the flood is the point), and
/// whose conversations neither snapshot during the flood nor stay in memory long after it: a snapshot of a history of
/// long messages is tens of MB, and the pooled buffers that wrote it stay in the process's array pool, which would
/// hide what the connections leave behind.
/// </summary>
public sealed class UnlimitedSendersHostFixture : IAsyncLifetime
{
    public static readonly TimeSpan PassivateAfter = TimeSpan.FromSeconds(2);

    private MessagingHost? _host;

    public MessagingHost Host => _host ?? throw new InvalidOperationException("the host did not start");

    public async Task InitializeAsync() =>
        _host = await MessagingHost.StartPostgres(new Dictionary<string, string?>
        {
            ["Messaging:MessagesPerMinute"] = "1000000",
            ["Messaging:SnapshotEvery"] = "1000000",
            ["Messaging:PassivateAfter"] = PassivateAfter.ToString(),
        }, onLoopback: true);

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }
}

/// <summary>Alone (no other test allocates meanwhile), so the process's managed memory measures what the dropped connections leave behind.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StalledReadersMemoryCollection : ICollectionFixture<UnlimitedSendersHostFixture>
{
    public const string Name = "Realtime host: memory of clients that stop reading";
}

/// <summary>
/// Issue 9's reproduction: ten connections of one user subscribe to its notifications and never read while another
/// user sends it 1,100 messages of 10,000 characters. The server drops them, and what it held for them is freed.
/// </summary>
[Collection(StalledReadersMemoryCollection.Name)]
public sealed class StalledReadersMemoryTests(UnlimitedSendersHostFixture fixture, ITestOutputHelper output)
{
    private const int Connections = 10;
    private const int Messages = 1_100;

    /// <summary>Fewer than the outbound queue holds (<c>Stomp:OutboundQueueFrames</c>, 256 by default): the connections are still open.</summary>
    private const int HeldMessages = 150;

    /// <summary>
    /// Managed memory that may stay behind once the connections are gone: buffers the flood warmed in the array pool
    /// and Kestrel's memory pool (~9 MiB measured). What the ten connections had queued would be hundreds of MiB.
    /// </summary>
    private const long AllowedGrowthBytes = 16 * 1024 * 1024;

    /// <summary>Less than the open connections must hold: 10 × 150 notifications of ~120 KB, minus what the sockets' buffers took.</summary>
    private const long HeldAtLeastBytes = 50 * 1024 * 1024;

    /// <summary>Time for the conversation and both inboxes to passivate once idle.</summary>
    private static readonly TimeSpan PassivatedAfter = UnlimitedSendersHostFixture.PassivateAfter * 3;

    private MessagingHost Host => fixture.Host;

    [Fact]
    public async Task Connections_that_stop_reading_under_a_flood_are_dropped_and_what_was_queued_for_them_is_freed()
    {
        var alice = await Host.CreateUser("Alice");
        var bob = await Host.CreateUser("Bob");
        await StalledReaders.Flood(bob, alice, 20); // warms the paths the measurement should not count
        await Task.Delay(PassivatedAfter);
        var before = ManagedMemory.AfterFullCollection();

        var sockets = new List<ClientWebSocket>();
        try
        {
            for (var opened = 0; opened < Connections; opened++)
                sockets.Add(await StalledReaders.SubscribeAndStopReading(Host, alice));
            await StalledReaders.Flood(bob, alice, HeldMessages);
            var whileHeld = ManagedMemory.AfterFullCollection();
            await StalledReaders.Flood(bob, alice, Messages - HeldMessages);
            await Host.UntilAdmitted(0);
            await Task.Delay(CloseDeadline.Grace + TimeSpan.FromSeconds(1)); // the connections are aborted, their writes given up
            await Task.Delay(PassivatedAfter); // the conversation's history leaves memory: it is the journal's, not the connections'
            var after = ManagedMemory.AfterFullCollection();
            output.WriteLine($"managed memory: {(whileHeld - before) / 1024} KiB more while the connections were held, {(after - before) / 1024} KiB more once they were dropped");

            Assert.True(whileHeld - before > HeldAtLeastBytes,
                $"the open connections held only {(whileHeld - before) / 1024} KiB: the measurement cannot tell");
            Assert.True(after - before < AllowedGrowthBytes,
                $"managed memory grew by {(after - before) / 1024} KiB once the connections were dropped ({(whileHeld - before) / 1024} KiB while they were held)");
        }
        finally
        {
            foreach (var socket in sockets)
                socket.Dispose();
        }
    }
}
