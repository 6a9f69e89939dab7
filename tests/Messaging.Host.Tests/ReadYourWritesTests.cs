namespace Messaging.Host.Tests;

/// <summary>
/// DESIGN invariants 2 and 3: once a send is acknowledged, both participants' next GET /api/conversations and
/// GET /api/messages show it, and unreadCount equals the messages to that user with read=false.
/// </summary>
[Collection(RulesCollection.Name)]
public sealed class ReadYourWritesTests(PostgresHostFixture fixture)
{
    private MessagingHost Host => fixture.Host;

    [Fact]
    public async Task After_every_201_both_participants_see_the_message_with_the_right_unread_counts()
    {
        var buyer = await Host.CreateUser();
        var seller = await Host.CreateUser();
        var product = await Host.CreateProduct();
        var unread = new Dictionary<TestUser, List<Guid>> { [buyer] = [], [seller] = [] };
        var sentIds = new List<Guid>();
        var conversationId = Guid.Empty;
        // Who sends each message: runs from both sides, and a few reads in between.
        var senders = "BBSBSSSBBBSBSSBBBSSB";

        for (var i = 0; i < senders.Length; i++)
        {
            var (from, to) = senders[i] == 'B' ? (buyer, seller) : (seller, buyer);
            var sent = i == 0 ? await from.SendTo(to, $"message {i}", product) : await from.Reply(conversationId, $"message {i}");
            conversationId = sent.Guid("conversationId");
            sentIds.Add(sent.Id());
            unread[to].Add(sent.Id());

            foreach (var viewer in new[] { buyer, seller })
            {
                var listed = Assert.Single((await viewer.ConversationsOk()).Items());
                Assert.Equal(conversationId, listed.Id());
                Assert.Equal($"message {i}", listed.Str("lastMessage"));
                Assert.Equal(sent.Str("createdAt"), listed.Str("lastMessageAt"));
                Assert.Equal(unread[viewer].Count, listed.Int("unreadCount"));

                var history = (await viewer.History(conversationId)).Items();
                Assert.Equal(sentIds, history.Select(message => message.Id()));
                Assert.Equal(unread[viewer].Count, history.Count(message => message.Guid("recipientId") == viewer.Id && !message.Bool("read")));

                Assert.Equal(unread[viewer].Count, (await viewer.ConversationOk(conversationId)).Int("unreadCount"));
            }

            if (i % 6 == 5)
            {
                // The recipient of this message reads everything addressed to him so far.
                Assert.Equal(unread[to].Count, await to.MarkReadOk([..unread[to]]));
                unread[to].Clear();
                Assert.Equal(0, (await to.ListedConversation(conversationId)).Int("unreadCount"));
                Assert.Equal(0, (await to.ConversationOk(conversationId)).Int("unreadCount"));
            }
        }
    }

    [Fact]
    public async Task Right_after_a_block_both_lists_show_it()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        var conversationId = (await alice.SendTo(bob, "hi")).Guid("conversationId");

        for (var round = 0; round < 5; round++)
        {
            var block = round % 2 == 0;
            await bob.BlockOk(conversationId, block);

            var bobView = await bob.ListedConversation(conversationId);
            var aliceView = await alice.ListedConversation(conversationId);
            Assert.Equal(block, bobView.Bool("isBlocked"));
            Assert.Equal(block, bobView.Bool("blockedByMe"));
            Assert.Equal(block, aliceView.Bool("isBlocked"));
            Assert.False(aliceView.Bool("blockedByMe"));
        }
    }

    [Fact]
    public async Task Unread_counts_hold_across_several_conversations_of_one_user()
    {
        var seller = await Host.CreateUser();
        var buyers = new List<TestUser>();
        for (var i = 0; i < 4; i++)
            buyers.Add(await Host.CreateUser());
        var product = await Host.CreateProduct();

        var conversations = new List<Guid>();
        for (var i = 0; i < buyers.Count; i++)
        {
            var first = await buyers[i].SendTo(seller, "hello", product);
            conversations.Add(first.Guid("conversationId"));
            for (var j = 0; j < i; j++)
                await buyers[i].Reply(first.Guid("conversationId"), $"again {j}");
        }

        var list = (await seller.ConversationsOk()).Items();
        Assert.Equal(Enumerable.Reverse(conversations), list.Select(view => view.Id()));
        Assert.Equal([4, 3, 2, 1], list.Select(view => view.Int("unreadCount")));
        foreach (var buyer in buyers)
            Assert.Equal(0, Assert.Single((await buyer.ConversationsOk()).Items()).Int("unreadCount"));
    }

    [Fact]
    public async Task unreadCount_matches_the_history_after_concurrent_sends_and_reads()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        var first = await alice.SendTo(bob, "first");
        var conversationId = first.Guid("conversationId");

        var sends = Enumerable.Range(0, 12).Select(i => (i % 3 == 0 ? bob : alice).Reply(conversationId, $"concurrent {i}")).ToList();
        var reads = new List<Task<int>> { bob.MarkReadOk(first.Id()), bob.MarkReadOk(first.Id()) };
        await Task.WhenAll(sends);
        var updated = await Task.WhenAll(reads);
        var unreadForBob = (await bob.History(conversationId)).Items()
            .Where(message => message.Guid("recipientId") == bob.Id && !message.Bool("read")).Select(message => message.Id()).ToArray();
        var marked = await bob.MarkReadOk(unreadForBob);

        Assert.Equal(1, updated.Sum()); // the first message was counted once, by one of the two requests
        Assert.Equal(8, unreadForBob.Length);
        Assert.Equal(8, marked);
        Assert.Equal(0, (await bob.ListedConversation(conversationId)).Int("unreadCount"));
        Assert.Equal(4, (await alice.ListedConversation(conversationId)).Int("unreadCount"));
        Assert.Equal(4, (await alice.History(conversationId)).Items().Count(message => message.Guid("recipientId") == alice.Id && !message.Bool("read")));
    }
}
