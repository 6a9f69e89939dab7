using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster;
using Messaging.Actors.Stomp;
using Messaging.Host.Tests.Realtime;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Host.Tests;

/// <summary>
/// Two nodes of one cluster on one PostgreSQL database: sharding spreads conversations and inboxes over both, so a
/// request on one node is answered by entities on the other (every message crossing our serializer), and events
/// reach a socket on whichever node holds it. No sticky sessions.
/// </summary>
public sealed class ClusterTests : IAsyncLifetime
{
    private MessagingHost _first = null!;
    private MessagingHost _second = null!;

    public async Task InitializeAsync()
    {
        var seed = $"akka.tcp://messaging@localhost:{FreePort()}";
        _first = await MessagingHost.StartPostgres(Node(seed));
        _second = await MessagingHost.StartPostgres(Node(seed, port: FreePort()));
        await WaitUntil(() => UpMembers(_first) == 2 && UpMembers(_second) == 2, "both nodes up in one cluster");
    }

    public async Task DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
    }

    [Fact]
    public async Task Writes_on_one_node_are_read_back_on_the_other_with_exact_unread_counts()
    {
        var conversations = new List<(TestUser Buyer, TestUser Seller, Guid ConversationId)>();
        for (var pair = 0; pair < 12; pair++)
        {
            var buyer = await _first.CreateUser();
            var seller = await _first.CreateUser();
            var first = await buyer.SendTo(seller, $"pair {pair}: is it available?");
            await buyer.Reply(first.Guid("conversationId"), $"pair {pair}: still there?");
            conversations.Add((buyer, seller.On(_second), first.Guid("conversationId")));
        }

        foreach (var (_, seller, conversationId) in conversations)
        {
            Assert.Equal(2, (await seller.History(conversationId)).GetArrayLength());
            Assert.Equal(2, (await seller.ListedConversation(conversationId)).Int("unreadCount"));
            var ids = (await seller.History(conversationId)).Items().Select(message => message.Id()).ToArray();
            Assert.Equal(2, await seller.MarkReadOk(ids));
        }
        foreach (var (buyer, seller, conversationId) in conversations)
        {
            Assert.Equal(0, (await seller.On(_first).ListedConversation(conversationId)).Int("unreadCount"));
            Assert.All((await buyer.History(conversationId)).Items(), message => Assert.True(message.Bool("read")));
        }
    }

    [Fact]
    public async Task A_message_sent_on_one_node_reaches_the_recipients_socket_on_the_other()
    {
        var buyer = await _first.CreateUser();
        var seller = await _second.CreateUser();
        await using var socket = await StompTestClient.ConnectWithQueuesAsync(seller, "seller on the second node");
        var sellerOnFirst = seller.On(_first);

        // A new subscription reaches the other node's pub/sub registry by gossip (akka.cluster.pub-sub.gossip-interval,
        // 1 s), so messages are sent until one is heard; each sent before that is in the history, not lost.
        var sent = new List<string>();
        JsonElement? heard = null;
        for (var attempt = 1; attempt <= 10 && heard is null; attempt++)
        {
            sent.Add((await buyer.SendTo(sellerOnFirst, $"hello across nodes {attempt}")).Str("id")!);
            try
            {
                heard = (await socket.ExpectMessageAsync(Destination.Notifications, "NEW_MESSAGE", timeout: TimeSpan.FromSeconds(1))).Body;
            }
            catch (Xunit.Sdk.XunitException)
            {
                // not yet gossiped
            }
        }

        Assert.NotNull(heard);
        Assert.Equal(sent[^1], heard.Value.GetProperty("message").Str("id"));
        Assert.Equal($"hello across nodes {sent.Count}", heard.Value.GetProperty("message").Str("text"));
    }

    private static Dictionary<string, string?> Node(string seed, int? port = null) => new()
    {
        ["Cluster:Port"] = (port ?? new Uri(seed.Replace("akka.tcp", "http")).Port).ToString(),
        ["Cluster:SeedNodes"] = seed,
    };

    private static int UpMembers(MessagingHost host) =>
        Cluster.Get(host.Services.GetRequiredService<ActorSystem>()).State.Members.Count(member => member.Status == MemberStatus.Up);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        for (var attempt = 0; attempt < 200 && !condition(); attempt++)
            await Task.Delay(100);
        Assert.True(condition(), $"timed out waiting for {what}");
    }
}
