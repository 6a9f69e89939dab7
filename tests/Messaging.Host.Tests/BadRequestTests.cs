using System.Text;

namespace Messaging.Host.Tests;

/// <summary>Bad input is a 400 problem (application/problem+json with a detail), never a 500, and stores nothing.</summary>
[Collection(RulesCollection.Name)]
public sealed class BadRequestTests(PostgresHostFixture fixture)
{
    private MessagingHost Host => fixture.Host;

    private async Task<(TestUser Alice, TestUser Bob, Guid ConversationId)> Conversation()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        var conversationId = (await alice.SendTo(bob, "hello")).Guid("conversationId");
        return (alice, bob, conversationId);
    }

    private static Task<JsonElement> Expect400(HttpResponseMessage response) => response.ExpectProblem(HttpStatusCode.BadRequest);

    // ---- request bodies -----------------------------------------------------------------------------------

    public static TheoryData<string, string, string> MalformedBodies => new()
    {
        { "POST", "/api/messages", "{\"recipientId\": " },
        { "POST", "/api/messages", "not json at all" },
        { "POST", "/api/messages", "[1, 2, 3]" },
        { "POST", "/api/messages", "{\"text\": 42, \"recipientId\": \"00000000-0000-4000-8000-000000000001\"}" },
        { "POST", "/api/messages", "" },
        { "POST", "/api/messages", "null" },
        { "POST", "/api/messages", "{\"recipientId\": \"00000000-0000-4000-8000-000000000001\", \"text\": \"lone \\ud800 surrogate\"}" },
        { "PATCH", "/api/messages/mark-read", "{\"messageIds\": [" },
        { "PATCH", "/api/messages/mark-read", "{\"messageIds\": \"not an array\"}" },
        { "PATCH", "/api/messages/mark-read", "" },
        { "POST", "/api/conversations/{id}/block", "{\"block\": " },
        { "POST", "/api/conversations/{id}/block", "{\"block\": \"yes\"}" },
        { "POST", "/api/conversations/{id}/block", "" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task A_malformed_JSON_body_is_400(string method, string path, string body)
    {
        var (alice, _, conversationId) = await Conversation();
        var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{id}", conversationId.ToString()))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };

        await Expect400(await alice.Http.SendAsync(request));
    }

    public static TheoryData<string, string, string?> WrongContentTypes => new()
    {
        { "POST", "/api/messages", "text/plain" },
        { "POST", "/api/messages", "application/x-www-form-urlencoded" },
        { "POST", "/api/messages", null },
        { "PATCH", "/api/messages/mark-read", "text/plain" },
        { "POST", "/api/conversations/{id}/block", "text/plain" },
    };

    [Fact]
    public async Task A_body_over_256_KiB_is_413_and_stores_nothing()
    {
        var (alice, bob, conversationId) = await Conversation();
        var oversized = new string('x', 300 * 1024);

        var problem = await (await alice.Send(new { conversationId, text = oversized })).ExpectProblem(HttpStatusCode.RequestEntityTooLarge);

        Assert.Contains("262144 bytes", problem.Str("detail"));
        Assert.Equal(1, (await bob.History(conversationId)).GetArrayLength());
    }

    [Fact]
    public async Task A_chunked_body_over_256_KiB_is_413()
    {
        var (alice, _, _) = await Conversation();
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($"{{\"messageIds\": [{string.Join(",", Enumerable.Repeat("\"x\"", 100_000))}]}}")));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        var request = new HttpRequestMessage(HttpMethod.Patch, "/api/messages/mark-read") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        await (await alice.Http.SendAsync(request)).ExpectProblem(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_body_that_is_not_UTF_8_is_400()
    {
        var (alice, bob, _) = await Conversation();
        var bytes = Encoding.UTF8.GetBytes($"{{\"recipientId\": \"{bob.Id}\", \"text\": \"x\"}}").ToList();
        bytes.InsertRange(bytes.Count - 3, new byte[] { 0xC3, 0x28, 0xFF });
        var content = new ByteArrayContent(bytes.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");

        await Expect400(await alice.Http.PostAsync("/api/messages", content));
    }

    [Theory]
    [MemberData(nameof(WrongContentTypes))]
    public async Task A_body_that_is_not_declared_as_JSON_is_400(string method, string path, string? contentType)
    {
        var (alice, bob, conversationId) = await Conversation();
        var json = path.EndsWith("block") ? "{\"block\": true}"
            : path.EndsWith("mark-read") ? $"{{\"messageIds\": [\"{Guid.NewGuid()}\"]}}"
            : $"{{\"recipientId\": \"{bob.Id}\", \"text\": \"hi\"}}";
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        if (contentType is not null)
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{id}", conversationId.ToString())) { Content = content };

        await Expect400(await alice.Http.SendAsync(request));
        Assert.Equal(["hello"], (await alice.History(conversationId)).Texts());
    }

    // ---- POST /api/messages ---------------------------------------------------------------------------------

    [Theory]
    [InlineData("recipientId")]
    [InlineData("productId")]
    [InlineData("conversationId")]
    public async Task A_malformed_UUID_in_the_send_body_is_400(string field)
    {
        var (alice, bob, _) = await Conversation();
        var body = new Dictionary<string, object?> { ["recipientId"] = bob.Id.ToString(), ["text"] = "hi", [field] = "not-a-uuid" };

        var problem = await Expect400(await alice.Send(body));

        Assert.Contains(field, problem.Str("detail"));
    }

    [Fact]
    public async Task Sending_without_recipientId_or_conversationId_is_400()
    {
        var alice = await Host.CreateUser();

        await Expect400(await alice.Send(new { text = "to whom?" }));
        await Expect400(await alice.Send(new { productId = await Host.CreateProduct(), text = "to whom?" }));
        await Expect400(await alice.Send(new { recipientId = "", conversationId = "", text = "to whom?" }));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("   \t\r\n  ")]
    [InlineData(null)]
    public async Task An_empty_or_blank_text_is_400(string? text)
    {
        var (alice, bob, conversationId) = await Conversation();

        await Expect400(await alice.Send(new { recipientId = bob.Id, text }));
        await Expect400(await alice.Send(new { conversationId, text }));
        Assert.Equal(["hello"], (await bob.History(conversationId)).Texts());
    }

    [Fact]
    public async Task A_text_without_the_text_field_is_400()
    {
        var (alice, bob, _) = await Conversation();

        await Expect400(await alice.Send(new { recipientId = bob.Id }));
    }

    [Fact]
    public async Task A_text_of_10001_characters_is_400()
    {
        var (alice, bob, conversationId) = await Conversation();

        var problem = await Expect400(await alice.Send(new { conversationId, text = new string('x', 10_001) }));

        Assert.Contains("10000", problem.Str("detail")!.Replace(",", ""));
        Assert.Equal(["hello"], (await bob.History(conversationId)).Texts());
    }

    [Fact]
    public async Task A_text_of_10001_emoji_is_400()
    {
        var (alice, _, conversationId) = await Conversation();

        await Expect400(await alice.Send(new { conversationId, text = string.Concat(Enumerable.Repeat("😀", 10_001)) }));
    }

    [Fact]
    public async Task Sending_to_oneself_is_400()
    {
        var alice = await Host.CreateUser();

        await Expect400(await alice.Send(new { recipientId = alice.Id, text = "dear me" }));
        await Expect400(await alice.Send(new { recipientId = alice.Id, productId = await Host.CreateProduct(), text = "dear me" }));
        Assert.Empty((await alice.ConversationsOk()).Items());
    }

    [Fact]
    public async Task A_recipientId_that_is_not_the_other_participant_of_the_conversation_is_400()
    {
        var (alice, _, conversationId) = await Conversation();
        var carol = await Host.CreateUser();

        await Expect400(await alice.Send(new { conversationId, recipientId = carol.Id, text = "wrong recipient" }));
        Assert.Empty((await carol.ConversationsOk()).Items());
    }

    [Fact]
    public async Task A_productId_that_is_not_the_product_of_the_conversation_is_400()
    {
        var (alice, bob, conversationId) = await Conversation();

        await Expect400(await alice.Send(new { conversationId, productId = await Host.CreateProduct(), text = "wrong product" }));
        Assert.Equal(["hello"], (await bob.History(conversationId)).Texts());
    }

    // ---- GET /api/messages ----------------------------------------------------------------------------------

    [Theory]
    [InlineData("conversationId=not-a-uuid")]
    [InlineData("recipientId=not-a-uuid")]
    [InlineData("recipientId={other}&productId=not-a-uuid")]
    [InlineData("conversationId=12345")]
    public async Task A_malformed_UUID_in_the_query_is_400(string query)
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();

        await Expect400(await alice.GetMessages(query.Replace("{other}", bob.Id.ToString())));
    }

    [Theory]
    [InlineData("")]
    [InlineData("productId={product}")]
    [InlineData("conversationId=&recipientId=")]
    public async Task Reading_without_conversationId_or_recipientId_is_400(string query)
    {
        var alice = await Host.CreateUser();

        await Expect400(await alice.GetMessages(query.Replace("{product}", Guid.NewGuid().ToString())));
    }

    [Fact]
    public async Task Reading_the_conversation_with_oneself_is_400()
    {
        var alice = await Host.CreateUser();

        await Expect400(await alice.GetMessages($"recipientId={alice.Id}"));
    }

    // ---- paths ----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("12345")]
    [InlineData("00000000-0000-0000-0000-00000000000g")]
    public async Task A_malformed_conversationId_in_the_path_is_400(string conversationId)
    {
        var alice = await Host.CreateUser();

        await Expect400(await alice.GetConversation(conversationId));
        await Expect400(await alice.Block(conversationId, new { block = true }));
    }

    // ---- PATCH /api/messages/mark-read -----------------------------------------------------------------------

    [Fact]
    public async Task An_empty_messageIds_array_is_400()
    {
        var alice = await Host.CreateUser();

        await Expect400(await alice.MarkRead(new { messageIds = Array.Empty<Guid>() }));
    }

    [Fact]
    public async Task A_missing_or_null_messageIds_is_400()
    {
        var alice = await Host.CreateUser();

        await Expect400(await alice.MarkRead(new { }));
        await Expect400(await alice.MarkRead(new { messageIds = (Guid[]?)null }));
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("")]
    [InlineData(null)]
    public async Task A_malformed_message_id_is_400_and_marks_nothing(string? badId)
    {
        var (alice, bob, conversationId) = await Conversation();
        var good = (await bob.History(conversationId)).Items()[0].Id();

        await Expect400(await bob.MarkRead(new { messageIds = new[] { good.ToString(), badId } }));

        Assert.Equal(1, (await bob.ListedConversation(conversationId)).Int("unreadCount"));
        Assert.False((await alice.History(conversationId)).Items()[0].Bool("read"));
    }

    // ---- POST /api/conversations/{id}/block ------------------------------------------------------------------

    [Fact]
    public async Task A_block_request_without_block_is_400()
    {
        var (alice, _, conversationId) = await Conversation();

        await Expect400(await alice.Block(conversationId, new { }));
        await Expect400(await alice.Block(conversationId, new { block = (bool?)null }));
        await Expect400(await alice.Block(conversationId, "null"));
        Assert.False((await alice.ListedConversation(conversationId)).Bool("isBlocked"));
    }
}
