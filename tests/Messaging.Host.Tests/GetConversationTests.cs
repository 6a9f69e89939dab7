namespace Messaging.Host.Tests;

/// <summary>GET /api/conversations/{id}: one conversation as the caller sees it.</summary>
[Collection(EndpointsCollection.Name)]
public sealed class GetConversationTests(PostgresHostFixture fixture)
{
    private MessagingHost Host => fixture.Host;

    [Fact]
    public async Task A_participant_gets_the_same_summary_as_in_his_list()
    {
        var buyer = await Host.CreateUser();
        var seller = await Host.CreateUser();
        var product = await Host.CreateProduct("Vintage Camera");
        var conversationId = (await buyer.SendTo(seller, "Is this still available?", product)).Guid("conversationId");
        await seller.Reply(conversationId, "Yes");
        await buyer.Reply(conversationId, "Great");

        foreach (var user in new[] { buyer, seller })
        {
            var single = await user.ConversationOk(conversationId);
            Contract.AssertFields(single, Contract.ConversationFields);
            Assert.Equal((await user.ListedConversation(conversationId)).ToString(), single.ToString());
        }
    }

    [Fact]
    public async Task The_summary_is_the_viewers_own()
    {
        var buyer = await Host.CreateUser();
        var seller = await Host.CreateUser();
        var product = await Host.CreateProduct("Vintage Camera", "https://storage.example.test/c.jpg");
        var sent = await buyer.SendTo(seller, "Is this still available?", product);
        var conversationId = sent.Guid("conversationId");

        var forSeller = await seller.ConversationOk(conversationId);
        var forBuyer = await buyer.ConversationOk(conversationId);

        Assert.Equal(conversationId, forSeller.Id());
        Assert.Equal(product, forSeller.Guid("productId"));
        Assert.Equal("Vintage Camera", forSeller.Str("productTitle"));
        Assert.Equal("https://storage.example.test/c.jpg", forSeller.Str("productImage"));
        Assert.Equal(buyer.Id, forSeller.Guid("participantId"));
        Assert.Equal(buyer.Name, forSeller.Str("participantName"));
        Assert.Equal(buyer.Email, forSeller.Str("participantEmail"));
        Assert.Equal("Is this still available?", forSeller.Str("lastMessage"));
        Assert.Equal(sent.Str("createdAt"), forSeller.Str("lastMessageAt"));
        Assert.Equal(1, forSeller.Int("unreadCount"));
        Assert.False(forSeller.Bool("isBlocked"));
        Assert.False(forSeller.Bool("blockedByMe"));
        Assert.Equal(seller.Id, forBuyer.Guid("participantId"));
        Assert.Equal(0, forBuyer.Int("unreadCount"));
    }
}
