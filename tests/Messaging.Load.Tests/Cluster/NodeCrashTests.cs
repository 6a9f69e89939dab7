using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
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
public sealed class NodeCrashTests(ThreeNodeClusterFixture fixture, ITestOutputHelper output) : IClassFixture<ThreeNodeClusterFixture>
{
    private const int Pairs = 24;
    private static readonly TimeSpan SendingBeforeKill = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan SendingAfterKill = TimeSpan.FromSeconds(30); // twice the 15 s the cluster settings aim at
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SetUpTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan PauseBetweenSends = TimeSpan.FromMilliseconds(100);

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
        var conversations = new List<(LoadUser Buyer, LoadUser Seller, Guid ConversationId)>();
        for (var pair = 0; pair < Pairs; pair++)
        {
            var (buyer, seller) = await NewPair($"crash-{pair}");
            using var http = Cluster.Http(0, buyer, SetUpTimeout); // the first uses of fresh shards are slow
            conversations.Add((buyer, seller, await OpenConversation(http, seller)));
        }
        var acknowledged = new ConcurrentDictionary<string, (Guid MessageId, string Text)>(); // by client message id
        var firstSuccessAfterKill = new ConcurrentDictionary<Guid, TimeSpan>();
        var clock = Stopwatch.StartNew();
        long killedAtTicks = long.MaxValue;
        using var stopSending = new CancellationTokenSource();
        var giveUpAt = SendingBeforeKill + SendingAfterKill + TimeSpan.FromSeconds(30);
        var retries = 0;

        // One client per conversation sends into it through the first node, one send at a time, and retries a send
        // that was not acknowledged with the same client id until it is.
        var senders = conversations.Select(conversation => Task.Run(async () =>
        {
            using var http = Cluster.Http(0, conversation.Buyer, RequestTimeout);
            for (var sequence = 0; !stopSending.IsCancellationRequested; sequence++)
            {
                var clientMessageId = $"{conversation.ConversationId:N}-{sequence}";
                var text = $"send {sequence}";
                while (clock.Elapsed < giveUpAt)
                {
                    if (await TrySend(http, new { conversation.ConversationId, text, clientMessageId }) is { } sent)
                    {
                        acknowledged[clientMessageId] = (sent.MessageId, text);
                        if (Volatile.Read(ref killedAtTicks) is var killed and not long.MaxValue)
                            firstSuccessAfterKill.TryAdd(conversation.ConversationId, clock.Elapsed - TimeSpan.FromTicks(killed));
                        break;
                    }
                    Interlocked.Increment(ref retries);
                    await Task.Delay(RetryPause);
                }
                await Task.Delay(PauseBetweenSends);
            }
        })).ToArray();

        await Task.Delay(SendingBeforeKill);
        Cluster.Kill(1);
        Volatile.Write(ref killedAtTicks, clock.Elapsed.Ticks);
        await Task.Delay(SendingAfterKill);
        stopSending.Cancel();
        await Task.WhenAll(senders);

        var (found, duplicated, lost, unreadMismatches) = (0, 0, 0, 0);
        foreach (var (_, seller, conversationId) in conversations)
        {
            using var http = Cluster.Http(0, seller, RequestTimeout);
            var history = await ClusterRest.HistoryAsync(http, conversationId);
            var ids = history.Select(message => message.GetProperty("id").GetGuid()).ToList();
            var texts = history.Select(message => message.GetProperty("text").GetString()).ToList();
            var acked = acknowledged.Where(send => send.Key.StartsWith($"{conversationId:N}-")).Select(send => send.Value).ToList();
            found += acked.Count(send => ids.Contains(send.MessageId));
            lost += acked.Count(send => !ids.Contains(send.MessageId));
            duplicated += texts.Count - texts.Distinct().Count();
            var unread = history.Count(message => message.GetProperty("recipientId").GetGuid() == seller.Id && !message.GetProperty("read").GetBoolean());
            if (await ClusterRest.UnreadCountAsync(http, conversationId) != unread)
                unreadMismatches++;
        }
        var recovered = firstSuccessAfterKill.Count == conversations.Count ? firstSuccessAfterKill.Values.Max() : (TimeSpan?)null;
        output.WriteLine(
            $"acknowledged {acknowledged.Count}, found {found}, duplicated {duplicated}, lost {lost}, unread counts wrong {unreadMismatches}, " +
            $"retries {retries}, every conversation answered again {(recovered is { } time ? $"{time.TotalSeconds:F1} s" : "never")} after the kill");

        Assert.Equal(0, lost);
        Assert.Equal(0, duplicated);
        Assert.Equal(acknowledged.Count, found);
        Assert.Equal(0, unreadMismatches);
        Assert.True(recovered is not null, $"{conversations.Count - firstSuccessAfterKill.Count} conversations never answered in {SendingAfterKill.TotalSeconds} s after the kill");
    }

    private async Task<(LoadUser, LoadUser)> NewPair(string role)
    {
        var users = LoadUser.Create(2, Cluster.Tokens, role);
        await UserDirectory.InsertAsync(SmokeServer.Database, users, CancellationToken.None);
        return (users[0], users[1]);
    }

    /// <summary>The first message to <paramref name="seller"/>, retried with its client id (a busy machine may answer 503 at first).</summary>
    private static async Task<Guid> OpenConversation(HttpClient http, LoadUser seller)
    {
        var opening = new { recipientId = seller.Id, text = "Is it still for sale?", clientMessageId = "opening" };
        for (var attempt = 1; ; attempt++)
        {
            if (await TrySend(http, opening) is { } sent)
                return sent.ConversationId;
            if (attempt == 10)
                throw new InvalidOperationException($"the conversation with {seller.Name} could not be opened in {attempt} attempts");
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>The stored message's ids, or null when the send was not acknowledged (503, a timeout, a dead node).</summary>
    private static async Task<(Guid MessageId, Guid ConversationId)?> TrySend(HttpClient http, object send)
    {
        try
        {
            using var response = await http.PostAsJsonAsync("/api/messages", send);
            if (response.StatusCode != HttpStatusCode.Created)
                return null;
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return (body.RootElement.GetProperty("id").GetGuid(), body.RootElement.GetProperty("conversationId").GetGuid());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
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
