namespace Messaging.Host.Tests;

/// <summary>GET /api/conversations: each conversation as the caller sees it, most recent first.</summary>
[Collection(EndpointsCollection.Name)]
public sealed class ConversationListTests(PostgresHostFixture fixture)
{
    private MessagingHost Host => fixture.Host;

    [Fact]
    public async Task A_user_without_conversations_gets_an_empty_array()
    {
        var loner = await Host.CreateUser();

        Assert.Empty((await loner.ConversationsOk()).Items());
    }

    [Fact]
    public async Task Each_participant_sees_the_other_person_the_product_and_the_last_message()
    {
        var buyer = await Host.CreateUser("Jane Smith", $"jane-{Guid.NewGuid():N}@example.test");
        var seller = await Host.CreateUser("John Doe", $"john-{Guid.NewGuid():N}@example.test");
        var product = await Host.CreateProduct("Vintage Camera", "https://storage.example.test/camera.jpg");
        var sent = await buyer.SendTo(seller, "Is this still available?", product);

        var forBuyer = Assert.Single((await buyer.ConversationsOk()).Items());
        var forSeller = Assert.Single((await seller.ConversationsOk()).Items());

        Contract.AssertFields(forBuyer, Contract.ConversationFields);
        Contract.AssertFields(forSeller, Contract.ConversationFields);
        foreach (var view in new[] { forBuyer, forSeller })
        {
            Assert.Equal(sent.Guid("conversationId"), view.Id());
            Assert.Equal(product, view.Guid("productId"));
            Assert.Equal("Vintage Camera", view.Str("productTitle"));
            Assert.Equal("https://storage.example.test/camera.jpg", view.Str("productImage"));
            Assert.Equal("Is this still available?", view.Str("lastMessage"));
            Assert.Equal(sent.Str("createdAt"), view.Str("lastMessageAt"));
            view.Timestamp("lastMessageAt");
            Assert.False(view.Bool("isBlocked"));
            Assert.False(view.Bool("blockedByMe"));
        }
        Assert.Equal(seller.Id, forBuyer.Guid("participantId"));
        Assert.Equal("John Doe", forBuyer.Str("participantName"));
        Assert.Equal(seller.Email, forBuyer.Str("participantEmail"));
        Assert.Equal(0, forBuyer.Int("unreadCount"));
        Assert.Equal(buyer.Id, forSeller.Guid("participantId"));
        Assert.Equal("Jane Smith", forSeller.Str("participantName"));
        Assert.Equal(buyer.Email, forSeller.Str("participantEmail"));
        Assert.Equal(1, forSeller.Int("unreadCount"));
    }

    [Fact]
    public async Task Conversations_are_ordered_by_lastMessageAt_most_recent_first()
    {
        var me = await Host.CreateUser();
        var bob = await Host.CreateUser();
        var carol = await Host.CreateUser();
        var dave = await Host.CreateUser();
        var withBob = (await me.SendTo(bob, "to bob", await Host.CreateProduct())).Guid("conversationId");
        var withCarol = (await carol.SendTo(me, "from carol", await Host.CreateProduct())).Guid("conversationId");
        var withDave = (await me.SendTo(dave, "to dave")).Guid("conversationId");
        await bob.Reply(withBob, "bob again");

        var list = (await me.ConversationsOk()).Items();

        Assert.Equal([withBob, withDave, withCarol], list.Select(view => view.Id()));
        Assert.Equal(["bob again", "to dave", "from carol"], list.Select(view => view.Str("lastMessage")));
        var times = list.Select(view => view.Timestamp("lastMessageAt")).ToArray();
        Assert.Equal(times.OrderDescending(), times);
    }

    [Fact]
    public async Task unreadCount_counts_only_the_unread_messages_addressed_to_the_viewer()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        var conversationId = (await alice.SendTo(bob, "a1")).Guid("conversationId");
        await alice.Reply(conversationId, "a2");
        await alice.Reply(conversationId, "a3");
        await bob.Reply(conversationId, "b1");
        await bob.Reply(conversationId, "b2");

        Assert.Equal(2, (await alice.ListedConversation(conversationId)).Int("unreadCount"));
        Assert.Equal(3, (await bob.ListedConversation(conversationId)).Int("unreadCount"));
    }

    [Fact]
    public async Task A_product_without_an_image_has_a_null_productImage()
    {
        var buyer = await Host.CreateUser();
        var seller = await Host.CreateUser();
        var product = await Host.CreateProduct("Road Bike", imageUrl: null);
        var conversationId = (await buyer.SendTo(seller, "hi", product)).Guid("conversationId");

        var view = await buyer.ListedConversation(conversationId);

        Assert.Equal("Road Bike", view.Str("productTitle"));
        view.AssertNull("productImage");
    }

    [Fact]
    public async Task A_conversation_without_a_product_has_null_product_fields()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        var conversationId = (await alice.SendTo(bob, "hi")).Guid("conversationId");

        foreach (var user in new[] { alice, bob })
        {
            var view = await user.ListedConversation(conversationId);
            Contract.AssertFields(view, Contract.ConversationFields);
            view.AssertNull("productId");
            view.AssertNull("productTitle");
            view.AssertNull("productImage");
        }
    }

    [Fact]
    public async Task A_user_sees_only_his_own_conversations()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        var carol = await Host.CreateUser();
        var dave = await Host.CreateUser();
        var aliceAndBob = (await alice.SendTo(bob, "a-b")).Guid("conversationId");
        var carolAndDave = (await carol.SendTo(dave, "c-d")).Guid("conversationId");

        Assert.Equal([aliceAndBob], (await alice.ConversationsOk()).Items().Select(view => view.Id()));
        Assert.Equal([carolAndDave], (await dave.ConversationsOk()).Items().Select(view => view.Id()));
    }
}
