using Messaging.Actors.Stomp;
using static Messaging.Host.Tests.Realtime.RealtimeHelpers;

namespace Messaging.Host.Tests.Realtime;

/// <summary>The real limit of 60 messages per user per minute counts REST and WebSocket sends together.</summary>
public sealed class RealtimeRateLimitTests : IAsyncLifetime
{
    private MessagingHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await MessagingHost.StartPostgres(new Dictionary<string, string?> { ["Messaging:MessagesPerMinute"] = null });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Thirty_over_REST_and_thirty_over_the_socket_use_up_the_minute_and_the_61st_is_refused_over_either_door()
    {
        var alice = await _host.CreateUser();
        var bob = await _host.CreateUser();
        var conversationId = (await alice.SendTo(bob, "REST 01")).Guid("conversationId");
        for (var n = 2; n <= 30; n++)
            await alice.Reply(conversationId, $"REST {n:D2}");
        await using var client = await StompTestClient.ConnectWithQueuesAsync(alice, "alice");
        for (var n = 1; n <= 30; n++)
            await client.SendAsync("/app/message.send", new { conversationId, text = $"WS {n:D2}" }, receipt: $"ws-{n}");
        for (var n = 1; n <= 30; n++)
            await client.ExpectReceiptAsync($"ws-{n}");
        await client.ExpectNoFrameAsync(TimeSpan.Zero); // no refusal among the first 60

        await client.SendAsync("/app/message.send", new { conversationId, text = "WS 61" }, receipt: "ws-61");
        var refusedOverRest = await alice.Send(new { conversationId, text = "REST 61" });

        var (_, error) = await client.ExpectMessageAsync(Destination.Errors, "ERROR");
        AssertJson(ExpectedEvents.Error(429, "at most 60 messages per minute", "ws-61"), error);
        Assert.False(client.IsClosed);
        var problem = await refusedOverRest.ExpectProblem(HttpStatusCode.TooManyRequests);
        Assert.Equal("at most 60 messages per minute", problem.Str("detail"));
        Assert.InRange(int.Parse(Assert.Single(refusedOverRest.Headers.GetValues("Retry-After"))), 1, 60);
        var history = await bob.History(conversationId);
        Assert.Equal(60, history.GetArrayLength());
        Assert.DoesNotContain("WS 61", history.Texts());
        Assert.DoesNotContain("REST 61", history.Texts());
        Assert.DoesNotContain(client.Unclaimed(), frame => frame.Header("receipt-id") == "ws-61");
    }
}
