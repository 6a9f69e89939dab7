namespace Messaging.Host.Tests;

/// <summary>GET /api/messages returns the newest 100 by default; <c>limit</c> and <c>before</c> page back.</summary>
[Collection(RulesCollection.Name)]
public sealed class HistoryPagingTests(PostgresHostFixture fixture)
{
    /// <summary>One conversation of 105 messages, written once for the whole class.</summary>
    private sealed record LongConversation(TestUser Buyer, TestUser Seller, Guid Product, Guid ConversationId, IReadOnlyDictionary<string, Guid> Ids);

    private static readonly SemaphoreSlim Once = new(1, 1);
    private static LongConversation? _shared;

    private async Task<LongConversation> Conversation()
    {
        await Once.WaitAsync();
        try
        {
            if (_shared is not null && _shared.Buyer.Host == fixture.Host)
                return _shared;
            var buyer = await fixture.Host.CreateUser();
            var seller = await fixture.Host.CreateUser();
            var product = await fixture.Host.CreateProduct();
            var ids = new Dictionary<string, Guid>();
            var conversationId = Guid.Empty;
            for (var i = 1; i <= 105; i++)
            {
                var message = i == 1
                    ? await buyer.SendTo(seller, Text(i), product)
                    : await (i % 3 == 0 ? seller : buyer).Reply(conversationId, Text(i));
                conversationId = message.Guid("conversationId");
                ids[Text(i)] = message.Id();
            }
            return _shared = new LongConversation(buyer, seller, product, conversationId, ids);
        }
        finally
        {
            Once.Release();
        }
    }

    private static string Text(int i) => $"m{i:000}";

    private static string[] Texts(int first, int last) => Enumerable.Range(first, last - first + 1).Select(Text).ToArray();

    [Fact]
    public async Task Without_parameters_the_newest_100_messages_are_returned_oldest_first()
    {
        var (buyer, _, _, conversationId, _) = await Conversation();
        var page = await buyer.History(conversationId);

        Assert.Equal(Texts(6, 105), page.Texts());
        var times = page.Items().Select(message => message.Timestamp("createdAt")).ToArray();
        Assert.Equal(times.Order(), times);
    }

    [Fact]
    public async Task Option_B_pages_the_same_way()
    {
        var (buyer, seller, product, _, _) = await Conversation();
        var page = await seller.MessagesOk($"recipientId={buyer.Id}&productId={product}");

        Assert.Equal(Texts(6, 105), page.Texts());
    }

    [Fact]
    public async Task Limit_returns_the_newest_messages_up_to_that_many()
    {
        var (buyer, _, _, conversationId, _) = await Conversation();
        Assert.Equal(Texts(96, 105), (await buyer.MessagesOk($"conversationId={conversationId}&limit=10")).Texts());
        Assert.Equal(Texts(105, 105), (await buyer.MessagesOk($"conversationId={conversationId}&limit=1")).Texts());
        Assert.Equal(Texts(6, 105), (await buyer.MessagesOk($"conversationId={conversationId}&limit=100")).Texts());
    }

    [Fact]
    public async Task Before_pages_back_from_a_message_excluding_it()
    {
        var (buyer, _, _, conversationId, ids) = await Conversation();
        var page = await buyer.MessagesOk($"conversationId={conversationId}&limit=10&before={ids["m096"]}");
        var next = await buyer.MessagesOk($"conversationId={conversationId}&limit=10&before={page.Items()[0].Id()}");

        Assert.Equal(Texts(86, 95), page.Texts());
        Assert.Equal(Texts(76, 85), next.Texts());
    }

    [Fact]
    public async Task Paging_back_with_the_default_limit_reaches_the_first_message()
    {
        var (_, seller, _, conversationId, ids) = await Conversation();
        var newest = await seller.History(conversationId);
        var older = await seller.MessagesOk($"conversationId={conversationId}&before={newest.Items()[0].Id()}");

        Assert.Equal(Texts(1, 5), older.Texts());
        Assert.Empty((await seller.MessagesOk($"conversationId={conversationId}&before={ids["m001"]}")).Items());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    public async Task A_limit_outside_1_to_100_is_400(string limit)
    {
        var (buyer, _, _, conversationId, _) = await Conversation();
        await (await buyer.GetMessages($"conversationId={conversationId}&limit={limit}")).ExpectProblem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_malformed_before_is_400()
    {
        var (buyer, _, _, conversationId, _) = await Conversation();
        await (await buyer.GetMessages($"conversationId={conversationId}&before=not-a-uuid")).ExpectProblem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_before_that_is_not_a_message_of_the_conversation_is_400()
    {
        var (buyer, _, _, conversationId, _) = await Conversation();
        await (await buyer.GetMessages($"conversationId={conversationId}&before={Guid.NewGuid()}")).ExpectProblem(HttpStatusCode.BadRequest);
    }
}
