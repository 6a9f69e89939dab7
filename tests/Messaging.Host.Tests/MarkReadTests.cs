namespace Messaging.Host.Tests;

/// <summary>PATCH /api/messages/mark-read: only messages addressed to the caller, only once.</summary>
[Collection(EndpointsCollection.Name)]
public sealed class MarkReadTests(PostgresHostFixture fixture)
{
    private MessagingHost Host => fixture.Host;

    private async Task<(TestUser Sender, TestUser Reader, Guid ConversationId, Guid[] MessageIds)> ThreeMessagesFromAliceToBob()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        var first = await alice.SendTo(bob, "one", await Host.CreateProduct());
        var conversationId = first.Guid("conversationId");
        var second = await alice.Reply(conversationId, "two");
        var third = await alice.Reply(conversationId, "three");
        return (alice, bob, conversationId, [first.Id(), second.Id(), third.Id()]);
    }

    [Fact]
    public async Task Marking_received_messages_returns_how_many_were_updated()
    {
        var (_, bob, _, ids) = await ThreeMessagesFromAliceToBob();

        var response = await bob.MarkRead(new { messageIds = ids });

        var json = await response.ExpectJson(HttpStatusCode.OK);
        Contract.AssertFields(json, "updatedCount");
        Assert.Equal(3, json.Int("updatedCount"));
    }

    [Fact]
    public async Task Marking_the_same_messages_again_updates_none()
    {
        var (_, bob, _, ids) = await ThreeMessagesFromAliceToBob();
        await bob.MarkReadOk(ids);

        Assert.Equal(0, await bob.MarkReadOk(ids));
    }

    [Fact]
    public async Task The_readers_unreadCount_drops_to_zero_and_the_senders_is_untouched()
    {
        var (alice, bob, conversationId, ids) = await ThreeMessagesFromAliceToBob();
        await bob.Reply(conversationId, "reply");
        Assert.Equal(3, (await bob.ListedConversation(conversationId)).Int("unreadCount"));

        await bob.MarkReadOk(ids);

        Assert.Equal(0, (await bob.ListedConversation(conversationId)).Int("unreadCount"));
        Assert.Equal(0, (await bob.ConversationOk(conversationId)).Int("unreadCount"));
        Assert.Equal(1, (await alice.ListedConversation(conversationId)).Int("unreadCount"));
    }

    [Fact]
    public async Task Read_messages_show_read_true_to_both_participants()
    {
        var (alice, bob, conversationId, ids) = await ThreeMessagesFromAliceToBob();

        await bob.MarkReadOk(ids[0], ids[2]);

        Assert.Equal([true, false, true], (await bob.History(conversationId)).Items().Select(message => message.Bool("read")));
        Assert.Equal([true, false, true], (await alice.History(conversationId)).Items().Select(message => message.Bool("read")));
        Assert.Equal(1, (await bob.ListedConversation(conversationId)).Int("unreadCount"));
    }

    [Fact]
    public async Task The_sender_marking_his_own_sent_message_updates_nothing()
    {
        var (alice, bob, conversationId, ids) = await ThreeMessagesFromAliceToBob();

        Assert.Equal(0, await alice.MarkReadOk(ids));

        Assert.All((await bob.History(conversationId)).Items(), message => Assert.False(message.Bool("read")));
        Assert.Equal(3, (await bob.ListedConversation(conversationId)).Int("unreadCount"));
    }

    [Fact]
    public async Task Only_the_messages_addressed_to_the_caller_are_counted()
    {
        var (alice, bob, conversationId, ids) = await ThreeMessagesFromAliceToBob();
        var fromBob = await bob.Reply(conversationId, "from bob");

        Assert.Equal(3, await bob.MarkReadOk([..ids, fromBob.Id()]));

        Assert.Equal(1, (await alice.ListedConversation(conversationId)).Int("unreadCount"));
        Assert.False((await alice.History(conversationId)).Items()[^1].Bool("read"));
    }

    [Fact]
    public async Task A_message_named_twice_counts_once()
    {
        var (_, bob, _, ids) = await ThreeMessagesFromAliceToBob();

        Assert.Equal(1, await bob.MarkReadOk(ids[1], ids[1]));
    }

    [Fact]
    public async Task Messages_of_several_conversations_are_marked_in_one_request()
    {
        var bob = await Host.CreateUser();
        var alice = await Host.CreateUser();
        var carol = await Host.CreateUser();
        var fromAlice = await alice.SendTo(bob, "from alice");
        var fromCarol = await carol.SendTo(bob, "from carol", await Host.CreateProduct());
        var fromCarolAgain = await carol.Reply(fromCarol.Guid("conversationId"), "again");

        Assert.Equal(3, await bob.MarkReadOk(fromAlice.Id(), fromCarol.Id(), fromCarolAgain.Id()));

        Assert.All((await bob.ConversationsOk()).Items(), view => Assert.Equal(0, view.Int("unreadCount")));
    }
}
