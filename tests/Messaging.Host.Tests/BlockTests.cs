namespace Messaging.Host.Tests;

/// <summary>POST /api/conversations/{id}/block: a block by either side stops both from sending until lifted.</summary>
[Collection(EndpointsCollection.Name)]
public sealed class BlockTests(PostgresHostFixture fixture)
{
    private MessagingHost Host => fixture.Host;

    private async Task<(TestUser Buyer, TestUser Seller, Guid Product, Guid ConversationId)> Conversation()
    {
        var buyer = await Host.CreateUser();
        var seller = await Host.CreateUser();
        var product = await Host.CreateProduct();
        var conversationId = (await buyer.SendTo(seller, "hello", product)).Guid("conversationId");
        return (buyer, seller, product, conversationId);
    }

    private static async Task AssertSendingIsForbidden(TestUser user, Guid conversationId) =>
        await (await user.Send(new { conversationId, text = "let me in" })).ExpectProblem(HttpStatusCode.Forbidden);

    [Fact]
    public async Task Blocking_answers_the_conversation_the_state_and_who_blocked()
    {
        var (_, seller, _, conversationId) = await Conversation();

        var response = await seller.Block(conversationId, new { block = true });

        var json = await response.ExpectJson(HttpStatusCode.OK);
        Contract.AssertFields(json, "conversationId", "blocked", "blockedBy");
        Assert.Equal(conversationId, json.Guid("conversationId"));
        Assert.True(json.Bool("blocked"));
        Assert.Equal(seller.Id, json.Guid("blockedBy"));
    }

    [Fact]
    public async Task Unblocking_answers_blocked_false()
    {
        var (_, seller, _, conversationId) = await Conversation();
        await seller.BlockOk(conversationId, true);

        var json = await seller.BlockOk(conversationId, false);

        Contract.AssertFields(json, "conversationId", "blocked", "blockedBy");
        Assert.Equal(conversationId, json.Guid("conversationId"));
        Assert.False(json.Bool("blocked"));
        Assert.Equal(seller.Id, json.Guid("blockedBy"));
    }

    [Fact]
    public async Task A_block_by_the_seller_forbids_both_participants_to_send()
    {
        var (buyer, seller, product, conversationId) = await Conversation();

        await seller.BlockOk(conversationId, true);

        await AssertSendingIsForbidden(buyer, conversationId);
        await AssertSendingIsForbidden(seller, conversationId);
        await (await buyer.Send(new { recipientId = seller.Id, productId = product, text = "by recipient" })).ExpectProblem(HttpStatusCode.Forbidden);
        Assert.Equal(["hello"], (await buyer.History(conversationId)).Texts()); // nothing was stored
    }

    [Fact]
    public async Task A_block_by_the_buyer_forbids_both_participants_to_send()
    {
        var (buyer, seller, _, conversationId) = await Conversation();

        await buyer.BlockOk(conversationId, true);

        await AssertSendingIsForbidden(buyer, conversationId);
        await AssertSendingIsForbidden(seller, conversationId);
    }

    [Fact]
    public async Task The_block_flags_show_who_blocked_in_list_and_detail()
    {
        var (buyer, seller, _, conversationId) = await Conversation();

        await seller.BlockOk(conversationId, true);

        foreach (var view in new[] { await seller.ListedConversation(conversationId), await seller.ConversationOk(conversationId) })
        {
            Assert.True(view.Bool("isBlocked"));
            Assert.True(view.Bool("blockedByMe"));
        }
        foreach (var view in new[] { await buyer.ListedConversation(conversationId), await buyer.ConversationOk(conversationId) })
        {
            Assert.True(view.Bool("isBlocked"));
            Assert.False(view.Bool("blockedByMe"));
        }
    }

    [Fact]
    public async Task A_blocked_conversation_can_still_be_read()
    {
        var (buyer, seller, _, conversationId) = await Conversation();
        await seller.BlockOk(conversationId, true);

        Assert.Equal(["hello"], (await buyer.History(conversationId)).Texts());
        Assert.Equal(["hello"], (await seller.History(conversationId)).Texts());
    }

    [Fact]
    public async Task Unblocking_lets_both_send_again()
    {
        var (buyer, seller, _, conversationId) = await Conversation();
        await seller.BlockOk(conversationId, true);

        await seller.BlockOk(conversationId, false);

        await buyer.Reply(conversationId, "from buyer");
        await seller.Reply(conversationId, "from seller");
        foreach (var user in new[] { buyer, seller })
        {
            var view = await user.ListedConversation(conversationId);
            Assert.False(view.Bool("isBlocked"));
            Assert.False(view.Bool("blockedByMe"));
        }
    }

    [Fact]
    public async Task A_block_by_both_needs_both_unblocks()
    {
        var (buyer, seller, _, conversationId) = await Conversation();
        await seller.BlockOk(conversationId, true);
        await buyer.BlockOk(conversationId, true);

        await seller.BlockOk(conversationId, false);

        await AssertSendingIsForbidden(buyer, conversationId);
        await AssertSendingIsForbidden(seller, conversationId);
        var sellerView = await seller.ListedConversation(conversationId);
        Assert.True(sellerView.Bool("isBlocked"));
        Assert.False(sellerView.Bool("blockedByMe"));
        Assert.True((await buyer.ListedConversation(conversationId)).Bool("blockedByMe"));

        await buyer.BlockOk(conversationId, false);

        await buyer.Reply(conversationId, "free again");
        Assert.False((await seller.ListedConversation(conversationId)).Bool("isBlocked"));
    }

    [Fact]
    public async Task The_other_side_cannot_lift_my_block()
    {
        var (buyer, seller, _, conversationId) = await Conversation();
        await seller.BlockOk(conversationId, true);

        var json = await buyer.BlockOk(conversationId, false);

        Assert.False(json.Bool("blocked"));
        Assert.Equal(buyer.Id, json.Guid("blockedBy"));
        await AssertSendingIsForbidden(buyer, conversationId);
        Assert.True((await seller.ListedConversation(conversationId)).Bool("blockedByMe"));
    }

    [Fact]
    public async Task Blocking_twice_is_the_same_as_blocking_once()
    {
        var (buyer, seller, _, conversationId) = await Conversation();
        await seller.BlockOk(conversationId, true);

        var again = await seller.BlockOk(conversationId, true);
        await seller.BlockOk(conversationId, false);

        Assert.True(again.Bool("blocked"));
        await buyer.Reply(conversationId, "one unblock was enough");
    }

    [Fact]
    public async Task A_rejected_send_changes_neither_list_nor_unread_counts()
    {
        var (buyer, seller, _, conversationId) = await Conversation();
        await seller.BlockOk(conversationId, true);
        var before = await seller.ListedConversation(conversationId);

        await AssertSendingIsForbidden(buyer, conversationId);

        var after = await seller.ListedConversation(conversationId);
        Assert.Equal(before.ToString(), after.ToString());
        Assert.Equal(1, after.Int("unreadCount"));
    }
}
