using Messaging.Actors.Stomp;
using static Messaging.Host.Tests.Realtime.RealtimeHelpers;

namespace Messaging.Host.Tests.Realtime;

/// <summary>A block, set over either door, stops new messages over both doors until it is lifted.</summary>
[Collection(RealtimeMessagingCollection.Name)]
public sealed class BlockingTests(RealtimeHostFixture fixture)
{
    private MessagingHost Host => fixture.Host;

    [Fact]
    public async Task A_block_over_REST_refuses_messages_over_both_doors_for_both_participants()
    {
        var (alice, bob, conversationId, _) = await Conversation(Host);
        await using var aliceClient = await StompTestClient.ConnectWithQueuesAsync(alice, "alice");
        await using var bobClient = await StompTestClient.ConnectWithQueuesAsync(bob, "bob");
        await bobClient.SubscribeAsync(Topic(conversationId), "bob-topic");

        await bob.BlockOk(conversationId, true);

        await AssertSendRefused(aliceClient, conversationId, "alice-ws");
        await AssertSendRefused(bobClient, conversationId, "bob-ws");
        await (await alice.Send(new { conversationId, text = "over REST" })).ExpectProblem(HttpStatusCode.Forbidden);
        await (await bob.Send(new { conversationId, text = "over REST" })).ExpectProblem(HttpStatusCode.Forbidden);
        Assert.Equal(["Is this still available?"], (await alice.History(conversationId)).Texts());
        await bobClient.ExpectNoFrameAsync(QuietWindow, frame => frame.Header("destination") == Topic(conversationId), "NEW_MESSAGE on the topic");
    }

    [Fact]
    public async Task A_block_over_the_socket_is_receipted_told_to_the_other_side_listed_and_refuses_messages_until_lifted()
    {
        var (alice, bob, conversationId, _) = await Conversation(Host);
        await using var aliceClient = await StompTestClient.ConnectWithQueuesAsync(alice, "alice");
        await using var bobClient = await StompTestClient.ConnectWithQueuesAsync(bob, "bob (blocker)");

        await bobClient.SendAsync("/app/conversation.block", new { conversationId, block = true }, receipt: "block-1");

        await bobClient.ExpectReceiptAsync("block-1");
        var (_, blocked) = await aliceClient.ExpectMessageAsync(Destination.Notifications, "CONVERSATION_BLOCKED");
        AssertJson(ExpectedEvents.Blocked(conversationId, bob.Id), blocked);
        var bobView = await bob.ListedConversation(conversationId);
        Assert.True(bobView.Bool("isBlocked"));
        Assert.True(bobView.Bool("blockedByMe"));
        var aliceView = await alice.ListedConversation(conversationId);
        Assert.True(aliceView.Bool("isBlocked"));
        Assert.False(aliceView.Bool("blockedByMe"));
        await AssertSendRefused(aliceClient, conversationId, "alice-ws");
        await (await alice.Send(new { conversationId, text = "over REST" })).ExpectProblem(HttpStatusCode.Forbidden);

        await bobClient.SendAsync("/app/conversation.block", new { conversationId, block = false }, receipt: "unblock-1");

        await bobClient.ExpectReceiptAsync("unblock-1");
        var (_, unblocked) = await aliceClient.ExpectMessageAsync(Destination.Notifications, "CONVERSATION_UNBLOCKED");
        AssertJson(ExpectedEvents.Unblocked(conversationId, bob.Id), unblocked);
        Assert.False((await alice.ListedConversation(conversationId)).Bool("isBlocked"));
        await aliceClient.SendAsync("/app/message.send", new { conversationId, text = "thanks for unblocking" }, receipt: "after-unblock");
        await aliceClient.ExpectReceiptAsync("after-unblock");
        var (_, notification) = await bobClient.ExpectMessageAsync(Destination.Notifications, "NEW_MESSAGE");
        Assert.Equal("thanks for unblocking", notification.GetProperty("message").Str("text"));
        await bobClient.ExpectNoFrameAsync(QuietWindow); // the blocker was not told of its own block
    }

    [Fact]
    public async Task Typing_in_a_blocked_conversation_is_refused()
    {
        var (alice, bob, conversationId, _) = await Conversation(Host);
        await bob.BlockOk(conversationId, true);
        await using var aliceClient = await StompTestClient.ConnectWithQueuesAsync(alice, "alice");
        await using var bobClient = await StompTestClient.ConnectWithQueuesAsync(bob, "bob");

        await aliceClient.SendAsync("/app/typing.start", new { conversationId }, receipt: "typing");

        var (_, error) = await aliceClient.ExpectMessageAsync(Destination.Errors, "ERROR");
        AssertJson(ExpectedEvents.Error(403, "conversation is blocked", "typing"), error);
        await bobClient.ExpectNoFrameAsync(QuietWindow);
    }

    private static async Task AssertSendRefused(StompTestClient client, Guid conversationId, string receipt)
    {
        await client.SendAsync("/app/message.send", new { conversationId, text = "let me in" }, receipt);
        var (_, error) = await client.ExpectMessageAsync(Destination.Errors, "ERROR");
        AssertJson(ExpectedEvents.Error(403, "conversation is blocked", receipt), error);
        Assert.False(client.IsClosed);
    }
}
