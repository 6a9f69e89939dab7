using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Threading.Channels;
using Messaging.Load.Scenarios;
using Messaging.Load.Tests.Smoke;
using Messaging.Load.Transport;
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
    private static readonly TimeSpan SendingAfterKill = TimeSpan.FromSeconds(30); // twice the 15 s the cluster settings aim at
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(2);

    private ThreeNodeCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task A_REST_send_on_the_first_node_reaches_a_STOMP_subscriber_on_the_third()
    {
        var (sender, recipient) = await NewPair("cross-node");
        var frames = Channel.CreateUnbounded<string>();
        await using var socket = await LoadConnection.OpenAsync(
            new Uri($"ws://127.0.0.1:{Cluster.Node(2).BaseUri.Port}/ws"), "v12.stomp", new FrameCollector(frames.Writer), TimeProvider.System, CancellationToken.None);
        socket.Enqueue(StompFrames.Connect(recipient.Token, TimeSpan.Zero));
        socket.Enqueue(StompFrames.Subscribe("sub-0", StompFrames.Notifications, StompFrames.SubscribedReceipt));
        await NextFrame(frames.Reader, frame => frame.StartsWith("RECEIPT"));
        // The RECEIPT says the third node's pub/sub holds the subscription; the others learn of it by gossip, within
        // about a second (README, "Running several nodes"), longer right after a node was lost.
        await Task.Delay(TimeSpan.FromSeconds(3));

        using var http = Cluster.Http(0, sender, RequestTimeout);
        using var sent = await http.PostAsJsonAsync("/api/messages", new { recipientId = recipient.Id, text = "sent on node 1, heard on node 3" });

        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        var message = await NextFrame(frames.Reader, frame => frame.StartsWith("MESSAGE"));
        Assert.Contains("\"type\":\"NEW_MESSAGE\"", message);
        Assert.Contains("sent on node 1, heard on node 3", message);
    }

    [Fact]
    public async Task After_SIGKILL_of_a_node_every_acknowledged_send_is_in_history_once_and_unread_counts_are_exact()
    {
        var senders = await RetryingSenders.StartAsync(Cluster, node: 0, Pairs, "crash");

        await Task.Delay(SendingBeforeKill);
        Cluster.Kill(1);
        senders.MarkEvent();
        await Task.Delay(SendingAfterKill);
        var accounting = await senders.StopAndAccountAsync();
        output.WriteLine($"SIGKILL of node 2: {accounting}");

        Assert.Equal(0, accounting.Lost);
        Assert.Equal(0, accounting.Duplicated);
        Assert.Equal(accounting.Acknowledged, accounting.Found);
        Assert.Equal(0, accounting.UnreadCountsWrong);
        Assert.True(accounting.AnsweredAgainAfter is not null, $"some conversations never answered in the {SendingAfterKill.TotalSeconds} s after the kill");
    }

    private async Task<(LoadUser, LoadUser)> NewPair(string role)
    {
        var users = LoadUser.Create(2, Cluster.Tokens, role);
        await UserDirectory.InsertAsync(SmokeServer.Database, users, CancellationToken.None);
        return (users[0], users[1]);
    }

    private static async Task<string> NextFrame(ChannelReader<string> frames, Func<string, bool> wanted)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            var frame = await frames.ReadAsync(timeout.Token);
            if (wanted(frame))
                return frame;
        }
    }

    private sealed class FrameCollector(ChannelWriter<string> frames) : IFrameHandler
    {
        public void OnFrame(ReceivedFrame frame, long receivedAt) =>
            frames.TryWrite($"{Encoding.UTF8.GetString(frame.Command)}\n{Encoding.UTF8.GetString(frame.Body)}");

        public void OnClosed() => frames.TryComplete();
    }
}
