namespace Messaging.Host.Tests;

/// <summary>One conversation per (product, pair of users), whichever side writes first, even when both write at once.</summary>
[Collection(RulesCollection.Name)]
public sealed class ConversationUniquenessTests(PostgresHostFixture fixture)
{
    private MessagingHost Host => fixture.Host;

    [Fact]
    public async Task The_same_pair_and_product_share_one_conversation_whichever_side_writes_first()
    {
        var buyer = await Host.CreateUser();
        var seller = await Host.CreateUser();
        var product = await Host.CreateProduct();

        var fromSeller = await seller.SendTo(buyer, "seller writes first", product);
        var fromBuyer = await buyer.SendTo(seller, "buyer answers by recipient", product);

        Assert.Equal(fromSeller.Guid("conversationId"), fromBuyer.Guid("conversationId"));
        Assert.Equal(["seller writes first", "buyer answers by recipient"], (await buyer.History(fromSeller.Guid("conversationId"))).Texts());
        Assert.Single((await buyer.ConversationsOk()).Items());
        Assert.Single((await seller.ConversationsOk()).Items());
    }

    [Fact]
    public async Task Concurrent_first_messages_from_both_sides_land_in_one_conversation()
    {
        for (var round = 0; round < 5; round++)
        {
            var buyer = await Host.CreateUser();
            var seller = await Host.CreateUser();
            var product = await Host.CreateProduct();

            var sent = await Task.WhenAll(
                buyer.SendTo(seller, "from buyer", product),
                seller.SendTo(buyer, "from seller", product));

            var conversationId = sent[0].Guid("conversationId");
            Assert.Equal(conversationId, sent[1].Guid("conversationId"));
            Assert.Equal(["from buyer", "from seller"], (await buyer.History(conversationId)).Texts().Order());
            foreach (var user in new[] { buyer, seller })
            {
                var view = Assert.Single((await user.ConversationsOk()).Items());
                Assert.Equal(conversationId, view.Id());
                Assert.Equal(1, view.Int("unreadCount"));
            }
        }
    }

    [Fact]
    public async Task Concurrent_first_messages_from_the_same_side_land_in_one_conversation()
    {
        var buyer = await Host.CreateUser();
        var seller = await Host.CreateUser();
        var product = await Host.CreateProduct();

        var sent = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => buyer.SendTo(seller, $"burst {i}", product)));

        Assert.Single(sent.Select(message => message.Guid("conversationId")).Distinct());
        Assert.Equal(5, (await seller.ListedConversation(sent[0].Guid("conversationId"))).Int("unreadCount"));
    }

    [Fact]
    public async Task The_same_pair_about_another_product_get_another_conversation()
    {
        var buyer = await Host.CreateUser();
        var seller = await Host.CreateUser();
        var camera = await Host.CreateProduct("Camera");
        var bike = await Host.CreateProduct("Bike");

        var aboutCamera = await buyer.SendTo(seller, "camera?", camera);
        var aboutBike = await buyer.SendTo(seller, "bike?", bike);

        Assert.NotEqual(aboutCamera.Guid("conversationId"), aboutBike.Guid("conversationId"));
        var list = (await seller.ConversationsOk()).Items();
        Assert.Equal(2, list.Length);
        Assert.Equal(["Bike", "Camera"], list.Select(view => view.Str("productTitle")));
        Assert.Equal(["camera?"], (await seller.History(aboutCamera.Guid("conversationId"))).Texts());
    }

    [Fact]
    public async Task Another_buyer_of_the_same_product_gets_another_conversation()
    {
        var seller = await Host.CreateUser();
        var firstBuyer = await Host.CreateUser();
        var secondBuyer = await Host.CreateUser();
        var product = await Host.CreateProduct();

        var first = await firstBuyer.SendTo(seller, "first buyer", product);
        var second = await secondBuyer.SendTo(seller, "second buyer", product);

        Assert.NotEqual(first.Guid("conversationId"), second.Guid("conversationId"));
        var list = (await seller.ConversationsOk()).Items();
        Assert.Equal([secondBuyer.Id, firstBuyer.Id], list.Select(view => view.Guid("participantId")));
        Assert.All(list, view => Assert.Equal(product, view.Guid("productId")));
        await (await secondBuyer.GetMessages($"conversationId={first.Guid("conversationId")}")).ExpectProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Without_a_product_the_pair_has_one_product_less_conversation_apart_from_product_ones()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        var product = await Host.CreateProduct();

        var plain = await alice.SendTo(bob, "plain");
        var plainAgain = await bob.SendTo(alice, "plain again");
        var aboutProduct = await alice.SendTo(bob, "about product", product);

        Assert.Equal(plain.Guid("conversationId"), plainAgain.Guid("conversationId"));
        Assert.NotEqual(plain.Guid("conversationId"), aboutProduct.Guid("conversationId"));
        plainAgain.AssertNull("productId");
        var productLess = await alice.ListedConversation(plain.Guid("conversationId"));
        productLess.AssertNull("productId");
        Assert.Equal("plain again", productLess.Str("lastMessage"));
        Assert.Equal(2, (await alice.ConversationsOk()).Items().Length);
    }

    [Fact]
    public async Task An_empty_productId_in_the_body_means_no_product()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        var plain = await alice.SendTo(bob, "plain");

        var withEmpty = await alice.SendOk(new { recipientId = bob.Id, productId = "", text = "empty product" });

        Assert.Equal(plain.Guid("conversationId"), withEmpty.Guid("conversationId"));
        withEmpty.AssertNull("productId");
    }
}
