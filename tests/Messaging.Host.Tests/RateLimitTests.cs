namespace Messaging.Host.Tests;

/// <summary>At most 60 messages per user per minute (the default), refused with 429 and Retry-After.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private MessagingHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await MessagingHost.StartPostgres(new Dictionary<string, string?> { ["Messaging:MessagesPerMinute"] = null });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_61st_message_within_a_minute_is_429_with_Retry_After_and_is_not_stored()
    {
        var alice = await _host.CreateUser();
        var bob = await _host.CreateUser();
        var conversationId = (await alice.SendTo(bob, "message 1")).Guid("conversationId");
        for (var n = 2; n <= 60; n++)
            await alice.Reply(conversationId, $"message {n}");

        var refused = await alice.Send(new { conversationId, text = "message 61" });

        var problem = await refused.ExpectProblem(HttpStatusCode.TooManyRequests);
        Assert.Equal("at most 60 messages per minute", problem.Str("detail"));
        var retryAfter = int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")));
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal(60, (await bob.History(conversationId)).GetArrayLength());
    }

    [Fact]
    public async Task The_limit_is_per_sender_so_the_other_participant_can_still_answer()
    {
        var alice = await _host.CreateUser();
        var bob = await _host.CreateUser();
        var conversationId = (await alice.SendTo(bob, "message 1")).Guid("conversationId");
        for (var n = 2; n <= 60; n++)
            await alice.Reply(conversationId, $"message {n}");
        await (await alice.Send(new { conversationId, text = "one too many" })).ExpectProblem(HttpStatusCode.TooManyRequests);

        var answer = await bob.Reply(conversationId, "slow down");

        Assert.Equal("slow down", answer.Str("text"));
    }
}
