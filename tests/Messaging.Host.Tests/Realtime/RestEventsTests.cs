using Messaging.Actors.Stomp;
using static Messaging.Host.Tests.Realtime.RealtimeHelpers;

namespace Messaging.Host.Tests.Realtime;

/// <summary>REST writes raise the same realtime events as the socket does.</summary>
[Collection(RealtimeMessagingCollection.Name)]
public sealed class RestEventsTests(RealtimeHostFixture fixture)
{
    private MessagingHost Host => fixture.Host;

    [Fact]
    public async Task POST_messages_raises_NEW_MESSAGE_on_the_topic_and_on_the_recipients_queue_only()
    {
        var (alice, bob, conversationId, _) = await Conversation(Host);
        await using var aliceClient = await StompTestClient.ConnectWithQueuesAsync(alice, "alice (sender)");
        await using var bobClient = await StompTestClient.ConnectWithQueuesAsync(bob, "bob (recipient)");
        await bobClient.SubscribeAsync(Topic(conversationId), "bob-topic");

        var sent = await alice.Reply(conversationId, "Sent over REST <b>verbatim</b> ✓");

        var (onTopic, topicBody) = await bobClient.ExpectMessageAsync(Topic(conversationId), "NEW_MESSAGE");
        AssertMessageHeaders(onTopic, "bob-topic", Topic(conversationId));
        AssertJson(ExpectedEvents.NewMessage(sent), topicBody);
        var (onQueue, queueBody) = await bobClient.ExpectMessageAsync(Destination.Notifications, "NEW_MESSAGE");
        AssertMessageHeaders(onQueue, "sub-1", Destination.Notifications);
        AssertJson(ExpectedEvents.NewMessageNotification(sent), queueBody);
        await aliceClient.ExpectNoFrameAsync(QuietWindow);
        await bobClient.ExpectNoFrameAsync(TimeSpan.Zero);
    }

    [Fact]
    public async Task A_first_message_over_REST_notifies_the_recipient_of_the_new_conversation()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        var product = await Host.CreateProduct();
        await using var bobClient = await StompTestClient.ConnectWithQueuesAsync(bob, "bob");

        var sent = await alice.SendTo(bob, "Hi, is it available?", product);

        var (_, body) = await bobClient.ExpectMessageAsync(Destination.Notifications, "NEW_MESSAGE");
        AssertJson(ExpectedEvents.NewMessageNotification(sent), body);
    }

    [Fact]
    public async Task A_recipient_who_lists_his_conversations_on_hearing_NEW_MESSAGE_finds_the_new_one_listed()
    {
        var bob = await Host.CreateUser();
        var product = await Host.CreateProduct();
        await using var bobClient = await StompTestClient.ConnectWithQueuesAsync(bob, "bob");

        // A few times over: the event and the recipient's inbox are reached on different paths.
        for (var i = 0; i < 5; i++)
        {
            var stranger = await Host.CreateUser();
            var sending = stranger.SendTo(bob, $"first message {i}", product);

            var (_, body) = await bobClient.ExpectMessageAsync(Destination.Notifications, "NEW_MESSAGE");
            var listed = (await bob.ConversationsOk()).Items();

            Assert.Contains(listed, conversation => conversation.Id() == body.Guid("conversationId") && conversation.Str("lastMessage") == $"first message {i}");
            await sending;
        }
    }

    [Fact]
    public async Task PATCH_mark_read_raises_MESSAGE_READ_to_the_senders_queue_and_the_topic()
    {
        var (alice, bob, conversationId, first) = await Conversation(Host);
        var second = await alice.Reply(conversationId, "and the price?");
        await using var aliceClient = await StompTestClient.ConnectWithQueuesAsync(alice, "alice (sender)");
        await aliceClient.SubscribeAsync(Topic(conversationId), "alice-topic");
        await using var bobClient = await StompTestClient.ConnectWithQueuesAsync(bob, "bob (reader)");
        await bobClient.SubscribeAsync(Topic(conversationId), "bob-topic");

        Assert.Equal(2, await bob.MarkReadOk(first.Id(), second.Id()));

        var expected = ExpectedEvents.MessageRead(conversationId, [first.Id(), second.Id()], bob.Id);
        var (onQueue, queueBody) = await aliceClient.ExpectMessageAsync(Destination.Notifications, "MESSAGE_READ");
        AssertMessageHeaders(onQueue, "sub-1", Destination.Notifications);
        AssertJson(expected, queueBody);
        AssertJson(expected, (await aliceClient.ExpectMessageAsync(Topic(conversationId), "MESSAGE_READ")).Body);
        AssertJson(expected, (await bobClient.ExpectMessageAsync(Topic(conversationId), "MESSAGE_READ")).Body);
        await bobClient.ExpectNoFrameAsync(QuietWindow); // nothing on the reader's own queue
        await aliceClient.ExpectNoFrameAsync(TimeSpan.Zero);
    }

    [Fact]
    public async Task A_mark_read_that_changes_nothing_raises_no_event()
    {
        var (alice, bob, _, first) = await Conversation(Host);
        Assert.Equal(1, await bob.MarkReadOk(first.Id()));
        await using var aliceClient = await StompTestClient.ConnectWithQueuesAsync(alice, "alice (sender)");

        Assert.Equal(0, await bob.MarkReadOk(first.Id()));

        await aliceClient.ExpectNoFrameAsync(QuietWindow);
    }

    [Fact]
    public async Task Blocking_and_unblocking_over_REST_tell_the_other_participant_only()
    {
        var (alice, bob, conversationId, _) = await Conversation(Host);
        await using var aliceClient = await StompTestClient.ConnectWithQueuesAsync(alice, "alice (blocked)");
        await aliceClient.SubscribeAsync(Topic(conversationId), "alice-topic");
        await using var bobClient = await StompTestClient.ConnectWithQueuesAsync(bob, "bob (blocker)");
        await bobClient.SubscribeAsync(Topic(conversationId), "bob-topic");

        await bob.BlockOk(conversationId, true);

        var (frame, blocked) = await aliceClient.ExpectMessageAsync(Destination.Notifications, "CONVERSATION_BLOCKED");
        AssertMessageHeaders(frame, "sub-1", Destination.Notifications);
        AssertJson(ExpectedEvents.Blocked(conversationId, bob.Id), blocked);

        await bob.BlockOk(conversationId, false);

        var (_, unblocked) = await aliceClient.ExpectMessageAsync(Destination.Notifications, "CONVERSATION_UNBLOCKED");
        AssertJson(ExpectedEvents.Unblocked(conversationId, bob.Id), unblocked);
        await bobClient.ExpectNoFrameAsync(QuietWindow); // neither the blocker's queue nor the topic
        await aliceClient.ExpectNoFrameAsync(TimeSpan.Zero);
    }
}
