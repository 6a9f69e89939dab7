using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Messaging.Load.Transport;

namespace Messaging.Load.Tests.Cluster;

/// <summary>What the senders' clients were told, against what the cluster holds afterwards.</summary>
public sealed record Accounting(
    int Acknowledged, int Found, int Duplicated, int Lost, int UnreadCountsWrong, int Retries, TimeSpan LongestWait, TimeSpan? AnsweredAgainAfter)
{
    public override string ToString() =>
        $"acknowledged {Acknowledged}, found {Found}, duplicated {Duplicated}, lost {Lost}, unread counts wrong {UnreadCountsWrong}, retries {Retries}, " +
        $"longest wait for one acknowledgement {LongestWait.TotalSeconds:F1} s, " +
        $"every conversation answered again {(AnsweredAgainAfter is { } time ? $"{time.TotalSeconds:F1} s" : "never")} after the event";
}

/// <summary>
/// Buyers each sending into their own conversation through one node, one send at a time, as a careful client does:
/// a send that is not acknowledged (503, a timeout, a dead node) is sent again with the same <c>clientMessageId</c>
/// until it is. Counts, after a node dies or leaves, what was acknowledged and what the cluster then holds.
/// </summary>
public sealed class RetryingSenders
{
    private static readonly TimeSpan SetUpTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan PauseBetweenSends = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan GiveUpAfterStop = TimeSpan.FromSeconds(30);

    private readonly ThreeNodeCluster _cluster;
    private readonly int _node;
    private readonly IReadOnlyList<(LoadUser Buyer, LoadUser Seller, Guid ConversationId)> _conversations;
    private readonly ConcurrentDictionary<string, (Guid ConversationId, Guid MessageId, string Text)> _acknowledged = new(); // by client message id
    private readonly ConcurrentDictionary<Guid, TimeSpan> _firstSuccessAfterEvent = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stopSending = new();
    private long _eventAtTicks = long.MaxValue;
    private long _giveUpAtTicks = long.MaxValue;
    private int _retries;
    private long _longestWaitTicks;
    private Task[] _senders = [];

    private RetryingSenders(ThreeNodeCluster cluster, int node, IReadOnlyList<(LoadUser, LoadUser, Guid)> conversations)
    {
        _cluster = cluster;
        _node = node;
        _conversations = conversations;
    }

    public static async Task<RetryingSenders> StartAsync(ThreeNodeCluster cluster, int node, int pairs, string role)
    {
        var users = await cluster.NewUsersAsync(2 * pairs, role);
        var conversations = new List<(LoadUser, LoadUser, Guid)>();
        for (var pair = 0; pair < pairs; pair++)
        {
            var (buyer, seller) = (users[2 * pair], users[2 * pair + 1]);
            using var http = cluster.Http(node, buyer, SetUpTimeout); // the first uses of fresh shards are slow
            conversations.Add((buyer, seller, await OpenConversation(http, seller)));
        }
        var senders = new RetryingSenders(cluster, node, conversations);
        senders._senders = conversations.Select(conversation => Task.Run(() => senders.SendUntilStopped(conversation.Item1, conversation.Item3))).ToArray();
        return senders;
    }

    /// <summary>The node died or began to leave now: from here on, each conversation's first acknowledged send is timed.</summary>
    public void MarkEvent() => Volatile.Write(ref _eventAtTicks, _clock.Elapsed.Ticks);

    /// <summary>Stops starting new sends, lets unacknowledged ones retry a while longer, then compares with the cluster.</summary>
    public async Task<Accounting> StopAndAccountAsync()
    {
        Volatile.Write(ref _giveUpAtTicks, (_clock.Elapsed + GiveUpAfterStop).Ticks);
        await _stopSending.CancelAsync();
        await Task.WhenAll(_senders);

        var (found, duplicated, lost, unreadWrong) = (0, 0, 0, 0);
        foreach (var (_, seller, conversationId) in _conversations)
        {
            using var http = _cluster.Http(_node, seller, SetUpTimeout);
            var history = await ClusterRest.HistoryAsync(http, conversationId);
            var ids = history.Select(message => message.GetProperty("id").GetGuid()).ToHashSet();
            var texts = history.Select(message => message.GetProperty("text").GetString()).ToList();
            var acknowledged = _acknowledged.Values.Where(send => send.ConversationId == conversationId).ToList();
            found += acknowledged.Count(send => ids.Contains(send.MessageId));
            lost += acknowledged.Count(send => !ids.Contains(send.MessageId));
            duplicated += texts.Count - texts.Distinct().Count();
            var unread = history.Count(message => message.GetProperty("recipientId").GetGuid() == seller.Id && !message.GetProperty("read").GetBoolean());
            if (await ClusterRest.UnreadCountAsync(http, conversationId) != unread)
                unreadWrong++;
        }
        var answeredAgain = _firstSuccessAfterEvent.Count == _conversations.Count ? _firstSuccessAfterEvent.Values.Max() : (TimeSpan?)null;
        return new Accounting(_acknowledged.Count, found, duplicated, lost, unreadWrong, _retries, TimeSpan.FromTicks(_longestWaitTicks), answeredAgain);
    }

    private async Task SendUntilStopped(LoadUser buyer, Guid conversationId)
    {
        using var http = _cluster.Http(_node, buyer, RequestTimeout);
        for (var sequence = 0; !_stopSending.IsCancellationRequested; sequence++)
        {
            var clientMessageId = $"{conversationId:N}-{sequence}";
            var text = $"send {sequence}";
            var firstTry = _clock.Elapsed;
            while (_clock.Elapsed.Ticks < Volatile.Read(ref _giveUpAtTicks))
            {
                if (await TrySend(http, new { conversationId, text, clientMessageId }) is { } sent)
                {
                    _acknowledged[clientMessageId] = (conversationId, sent.MessageId, text);
                    var waited = (_clock.Elapsed - firstTry).Ticks;
                    for (var longest = Volatile.Read(ref _longestWaitTicks); waited > longest; longest = Volatile.Read(ref _longestWaitTicks))
                        Interlocked.CompareExchange(ref _longestWaitTicks, waited, longest);
                    if (Volatile.Read(ref _eventAtTicks) is var eventAt and not long.MaxValue)
                        _firstSuccessAfterEvent.TryAdd(conversationId, _clock.Elapsed - TimeSpan.FromTicks(eventAt));
                    break;
                }
                Interlocked.Increment(ref _retries);
                await Task.Delay(RetryPause);
            }
            await Task.Delay(PauseBetweenSends);
        }
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

    /// <summary>The stored message's ids, or null when the send was not acknowledged.</summary>
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
}
