using Messaging.Actors.Stomp;
using Messaging.Host.Tests.Realtime;
using static Messaging.Host.Tests.Realtime.RealtimeHelpers;

namespace Messaging.Host.Tests;

/// <summary>
/// A client may name each send (<c>clientMessageId</c>, or the <c>Idempotency-Key</c> header over REST): a retry
/// with the same name is answered with the stored message and stores nothing new, over either door.
/// </summary>
[Collection(RealtimeMessagingCollection.Name)]
public sealed class IdempotentSendTests(RealtimeHostFixture fixture)
{
    private MessagingHost Host => fixture.Host;

    [Fact]
    public async Task A_REST_retry_with_the_same_clientMessageId_gets_201_with_the_stored_message_and_history_holds_it_once()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        var product = await Host.CreateProduct();
        var send = new { recipientId = bob.Id, productId = product, text = "Is this still available?", clientMessageId = "web-4c1f" };

        var first = await alice.SendOk(send);
        var retry = await alice.SendOk(send);

        Assert.Equal(first.GetRawText(), retry.GetRawText());
        var history = (await bob.History(first.Guid("conversationId"))).Items();
        Assert.Equal([first.Id()], history.Select(message => message.Id()));
        Assert.Equal(1, (await bob.ListedConversation(first.Guid("conversationId"))).Int("unreadCount"));
    }

    [Fact]
    public async Task The_Idempotency_Key_header_names_a_REST_send_like_clientMessageId()
    {
        var (alice, bob, conversationId, _) = await Conversation(Host);
        var sent = new List<JsonElement>();

        foreach (var _ in Enumerable.Range(0, 2))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = Contract.Body(new { conversationId, text = "Shipping to Berlin?" }) };
            request.Headers.Add("Idempotency-Key", "retry-me");
            sent.Add(await (await alice.Http.SendAsync(request)).ExpectJson(HttpStatusCode.Created));
        }

        Assert.Equal(sent[0].Id(), sent[1].Id());
        Assert.Single((await bob.History(conversationId)).Items(), message => message.Str("text") == "Shipping to Berlin?");
        // The header and the body name the same send.
        Assert.Equal(sent[0].Id(), (await alice.SendOk(new { conversationId, text = "Shipping to Berlin?", clientMessageId = "retry-me" })).Id());
    }

    [Fact]
    public async Task An_Idempotency_Key_that_differs_from_the_bodys_clientMessageId_is_a_400()
    {
        var (alice, _, conversationId, _) = await Conversation(Host);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = Contract.Body(new { conversationId, text = "hello", clientMessageId = "one" }),
        };
        request.Headers.Add("Idempotency-Key", "two");

        var problem = await (await alice.Http.SendAsync(request)).ExpectProblem(HttpStatusCode.BadRequest);

        Assert.Contains("Idempotency-Key", problem.Str("detail"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("line\nbreak")]
    public async Task A_clientMessageId_that_is_empty_or_has_control_characters_is_a_400(string clientMessageId)
    {
        var (alice, _, conversationId, _) = await Conversation(Host);

        var problem = await (await alice.Send(new { conversationId, text = "hello", clientMessageId })).ExpectProblem(HttpStatusCode.BadRequest);

        Assert.Contains("clientMessageId", problem.Str("detail"));
    }

    [Fact]
    public async Task A_clientMessageId_longer_than_100_characters_is_a_400()
    {
        var (alice, _, conversationId, _) = await Conversation(Host);

        var problem = await (await alice.Send(new { conversationId, text = "hello", clientMessageId = new string('x', 101) })).ExpectProblem(HttpStatusCode.BadRequest);

        Assert.Contains("clientMessageId", problem.Str("detail"));
    }

    [Fact]
    public async Task A_STOMP_retry_with_the_same_clientMessageId_is_receipted_and_raises_no_second_event()
    {
        var (alice, bob, conversationId, _) = await Conversation(Host);
        await using var aliceClient = await StompTestClient.ConnectAsync(alice, "alice");
        await using var bobClient = await StompTestClient.ConnectAsync(bob, "bob");
        await bobClient.SubscribeAsync(Topic(conversationId), "bob-topic");
        var send = new { conversationId, text = "Can you ship it?", clientMessageId = "tab-1-17" };

        await aliceClient.SendAsync("/app/message.send", send, receipt: "try-1");
        await aliceClient.ExpectReceiptAsync("try-1");
        await aliceClient.SendAsync("/app/message.send", send, receipt: "try-2");
        await aliceClient.ExpectReceiptAsync("try-2");

        await bobClient.ExpectMessageAsync(Topic(conversationId), "NEW_MESSAGE");
        await bobClient.ExpectNoFrameAsync(QuietWindow);
        Assert.Single((await bob.History(conversationId)).Items(), message => message.Str("text") == "Can you ship it?");
    }

    [Fact]
    public async Task The_same_clientMessageId_in_another_conversation_is_another_message()
    {
        var (alice, _, firstConversation, _) = await Conversation(Host);
        var carol = await Host.CreateUser();
        var secondConversation = (await alice.SendTo(carol, "Hello Carol")).Guid("conversationId");

        var first = await alice.SendOk(new { conversationId = firstConversation, text = "same words", clientMessageId = "c-1" });
        var second = await alice.SendOk(new { conversationId = secondConversation, text = "same words", clientMessageId = "c-1" });

        Assert.NotEqual(first.Id(), second.Id());
    }
}
