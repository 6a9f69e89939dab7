namespace Messaging.Host.Tests;

/// <summary>A stranger learns nothing and changes nothing (403); unknown conversations, users and products are 404.</summary>
[Collection(RulesCollection.Name)]
public sealed class ForbiddenAndNotFoundTests(PostgresHostFixture fixture)
{
    private MessagingHost Host => fixture.Host;

    private async Task<(TestUser Buyer, TestUser Seller, TestUser Stranger, Guid ConversationId, Guid MessageId)> ConversationAndStranger()
    {
        var buyer = await Host.CreateUser();
        var seller = await Host.CreateUser();
        var stranger = await Host.CreateUser();
        var sent = await buyer.SendTo(seller, "private", await Host.CreateProduct());
        return (buyer, seller, stranger, sent.Guid("conversationId"), sent.Id());
    }

    // ---- 403 ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_stranger_reading_the_messages_of_a_conversation_is_403()
    {
        var (_, _, stranger, conversationId, _) = await ConversationAndStranger();

        var problem = await (await stranger.GetMessages($"conversationId={conversationId}")).ExpectProblem(HttpStatusCode.Forbidden);

        Assert.DoesNotContain("private", problem.ToString());
    }

    [Fact]
    public async Task A_stranger_getting_the_conversation_is_403()
    {
        var (_, _, stranger, conversationId, _) = await ConversationAndStranger();

        var problem = await (await stranger.GetConversation(conversationId)).ExpectProblem(HttpStatusCode.Forbidden);

        Assert.DoesNotContain("private", problem.ToString());
    }

    [Fact]
    public async Task A_stranger_sending_into_the_conversation_is_403_and_nothing_is_stored()
    {
        var (buyer, seller, stranger, conversationId, _) = await ConversationAndStranger();

        await (await stranger.Send(new { conversationId, text = "let me in" })).ExpectProblem(HttpStatusCode.Forbidden);

        Assert.Equal(["private"], (await buyer.History(conversationId)).Texts());
        Assert.Equal(1, (await seller.ListedConversation(conversationId)).Int("unreadCount"));
        Assert.Empty((await stranger.ConversationsOk()).Items());
    }

    [Fact]
    public async Task A_stranger_blocking_the_conversation_is_403_and_it_stays_open()
    {
        var (buyer, _, stranger, conversationId, _) = await ConversationAndStranger();

        await (await stranger.Block(conversationId, new { block = true })).ExpectProblem(HttpStatusCode.Forbidden);

        Assert.False((await buyer.ListedConversation(conversationId)).Bool("isBlocked"));
        await buyer.Reply(conversationId, "still open");
    }

    [Fact]
    public async Task A_stranger_marking_others_messages_read_is_403_and_they_stay_unread()
    {
        var (buyer, seller, stranger, conversationId, messageId) = await ConversationAndStranger();

        await (await stranger.MarkRead(new { messageIds = new[] { messageId } })).ExpectProblem(HttpStatusCode.Forbidden);

        Assert.False((await buyer.History(conversationId)).Items()[0].Bool("read"));
        Assert.Equal(1, (await seller.ListedConversation(conversationId)).Int("unreadCount"));
    }

    [Fact]
    public async Task Marking_read_a_mix_of_own_and_foreign_messages_is_403_and_marks_none()
    {
        var (_, seller, stranger, conversationId, foreign) = await ConversationAndStranger();
        var own = await seller.SendTo(stranger, "to the stranger");

        await (await stranger.MarkRead(new { messageIds = new[] { own.Id(), foreign } })).ExpectProblem(HttpStatusCode.Forbidden);

        Assert.Equal(1, (await stranger.ListedConversation(own.Guid("conversationId"))).Int("unreadCount"));
        Assert.Equal(1, (await seller.ListedConversation(conversationId)).Int("unreadCount"));
    }

    [Fact]
    public async Task Marking_read_an_unknown_message_id_is_403()
    {
        var alice = await Host.CreateUser();

        await (await alice.MarkRead(new { messageIds = new[] { Guid.NewGuid() } })).ExpectProblem(HttpStatusCode.Forbidden);
    }

    // ---- 404 ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Getting_an_unknown_conversation_is_404()
    {
        var alice = await Host.CreateUser();

        await (await alice.GetConversation(Guid.NewGuid())).ExpectProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Reading_the_messages_of_an_unknown_conversation_is_404()
    {
        var alice = await Host.CreateUser();

        await (await alice.GetMessages($"conversationId={Guid.NewGuid()}")).ExpectProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Sending_into_an_unknown_conversation_is_404_and_creates_nothing()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        var madeUp = Guid.NewGuid();

        await (await alice.Send(new { conversationId = madeUp, text = "anyone?" })).ExpectProblem(HttpStatusCode.NotFound);
        await (await alice.Send(new { conversationId = madeUp, recipientId = bob.Id, text = "anyone?" })).ExpectProblem(HttpStatusCode.NotFound);

        await (await alice.GetConversation(madeUp)).ExpectProblem(HttpStatusCode.NotFound);
        Assert.Empty((await alice.ConversationsOk()).Items());
        Assert.Empty((await bob.ConversationsOk()).Items());
    }

    [Fact]
    public async Task Blocking_an_unknown_conversation_is_404()
    {
        var alice = await Host.CreateUser();

        await (await alice.Block(Guid.NewGuid(), new { block = true })).ExpectProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Sending_to_an_unknown_recipient_is_404()
    {
        var alice = await Host.CreateUser();
        var nobody = Guid.NewGuid();

        await (await alice.Send(new { recipientId = nobody, text = "hello?" })).ExpectProblem(HttpStatusCode.NotFound);

        Assert.Empty((await alice.ConversationsOk()).Items());
    }

    [Fact]
    public async Task Reading_with_an_unknown_recipient_is_404()
    {
        var alice = await Host.CreateUser();

        await (await alice.GetMessages($"recipientId={Guid.NewGuid()}")).ExpectProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Sending_about_an_unknown_product_is_404()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();

        await (await alice.Send(new { recipientId = bob.Id, productId = Guid.NewGuid(), text = "this?" })).ExpectProblem(HttpStatusCode.NotFound);

        Assert.Empty((await bob.ConversationsOk()).Items());
    }

    [Fact]
    public async Task Reading_with_an_unknown_product_is_404()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();

        await (await alice.GetMessages($"recipientId={bob.Id}&productId={Guid.NewGuid()}")).ExpectProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_recipient_added_to_the_directory_later_can_be_written_to()
    {
        var alice = await Host.CreateUser();
        var lateId = Guid.NewGuid();
        await (await alice.Send(new { recipientId = lateId, text = "too early" })).ExpectProblem(HttpStatusCode.NotFound);

        await Host.Directory.UpsertUser(new(new(lateId), "Late Comer", "late@example.test"), CancellationToken.None);

        // A miss is cached for a short while only.
        HttpResponseMessage response;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        do
        {
            response = await alice.Send(new { recipientId = lateId, text = "now" });
            if (response.StatusCode == HttpStatusCode.Created || DateTime.UtcNow > deadline)
                break;
            await Task.Delay(250);
        } while (true);
        await response.ExpectJson(HttpStatusCode.Created);
    }
}
