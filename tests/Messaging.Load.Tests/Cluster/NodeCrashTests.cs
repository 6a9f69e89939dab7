using System.Net;
using System.Net.Http.Json;
using Xunit.Abstractions;

namespace Messaging.Load.Tests.Cluster;

/// <summary>One cluster of three processes for the class; only the crash test stops a node, and never the first or the third.</summary>
public sealed class ThreeNodeClusterFixture : IAsyncLifetime
{
    public ThreeNodeCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await ThreeNodeCluster.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>
/// DESIGN invariants 2 and 3 across processes: a node killed with SIGKILL while a client keeps sending through
/// another loses nothing acknowledged, duplicates nothing the client retried with its own id, and leaves unread
/// counts exact. Prints what it measured.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NodeCrashTests(ThreeNodeClusterFixture fixture, ITestOutputHelper output) : IClassFixture<ThreeNodeClusterFixture>
{
    private const int Pairs = 24;
    private static readonly TimeSpan SendingBeforeKill = TimeSpan.FromSeconds(3);
    /// <summary>The most the cluster settings may take to answer a dead node's conversations again (HOCON-README, "When a node dies").</summary>
    private static readonly TimeSpan RecoveryTarget = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan SendingAfterKill = RecoveryTarget * 2; // a recovery past the target is measured too, not cut off
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(2);

    private ThreeNodeCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task A_REST_send_on_the_first_node_reaches_a_STOMP_subscriber_on_the_third()
    {
        var (sender, recipient) = await Cluster.NewPairAsync("cross-node");
        await using var listener = await NotificationListener.SubscribeAsync(Cluster, 2, recipient);
        // The RECEIPT says the third node's pub/sub holds the subscription; the others learn of it by gossip, within
        // about a second (README, "Running several nodes"), longer right after a node was lost.
        await Task.Delay(TimeSpan.FromSeconds(3));

        using var http = Cluster.Http(0, sender, RequestTimeout);
        using var sent = await http.PostAsJsonAsync("/api/messages", new { recipientId = recipient.Id, text = "sent on node 1, heard on node 3" });

        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        var message = await listener.NextAsync(frame => frame.Command == "MESSAGE");
        Assert.Contains("\"type\":\"NEW_MESSAGE\"", message.Body);
        Assert.Contains("sent on node 1, heard on node 3", message.Body);
    }

    [Fact]
    public async Task After_SIGKILL_of_a_node_every_acknowledged_send_is_in_history_once_and_unread_counts_are_exact()
    {
        var senders = await RetryingSenders.StartAsync(Cluster, node: 0, Pairs, "crash");

        await Task.Delay(SendingBeforeKill);
        var killedAt = DateTime.UtcNow;
        Cluster.Kill(1);
        senders.MarkEvent();
        await Task.Delay(SendingAfterKill);
        var accounting = await senders.StopAndAccountAsync();
        output.WriteLine($"SIGKILL of node 2 at {killedAt:HH:mm:ss.fff} UTC: {accounting}");
        output.WriteLine(Cluster.MembershipWarnings());

        Assert.Equal(0, accounting.Lost);
        Assert.Equal(0, accounting.Duplicated);
        Assert.Equal(accounting.Acknowledged, accounting.Found);
        Assert.Equal(0, accounting.UnreadCountsWrong);
        Assert.True(accounting.AnsweredAgainAfter is not null, $"some conversations never answered in the {SendingAfterKill.TotalSeconds} s after the kill");
        Assert.True(accounting.AnsweredAgainAfter <= RecoveryTarget,
            $"the dead node's conversations answered again {accounting.AnsweredAgainAfter.Value.TotalSeconds:F1} s after the kill, past the {RecoveryTarget.TotalSeconds} s target");
    }
}
