using System.Diagnostics;
using Messaging.Actors.Stomp;
using static Messaging.Host.Tests.Realtime.RealtimeHelpers;

namespace Messaging.Host.Tests.Realtime;

/// <summary>
/// The real limit of 60 messages per user per minute counts REST and WebSocket sends together. The limit is a token
/// bucket (60 at once, refilled at one a second), so a burst that takes s seconds may be followed by up to s more
/// messages; on a quick machine the 61st is refused outright. Two separate buckets of 60 would let ~30 more through.
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

        var clock = Stopwatch.StartNew();
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

        // Over the socket: refused once the shared bucket is empty (after at most one message per second elapsed).
        var extraOverSocket = 0;
        JsonElement error;
        while (true)
        {
            var receipt = $"ws-extra-{extraOverSocket + 1}";
            await client.SendAsync("/app/message.send", new { conversation.recipientId, conversation.productId, text = $"WS extra {extraOverSocket + 1}" }, receipt);
            var answer = await client.ExpectFrameAsync(
                frame => frame.Header("receipt-id") == receipt || frame.Header("destination") == Destination.Errors, $"RECEIPT {receipt} or an error event");
            if (answer.Command == StompCommand.Receipt)
            {
                extraOverSocket++;
                Assert.True(extraOverSocket <= clock.Elapsed.TotalSeconds, $"{extraOverSocket} messages over the 60 went through over the socket within {clock.Elapsed.TotalSeconds:F1} s");
                continue;
            }
            error = StompTestClient.ParseJson(answer)!.Value;
            AssertJson(ExpectedEvents.Error(429, "at most 60 messages per minute", receipt), error);
            break;
        }
        Assert.False(client.IsClosed);

        // Over REST: the same bucket, so also refused (a token that refilled meanwhile may let one more through first).
        var extraOverRest = 0;
        HttpResponseMessage refused;
        while ((refused = await alice.Send(new { conversation.recipientId, conversation.productId, text = $"REST extra {extraOverRest + 1}" })).StatusCode == HttpStatusCode.Created)
        {
            extraOverRest++;
            Assert.True(extraOverSocket + extraOverRest <= clock.Elapsed.TotalSeconds,
                $"{extraOverSocket + extraOverRest} messages over the 60 went through within {clock.Elapsed.TotalSeconds:F1} s");
        }
        var problem = await refused.ExpectProblem(HttpStatusCode.TooManyRequests);
        Assert.Equal("at most 60 messages per minute", problem.Str("detail"));
        Assert.InRange(int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After"))), 1, 60);

        var conversationId = (await bob.ConversationsOk()).Items().Single().Id();
        var texts = (await bob.History(conversationId)).Texts();
        Assert.Equal(60 + extraOverSocket + extraOverRest, texts.Length);
        Assert.Equal(30, texts.Count(text => text.StartsWith("WS ", StringComparison.Ordinal) && !text.Contains("extra")));
        Assert.Equal(30, texts.Count(text => text.StartsWith("REST ", StringComparison.Ordinal) && !text.Contains("extra")));
    }
}
