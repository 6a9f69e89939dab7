namespace Messaging.Host.Tests;

/// <summary>GET /api/messages: by conversationId (option A) and by recipientId and productId (option B).</summary>
[Collection(EndpointsCollection.Name)]
public sealed class MessageHistoryTests(PostgresHostFixture fixture)
{
    private MessagingHost Host => fixture.Host;

    [Fact]
    public async Task Messages_by_conversationId_are_returned_oldest_first_to_both_participants()
    {
        var buyer = await Host.CreateUser();
        var seller = await Host.CreateUser();
        var product = await Host.CreateProduct();
        var first = await buyer.SendTo(seller, "one", product);
        var conversationId = first.Guid("conversationId");
        var sent = new List<JsonElement> { first };
        sent.Add(await seller.Reply(conversationId, "two"));
        sent.Add(await buyer.Reply(conversationId, "three"));
        sent.Add(await seller.Reply(conversationId, "four"));

        var forBuyer = await buyer.History(conversationId);
        var forSeller = await seller.History(conversationId);

        Assert.Equal(["one", "two", "three", "four"], forBuyer.Texts());
        Assert.Equal(sent.Select(message => message.ToString()), forBuyer.Items().Select(message => message.ToString()));
        Assert.Equal(forBuyer.ToString(), forSeller.ToString());
        Assert.All(forBuyer.Items(), message => Contract.AssertFields(message, Contract.MessageFields));
        var times = forBuyer.Items().Select(message => message.Timestamp("createdAt")).ToArray();
        Assert.Equal(times.Order(), times);
    }

    [Fact]
    public async Task Each_message_carries_its_own_sender_and_recipient_and_the_conversations_product()
    {
        var buyer = await Host.CreateUser("Jane Smith", $"jane-{Guid.NewGuid():N}@example.test");
        var seller = await Host.CreateUser("John Doe", $"john-{Guid.NewGuid():N}@example.test");
        var product = await Host.CreateProduct();
        var conversationId = (await buyer.SendTo(seller, "question", product)).Guid("conversationId");
        await seller.Reply(conversationId, "answer");

        var messages = (await buyer.History(conversationId)).Items();

        Assert.Equal(buyer.Id, messages[0].Guid("senderId"));
        Assert.Equal(seller.Id, messages[0].Guid("recipientId"));
        Assert.Equal("Jane Smith", messages[0].Str("senderName"));
        Assert.Equal(buyer.Email, messages[0].Str("senderEmail"));
        Assert.Equal(seller.Id, messages[1].Guid("senderId"));
        Assert.Equal(buyer.Id, messages[1].Guid("recipientId"));
        Assert.Equal("John Doe", messages[1].Str("senderName"));
        Assert.Equal(seller.Email, messages[1].Str("senderEmail"));
        Assert.All(messages, message => Assert.Equal(product, message.Guid("productId")));
        Assert.All(messages, message => Assert.Equal(conversationId, message.Guid("conversationId")));
        Assert.All(messages, message => Assert.False(message.Bool("read")));
    }

    [Fact]
    public async Task Messages_by_recipientId_are_an_empty_array_before_the_first_message()
    {
        var buyer = await Host.CreateUser();
        var seller = await Host.CreateUser();
        var product = await Host.CreateProduct();

        var byRecipient = await buyer.MessagesOk($"recipientId={seller.Id}");
        var byRecipientAndProduct = await buyer.MessagesOk($"recipientId={seller.Id}&productId={product}");

        Assert.Empty(byRecipient.Items());
        Assert.Empty(byRecipientAndProduct.Items());
        Assert.Empty((await buyer.ConversationsOk()).Items()); // reading creates no conversation
        Assert.Empty((await seller.ConversationsOk()).Items());
    }

    [Fact]
    public async Task Messages_by_recipientId_and_productId_return_the_existing_conversation_from_either_side()
    {
        var buyer = await Host.CreateUser();
        var seller = await Host.CreateUser();
        var product = await Host.CreateProduct();
        var conversationId = (await buyer.SendTo(seller, "hello", product)).Guid("conversationId");
        await seller.Reply(conversationId, "hi");
        var expected = await buyer.History(conversationId);

        var buyerView = await buyer.MessagesOk($"recipientId={seller.Id}&productId={product}");
        var sellerView = await seller.MessagesOk($"recipientId={buyer.Id}&productId={product}");

        Assert.Equal(expected.ToString(), buyerView.ToString());
        Assert.Equal(expected.ToString(), sellerView.ToString());
    }

    [Fact]
    public async Task Messages_by_recipientId_without_productId_return_the_pairs_product_less_conversation()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        var product = await Host.CreateProduct();
        await alice.SendTo(bob, "about the product", product);
        await alice.SendTo(bob, "no product");

        var withoutProduct = await bob.MessagesOk($"recipientId={alice.Id}");
        var withProduct = await bob.MessagesOk($"recipientId={alice.Id}&productId={product}");

        Assert.Equal(["no product"], withoutProduct.Texts());
        withoutProduct.Items()[0].AssertNull("productId");
        Assert.Equal(["about the product"], withProduct.Texts());
    }

    [Fact]
    public async Task Messages_by_recipientId_with_another_product_are_empty()
    {
        var buyer = await Host.CreateUser();
        var seller = await Host.CreateUser();
        var camera = await Host.CreateProduct("Camera");
        var bike = await Host.CreateProduct("Bike");
        await buyer.SendTo(seller, "about the camera", camera);

        Assert.Empty((await buyer.MessagesOk($"recipientId={seller.Id}&productId={bike}")).Items());
    }

    [Fact]
    public async Task An_empty_productId_parameter_means_no_product()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        await alice.SendTo(bob, "no product");

        Assert.Equal(["no product"], (await alice.MessagesOk($"recipientId={bob.Id}&productId=")).Texts());
    }

    [Fact]
    public async Task Read_flags_in_history_are_the_same_for_both_participants()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        var first = await alice.SendTo(bob, "one");
        var conversationId = first.Guid("conversationId");
        await alice.Reply(conversationId, "two");
        Assert.Equal(1, await bob.MarkReadOk(first.Id()));

        var forAlice = await alice.History(conversationId);
        var forBob = await bob.History(conversationId);

        Assert.Equal([true, false], forAlice.Items().Select(message => message.Bool("read")));
        Assert.Equal(forAlice.ToString(), forBob.ToString());
    }
}
