using System.Net;
using System.Net.Http.Json;
using Xunit.Abstractions;

namespace Messaging.Load.Tests.Cluster;

/// <summary>A cluster of its own: the leave test stops a node the other tests use.</summary>
public sealed class LeavingClusterFixture : IAsyncLifetime
{
    public ThreeNodeCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await ThreeNodeCluster.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>
/// SIGTERM, as an orchestrator stops a node: it ends its STOMP sessions with an ERROR their clients reconnect from,
/// leaves the cluster, hands its shards over and exits, and the clients sending through another node lose nothing
/// acknowledged and store nothing twice.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NodeLeaveTests(LeavingClusterFixture fixture, ITestOutputHelper output) : IClassFixture<LeavingClusterFixture>
{
    private const int Pairs = 24;
    private const int LeavingNode = 2;
    private static readonly TimeSpan SendingBeforeLeave = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan SendingAfterExit = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CloseAfterError = TimeSpan.FromSeconds(5);

    private ThreeNodeCluster Cluster => fixture.Cluster;

    // One test: a cluster of three processes takes most of a minute to start on a loaded machine, and the node leaves once.
    [Fact]
    public async Task A_node_stopped_with_SIGTERM_tells_its_STOMP_clients_exits_cleanly_and_every_acknowledged_send_is_in_history_once()
    {
        var (sender, listener) = await Cluster.NewPairAsync("leave-listener");
        await using var onLeavingNode = await NotificationListener.SubscribeAsync(Cluster, LeavingNode, listener);
        var senders = await RetryingSenders.StartAsync(Cluster, node: 0, Pairs, "leave");

        await Task.Delay(SendingBeforeLeave);
        senders.MarkEvent();
        var exit = Cluster.TerminateAsync(LeavingNode, ExitTimeout);
        var error = await onLeavingNode.NextAsync(frame => frame.Command == "ERROR");
        var closed = await onLeavingNode.ClosedWithin(CloseAfterError);
        // The client does what the ERROR asks: it connects again, through the load balancer, to a node that stays.
        await using var reconnected = await NotificationListener.SubscribeAsync(Cluster, 1, listener);
        var exitCode = await exit;
        await Task.Delay(SendingAfterExit);
        var accounting = await senders.StopAndAccountAsync();
        output.WriteLine($"SIGTERM of node 3: exit code {exitCode?.ToString() ?? "none: still running"}; {accounting}");
        using var http = Cluster.Http(0, sender, TimeSpan.FromSeconds(10));
        using var sent = await http.PostAsJsonAsync("/api/messages", new { recipientId = listener.Id, text = "heard after reconnecting" });

        Assert.Equal("server shutting down", error.Message);
        Assert.Equal("this node is shutting down: connect again to reach another one", error.Body);
        Assert.True(closed, $"the leaving node had not closed the STOMP connection {CloseAfterError.TotalSeconds} s after its ERROR");
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        Assert.Contains("heard after reconnecting", (await reconnected.NextAsync(frame => frame.Command == "MESSAGE")).Body);
        Assert.Equal(0, exitCode);
        Assert.Equal(0, accounting.Lost);
        Assert.Equal(0, accounting.Duplicated);
        Assert.Equal(accounting.Acknowledged, accounting.Found);
        Assert.Equal(0, accounting.UnreadCountsWrong);
        Assert.True(accounting.AnsweredAgainAfter is not null, "some conversations never answered after the node left");
    }
}
