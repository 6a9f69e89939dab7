namespace Messaging.Host.Tests;

/// <summary>POST /api/messages: the success paths.</summary>
[Collection(EndpointsCollection.Name)]
public sealed class SendMessageTests(PostgresHostFixture fixture)
{
    private MessagingHost Host => fixture.Host;

    [Fact]
    public async Task Sending_by_recipient_and_product_returns_201_with_the_stored_message()
    {
        var buyer = await Host.CreateUser("Jane Smith", $"jane-{Guid.NewGuid():N}@example.test");
        var seller = await Host.CreateUser();
        var product = await Host.CreateProduct("Vintage Camera");

        var response = await buyer.Send(new { recipientId = seller.Id, productId = product, text = "Is this still available?" });
        var message = await response.ExpectJson(HttpStatusCode.Created);

        Contract.AssertFields(message, Contract.MessageFields);
        Assert.NotEqual(Guid.Empty, message.Id());
        Assert.NotEqual(Guid.Empty, message.Guid("conversationId"));
        Assert.Equal(buyer.Id, message.Guid("senderId"));
        Assert.Equal(seller.Id, message.Guid("recipientId"));
        Assert.Equal(product, message.Guid("productId"));
        Assert.Equal("Is this still available?", message.Str("text"));
        Assert.False(message.Bool("read"));
        Assert.Equal("Jane Smith", message.Str("senderName"));
        Assert.Equal(buyer.Email, message.Str("senderEmail"));
        var createdAt = message.Timestamp("createdAt");
        Assert.InRange(createdAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task The_sent_message_is_what_history_returns()
    {
        var buyer = await Host.CreateUser();
        var seller = await Host.CreateUser();
        var product = await Host.CreateProduct();

        var sent = await buyer.SendTo(seller, "hello", product);
        var history = await seller.History(sent.Guid("conversationId"));

        Assert.Equal(sent.ToString(), Assert.Single(history.Items()).ToString());
    }

    [Fact]
    public async Task Sending_by_conversationId_goes_to_the_other_participant_with_the_conversations_product()
    {
        var buyer = await Host.CreateUser();
        var seller = await Host.CreateUser();
        var product = await Host.CreateProduct();
        var first = await buyer.SendTo(seller, "Is it available?", product);
        var conversationId = first.Guid("conversationId");

        var reply = await (await seller.Send(new { conversationId, text = "Yes, it is!" })).ExpectJson(HttpStatusCode.Created);

        Contract.AssertFields(reply, Contract.MessageFields);
        Assert.Equal(conversationId, reply.Guid("conversationId"));
        Assert.Equal(seller.Id, reply.Guid("senderId"));
        Assert.Equal(buyer.Id, reply.Guid("recipientId"));
        Assert.Equal(product, reply.Guid("productId"));
        Assert.Equal(seller.Name, reply.Str("senderName"));
        Assert.Equal(seller.Email, reply.Str("senderEmail"));
        Assert.False(reply.Bool("read"));
        Assert.NotEqual(first.Id(), reply.Id());
    }

    [Fact]
    public async Task Sending_by_conversationId_with_the_matching_recipient_and_product_is_accepted()
    {
        var buyer = await Host.CreateUser();
        var seller = await Host.CreateUser();
        var product = await Host.CreateProduct();
        var conversationId = (await buyer.SendTo(seller, "first", product)).Guid("conversationId");

        var reply = await seller.SendOk(new { conversationId, recipientId = buyer.Id, productId = product, text = "second" });

        Assert.Equal(conversationId, reply.Guid("conversationId"));
    }

    [Fact]
    public async Task Sending_without_a_product_starts_a_conversation_whose_productId_is_null()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();

        var message = await alice.SendTo(bob, "no product");

        Contract.AssertFields(message, Contract.MessageFields);
        message.AssertNull("productId");
    }

    [Fact]
    public async Task Sender_name_and_email_come_from_the_directory_not_from_the_token()
    {
        var directoryId = Guid.NewGuid();
        var recipient = await Host.CreateUser();
        await Host.Directory.UpsertUser(new(new(directoryId), "Directory Name", "directory@example.test"), CancellationToken.None);
        var sender = new TestUser(Host, directoryId, "Directory Name", "directory@example.test", tokenName: "Token Name", tokenEmail: "token@example.test");

        var message = await sender.SendTo(recipient, "hi");

        Assert.Equal("Directory Name", message.Str("senderName"));
        Assert.Equal("directory@example.test", message.Str("senderEmail"));
    }

    [Fact]
    public async Task A_sender_missing_from_the_directory_is_shown_with_the_name_and_email_claims_of_the_token()
    {
        var recipient = await Host.CreateUser();
        var sender = Host.UserNotInDirectory("Token Only", "token-only@example.test");

        var message = await sender.SendTo(recipient, "hi");

        Assert.Equal("Token Only", message.Str("senderName"));
        Assert.Equal("token-only@example.test", message.Str("senderEmail"));
    }

    [Fact]
    public async Task Message_ids_are_version_7_uuids()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();

        var message = await alice.SendTo(bob, "hi");

        Assert.Equal(7, message.Id().Version);
    }

    [Fact]
    public async Task Message_times_strictly_increase_within_a_conversation()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        var conversationId = (await alice.SendTo(bob, "0")).Guid("conversationId");

        var sends = await Task.WhenAll(Enumerable.Range(1, 10).Select(i => (i % 2 == 0 ? alice : bob).Reply(conversationId, $"{i}")));
        var history = await alice.History(conversationId);

        var times = history.Items().Select(message => message.Timestamp("createdAt")).ToArray();
        Assert.Equal(11, times.Length);
        for (var i = 1; i < times.Length; i++)
            Assert.True(times[i - 1] < times[i], $"{times[i - 1]:O} is not before {times[i]:O}");
        Assert.Equal(sends.Select(sent => sent.Id()).Order(), history.Items().Skip(1).Select(message => message.Id()).Order());
    }

    public static TheoryData<string> VerbatimTexts => new()
    {
        "<script>alert('x')</script><b>bold</b> &amp; &lt;",
        "emoji 👋🏽 🇫🇷 👨‍👩‍👧 and CJK 日本語",
        "line one\nline two\r\nline three\n",
        "\"double\" 'single' `back` \\backslash\\ \\n not a newline",
        "  leading and trailing spaces  ",
        "tab\there \u00e9\u0301 zero\u200bwidth",
        "{\"json\": [1, 2, 3]}",
        "nul \u0000 inside",
    };

    [Theory]
    [MemberData(nameof(VerbatimTexts))]
    public async Task Text_is_stored_and_returned_verbatim(string text)
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();

        var sent = await alice.SendTo(bob, text);
        var read = Assert.Single((await bob.History(sent.Guid("conversationId"))).Items());

        Assert.Equal(text, sent.Str("text"));
        Assert.Equal(text, read.Str("text"));
        Assert.Equal(text, (await bob.ListedConversation(sent.Guid("conversationId"))).Str("lastMessage"));
    }

    [Fact]
    public async Task A_text_of_exactly_10000_characters_is_accepted()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        var text = new string('x', 9_999) + "!";

        var sent = await alice.SendTo(bob, text);

        Assert.Equal(text, sent.Str("text"));
        Assert.Equal(text, Assert.Single((await bob.History(sent.Guid("conversationId"))).Items()).Str("text"));
    }

    [Fact]
    public async Task Text_length_counts_characters_so_10000_emoji_are_accepted()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        var text = string.Concat(Enumerable.Repeat("😀", 10_000)); // 20,000 UTF-16 units, 10,000 characters

        var sent = await alice.SendTo(bob, text);

        Assert.Equal(text, sent.Str("text"));
    }
}
