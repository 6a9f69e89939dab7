using Messaging.Actors.Stomp;
using static Messaging.Host.Tests.Realtime.RealtimeHelpers;

namespace Messaging.Host.Tests.Realtime;

/// <summary>
/// The real limit of 60 messages per user in any minute (a sliding window) counts REST and WebSocket sends
/// together: after 30 over each door, the 61st is refused over either.
/// </summary>
public sealed class RealtimeRateLimitTests : IAsyncLifetime
{
    private MessagingHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await MessagingHost.StartPostgres(new Dictionary<string, string?> { ["Messaging:MessagesPerMinute"] = null });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Thirty_over_REST_and_thirty_over_the_socket_use_up_the_minute_and_the_next_is_refused_over_either_door()
    {
        var alice = await _host.CreateUser();
        var bob = await _host.CreateUser();
        var product = await _host.CreateProduct();
        await using var client = await StompTestClient.ConnectWithQueuesAsync(alice, "alice");
        // The conversation id is derived from (product, pair), so every send below can name it before it exists.
        var conversation = new { recipientId = bob.Id, productId = product };

        // Both doors at once, so the burst is quick: 30 frames back to back over one socket, 30 concurrent REST requests.
        var overSocket = Task.Run(async () =>
        {
            for (var n = 1; n <= 30; n++)
                await client.SendAsync("/app/message.send", new { conversation.recipientId, conversation.productId, text = $"WS {n:D2}" }, receipt: $"ws-{n}");
        });
        var restAnswers = await Task.WhenAll(Enumerable.Range(1, 30).Select(n => alice.Send(new { conversation.recipientId, conversation.productId, text = $"REST {n:D2}" })));
        await overSocket;
        for (var n = 1; n <= 30; n++)
            await client.ExpectReceiptAsync($"ws-{n}");
        Assert.All(restAnswers, answer => Assert.Equal(HttpStatusCode.Created, answer.StatusCode));
        await client.ExpectNoFrameAsync(TimeSpan.Zero); // no refusal among the first 60

        // Over the socket: refused, on the errors queue, and the connection stays open.
        await client.SendAsync("/app/message.send", new { conversation.recipientId, conversation.productId, text = "WS 61" }, receipt: "ws-61");
        var error = StompTestClient.ParseJson(await client.ExpectFrameAsync(frame => frame.Header("destination") == Destination.Errors, "an error event"))!.Value;
        AssertJson(ExpectedEvents.Error(429, "at most 60 messages per minute", "ws-61"), error);
        Assert.False(client.IsClosed);

        // Over REST: the same window, so also refused.
        var refused = await alice.Send(new { conversation.recipientId, conversation.productId, text = "REST 61" });
        var problem = await refused.ExpectProblem(HttpStatusCode.TooManyRequests);
        Assert.Equal("at most 60 messages per minute", problem.Str("detail"));
        Assert.InRange(int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After"))), 1, 60);

        var conversationId = (await bob.ConversationsOk()).Items().Single().Id();
        var texts = (await bob.History(conversationId)).Texts();
        Assert.Equal(60, texts.Length);
        Assert.Equal(30, texts.Count(text => text.StartsWith("WS ", StringComparison.Ordinal)));
        Assert.Equal(30, texts.Count(text => text.StartsWith("REST ", StringComparison.Ordinal)));
    }
}
