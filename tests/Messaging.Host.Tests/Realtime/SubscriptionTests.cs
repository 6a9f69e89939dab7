using Messaging.Actors.Stomp;
using static Messaging.Host.Tests.Realtime.RealtimeHelpers;

namespace Messaging.Host.Tests.Realtime;

/// <summary>SUBSCRIBE: participants only on a conversation topic; the user queues always mean the connected user.</summary>
[Collection(RealtimeConnectionsCollection.Name)]
public sealed class SubscriptionTests(RealtimeHostFixture fixture)
{
    private MessagingHost Host => fixture.Host;

    [Fact]
    public async Task A_participant_subscribes_to_the_conversation_topic_and_hears_its_messages()
    {
        var (alice, bob, conversationId, _) = await Conversation(Host);
        await using var client = await StompTestClient.ConnectAsync(bob);

        await client.SendSubscribeAsync(Topic(conversationId), "conversation-1", receipt: "subscribed");
        await client.ExpectReceiptAsync("subscribed");
        var sent = await alice.Reply(conversationId, "hello topic");

        var (frame, body) = await client.ExpectMessageAsync(Topic(conversationId), "NEW_MESSAGE");
        AssertMessageHeaders(frame, "conversation-1", Topic(conversationId));
        Assert.Equal(sent.Id(), body.GetProperty("message").Id());
    }

    [Fact]
    public async Task A_stranger_subscribing_to_a_conversation_topic_gets_an_ERROR_and_the_connection_is_closed_having_heard_nothing()
    {
        var (alice, bob, conversationId, _) = await Conversation(Host);
        var mallory = await Host.CreateUser();
        await using var watcher = await StompTestClient.ConnectWithQueuesAsync(mallory, "mallory (queues)");
        await using var snoop = await StompTestClient.ConnectAsync(mallory, "mallory (snooping)");

        await snoop.SendSubscribeAsync(Topic(conversationId), "snoop", receipt: "snoop-receipt");

        var error = await snoop.ExpectErrorAndCloseAsync();
        AssertError(error, $"not allowed to subscribe to {Topic(conversationId)}", "not a participant of this conversation");
        Assert.Empty(snoop.Unclaimed()); // no RECEIPT, no MESSAGE
        await alice.Reply(conversationId, "private");
        await bob.Reply(conversationId, "very private");
        await watcher.ExpectNoFrameAsync(QuietWindow);
    }

    [Fact]
    public async Task Subscribing_to_the_topic_of_a_conversation_that_does_not_exist_is_an_ERROR()
    {
        var alice = await Host.CreateUser();
        var missing = Guid.NewGuid();
        await using var client = await StompTestClient.ConnectAsync(alice);

        await client.SendSubscribeAsync(Topic(missing), "missing");

        AssertError(await client.ExpectErrorAndCloseAsync(), $"not allowed to subscribe to {Topic(missing)}", "conversation not found");
    }

    [Theory]
    [InlineData("/topic/conversation.not-a-uuid")]
    [InlineData("/topic/conversations")]
    [InlineData("/queue/notifications")]
    [InlineData("/user/{other}/queue/notifications")]
    [InlineData("/app/message.send")]
    public async Task Subscribing_to_anything_else_is_an_ERROR_for_an_unknown_destination(string destination)
    {
        var alice = await Host.CreateUser();
        destination = destination.Replace("{other}", Guid.NewGuid().ToString());
        await using var client = await StompTestClient.ConnectAsync(alice);

        await client.SendSubscribeAsync(destination, "odd");

        var error = await client.ExpectErrorAndCloseAsync();
        AssertError(error, "unknown destination",
            $"{destination} is not a destination; use /topic/conversation.{{id}}, /user/queue/notifications or /user/queue/errors");
    }

    [Fact]
    public async Task After_UNSUBSCRIBE_the_topic_is_silent()
    {
        var (alice, bob, conversationId, _) = await Conversation(Host);
        await using var client = await StompTestClient.ConnectAsync(bob);
        var subscription = await client.SubscribeAsync(Topic(conversationId));

        await client.SendFrameAsync(StompFrame.Create(StompCommand.Unsubscribe, ("id", subscription), ("receipt", "unsubscribed")));
        await client.ExpectReceiptAsync("unsubscribed");
        await alice.Reply(conversationId, "anyone?");

        await client.ExpectNoFrameAsync(QuietWindow);
    }

    [Fact]
    public async Task A_repeated_subscription_id_is_an_ERROR()
    {
        var alice = await Host.CreateUser();
        await using var client = await StompTestClient.ConnectAsync(alice);
        await client.SubscribeAsync(Destination.Notifications, "same");

        await client.SendSubscribeAsync(Destination.Errors, "same");

        AssertError(await client.ExpectErrorAndCloseAsync(), "duplicate subscription id", "subscription id same is already in use on this connection");
    }
}
