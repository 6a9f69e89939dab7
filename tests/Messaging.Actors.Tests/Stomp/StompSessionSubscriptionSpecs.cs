using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Messaging.Actors.Conversations;
using Messaging.Actors.Stomp;
using Xunit.Abstractions;
using static Messaging.Actors.Conversations.ConversationEvents;
using static Messaging.Actors.Conversations.ConversationQueries;
using static Messaging.Actors.Tests.Fixtures;

namespace Messaging.Actors.Tests.Stomp;

/// <summary>What a <see cref="StompSession"/> lets a client subscribe to, and the MESSAGE frames it writes for what the topics publish.</summary>
public sealed class StompSessionSubscriptionSpecs(ITestOutputHelper output) : StompSessionFixture(output, nameof(StompSessionSubscriptionSpecs))
{
    private static readonly string CameraChatDestination = $"/topic/conversation.{CameraChat}";

    // ---- subscribing ----

    [Fact]
    public void Errors_queue_subscription_is_receipted_at_once_and_needs_no_topic()
    {
        var session = ConnectedSession();

        Feed(session, Frame("SUBSCRIBE", "", ("id", "errors"), ("destination", "/user/queue/errors"), ("receipt", "r-errors")));

        ExpectReceipt("r-errors");
        Mediator.ExpectNoMsg(Quiet);
        Conversations.ExpectNoMsg(TimeSpan.Zero);
    }

    [Fact]
    public void Notifications_subscription_listens_on_the_connected_users_topic_and_is_receipted_only_once_live()
    {
        var session = ConnectedSession(token: SellerToken);

        Feed(session, Frame("SUBSCRIBE", "", ("id", "sub-0"), ("destination", "/user/queue/notifications"), ("receipt", "r-1")));

        var subscribe = Mediator.ExpectMsg<Subscribe>(Wait);
        Assert.Equal($"user.{Seller}", subscribe.Topic);
        ExpectNothingWritten();

        subscribe.Ref.Tell(new SubscribeAck(subscribe));
        ExpectReceipt("r-1");
    }

    [Fact]
    public void Conversation_subscription_of_a_participant_is_checked_then_listens_on_the_conversation_topic()
    {
        var session = ConnectedSession();

        Feed(session, Frame("SUBSCRIBE", "", ("id", "chat"), ("destination", CameraChatDestination), ("receipt", "r-chat")));

        Assert.Equal(new GetSummary(CameraChat, Buyer), Conversations.ExpectMsg<GetSummary>(Wait));
        Mediator.ExpectNoMsg(Quiet);
        Conversations.Reply(CameraChatSummary(Buyer));

        var subscribe = Mediator.ExpectMsg<Subscribe>(Wait);
        Assert.Equal($"conversation.{CameraChat}", subscribe.Topic);
        ExpectNothingWritten();
        subscribe.Ref.Tell(new SubscribeAck(subscribe));
        ExpectReceipt("r-chat");
    }

    [Fact]
    public void Conversation_subscription_of_a_stranger_is_an_error_and_a_close_without_a_topic_subscription()
    {
        var session = ConnectedSession(token: StrangerToken);

        Feed(session, Frame("SUBSCRIBE", "", ("id", "chat"), ("destination", CameraChatDestination), ("receipt", "r-chat")));

        Assert.Equal(new GetSummary(CameraChat, Stranger), Conversations.ExpectMsg<GetSummary>(Wait));
        Conversations.Reply(Rejection.Forbidden("not a participant of this conversation"));

        var detail = ExpectFailure(session, $"not allowed to subscribe to {CameraChatDestination}");
        Assert.Equal("not a participant of this conversation", detail);
        Mediator.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Conversation_subscription_to_a_conversation_that_does_not_exist_is_an_error_and_a_close()
    {
        var session = ConnectedSession();

        Feed(session, Frame("SUBSCRIBE", "", ("id", "chat"), ("destination", CameraChatDestination)));
        Conversations.ExpectMsg<GetSummary>(Wait);
        Conversations.Reply(Rejection.NotFound("conversation not found"));

        Assert.Equal("conversation not found", ExpectFailure(session, $"not allowed to subscribe to {CameraChatDestination}"));
        Mediator.ExpectNoMsg(Quiet);
    }

    [Theory]
    [InlineData("/topic/everything")]
    [InlineData("/topic/conversation.not-a-uuid")]
    [InlineData("/user/22222222-2222-4222-8222-222222222222/queue/notifications")]
    [InlineData("/queue/notifications")]
    public void Subscription_to_an_unknown_destination_is_an_error_and_a_close(string destination)
    {
        var session = ConnectedSession();

        Feed(session, Frame("SUBSCRIBE", "", ("id", "x"), ("destination", destination)));

        var detail = ExpectFailure(session, "unknown destination");
        Assert.Equal($"{destination} is not a destination; use /topic/conversation.{{id}}, /user/queue/notifications or /user/queue/errors", detail);
        Mediator.ExpectNoMsg(Quiet);
        Conversations.ExpectNoMsg(TimeSpan.Zero);
    }

    [Fact]
    public void Error_for_a_refused_subscription_carries_the_receipt_id_it_asked_for()
    {
        var session = ConnectedSession();

        Feed(session, Frame("SUBSCRIBE", "", ("id", "x"), ("destination", "/topic/everything"), ("receipt", "sub-1")));

        var error = ExpectFrame(StompCommand.Error);
        Assert.Equal("unknown destination", error.Header("message"));
        Assert.Equal("sub-1", error.Header("receipt-id"));
    }

    [Fact]
    public void Subscription_without_an_id_is_an_error_and_a_close()
    {
        var session = ConnectedSession();

        Feed(session, Frame("SUBSCRIBE", "", ("destination", Destination.Notifications)));

        Assert.Equal("SUBSCRIBE needs an id and a destination header", ExpectFailure(session, "malformed SUBSCRIBE"));
    }

    [Fact]
    public void Subscription_reusing_an_id_is_an_error_and_a_close()
    {
        var session = ConnectedSession();
        SubscribeErrors(session, "sub-0");

        Feed(session, Frame("SUBSCRIBE", "", ("id", "sub-0"), ("destination", Destination.Notifications)));

        Assert.Equal("subscription id sub-0 is already in use on this connection", ExpectFailure(session, "duplicate subscription id"));
        Mediator.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Subscription_past_the_limit_is_an_error_and_a_close()
    {
        var session = ConnectedSession(QuietSettings with { MaxSubscriptions = 2 });
        SubscribeErrors(session, "one");
        SubscribeNotifications(session, "two");

        Feed(session, Frame("SUBSCRIBE", "", ("id", "three"), ("destination", CameraChatDestination)));

        Assert.Equal("at most 2 subscriptions per connection", ExpectFailure(session, "too many subscriptions"));
        Conversations.ExpectNoMsg(TimeSpan.Zero);
    }

    [Fact]
    public void Unsubscribe_is_receipted_leaves_the_topic_and_stops_delivery()
    {
        var session = ConnectedSession();
        var subscriber = SubscribeNotifications(session, "n");

        Feed(session, Frame("UNSUBSCRIBE", "", ("id", "n"), ("receipt", "bye-n")));

        ExpectReceipt("bye-n");
        var unsubscribe = Mediator.ExpectMsg<Unsubscribe>(Wait);
        Assert.Equal(($"user.{Buyer}", session), (unsubscribe.Topic, unsubscribe.Ref));
        subscriber.Publish(new MessageSent(CameraChat, SellerReply()));
        ExpectNothingWritten();
    }

    [Fact]
    public void Unsubscribe_frees_the_id_and_the_slot_for_a_new_subscription()
    {
        var session = ConnectedSession(QuietSettings with { MaxSubscriptions = 1 });
        SubscribeNotifications(session, "n");
        Feed(session, Frame("UNSUBSCRIBE", "", ("id", "n"), ("receipt", "bye-n")));
        ExpectReceipt("bye-n");
        Mediator.ExpectMsg<Unsubscribe>(Wait);

        var subscriber = SubscribeNotifications(session, "n");
        subscriber.Publish(new MessageSent(CameraChat, SellerReply()));

        ExpectMessage("n", Destination.Notifications);
    }

    [Fact]
    public void Second_subscription_to_a_topic_is_receipted_at_once_and_both_see_its_events()
    {
        var session = ConnectedSession();
        var notifications = SubscribeNotifications(session, "n1");
        Assert.Equal(session, notifications.Subscriber); // the session hears its topics itself

        Feed(session, Frame("SUBSCRIBE", "", ("id", "n2"), ("destination", Destination.Notifications), ("receipt", "sub-n2")));
        ExpectReceipt("sub-n2");
        Mediator.ExpectNoMsg(Quiet);
        notifications.Publish(new MessageSent(CameraChat, SellerReply()));

        ExpectMessage("n1", Destination.Notifications, messageId: "1");
        ExpectMessage("n2", Destination.Notifications, messageId: "2");
    }

    [Fact]
    public void Topic_is_left_when_its_last_subscription_ends()
    {
        var session = ConnectedSession();
        var notifications = SubscribeNotifications(session, "n1");
        Feed(session, Frame("SUBSCRIBE", "", ("id", "n2"), ("destination", Destination.Notifications), ("receipt", "sub-n2")));
        ExpectReceipt("sub-n2");

        Feed(session, Frame("UNSUBSCRIBE", "", ("id", "n1"), ("receipt", "bye-n1")));
        ExpectReceipt("bye-n1");
        Mediator.ExpectNoMsg(Quiet);
        notifications.Publish(new MessageSent(CameraChat, SellerReply()));
        ExpectMessage("n2", Destination.Notifications);

        Feed(session, Frame("UNSUBSCRIBE", "", ("id", "n2"), ("receipt", "bye-n2")));
        ExpectReceipt("bye-n2");
        var unsubscribe = Mediator.ExpectMsg<Unsubscribe>(Wait);
        Assert.Equal(($"user.{Buyer}", session), (unsubscribe.Topic, unsubscribe.Ref));
    }

    [Fact]
    public void Unsubscribe_of_an_unknown_id_is_receipted_all_the_same()
    {
        var session = ConnectedSession();

        Feed(session, Frame("UNSUBSCRIBE", "", ("id", "never"), ("receipt", "bye")));

        ExpectReceipt("bye");
        Mediator.ExpectNoMsg(Quiet);
    }

    // ---- what subscribers see ----

    [Fact]
    public void Message_sent_on_the_conversation_topic_is_a_new_message_frame_with_the_whole_message()
    {
        var session = ConnectedSession();
        var subscriber = SubscribeCameraChat(session, "chat-1");

        subscriber.Publish(new MessageSent(CameraChat, SellerReply()));

        var message = ExpectFrame(StompCommand.Message);
        Assert.Equal(
            ["subscription", "message-id", "destination", "content-type", "content-length"],
            message.Headers.Select(header => header.Key));
        Assert.Equal(("chat-1", "1", CameraChatDestination, "application/json"),
            (message.Header("subscription"), message.Header("message-id"), message.Header("destination"), message.Header("content-type")));
        Assert.Equal(
            $$$"""{"type":"NEW_MESSAGE","conversationId":"{{{CameraChat}}}","message":{"id":"{{{MessageNo(1)}}}","conversationId":"{{{CameraChat}}}","senderId":"{{{Seller}}}","recipientId":"{{{Buyer}}}","productId":"{{{Camera}}}","text":"Yes, still available!","createdAt":"2025-11-10T14:35:00.000Z","read":false,"senderName":"John Doe","senderEmail":"john@example.com"}}""",
            message.BodyText);
        Assert.Equal(message.Body.Length.ToString(), message.Header("content-length"));
    }

    [Fact]
    public void Message_sent_on_the_notifications_queue_is_a_new_message_frame_with_a_preview()
    {
        var session = ConnectedSession();
        var subscriber = SubscribeNotifications(session, "n");

        subscriber.Publish(new MessageSent(CameraChat, SellerReply()));

        Assert.Equal(
            $$$"""{"type":"NEW_MESSAGE","conversationId":"{{{CameraChat}}}","message":{"id":"{{{MessageNo(1)}}}","text":"Yes, still available!","senderId":"{{{Seller}}}","senderName":"John Doe"}}""",
            ExpectMessage("n", Destination.Notifications, messageId: "1"));
    }

    [Fact]
    public void Message_without_a_product_has_a_null_product_id()
    {
        var session = ConnectedSession();
        var subscriber = SubscribeCameraChat(session);

        subscriber.Publish(new MessageSent(CameraChat, SellerReply() with { ProductId = null, SenderEmail = null }));

        var body = ExpectMessage("chat", CameraChatDestination);
        Assert.Contains("\"productId\":null", body);
        Assert.Contains("\"senderEmail\":null", body);
    }

    [Fact]
    public void Each_event_heard_on_two_subscriptions_is_written_once_for_each_with_increasing_message_ids()
    {
        var session = ConnectedSession();
        var chat = SubscribeCameraChat(session, "chat");
        var notifications = SubscribeNotifications(session, "n");
        var sent = new MessageSent(CameraChat, SellerReply());

        chat.Publish(sent);
        ExpectMessage("chat", CameraChatDestination, messageId: "1");
        notifications.Publish(sent);
        ExpectMessage("n", Destination.Notifications, messageId: "2");
        chat.Publish(new MessageSent(CameraChat, SellerReply(2, "Still here")));
        Assert.Contains("\"text\":\"Still here\"", ExpectMessage("chat", CameraChatDestination, messageId: "3"));
    }

    [Fact]
    public void Messages_read_is_a_message_read_frame_on_both_kinds_of_subscription()
    {
        var session = ConnectedSession();
        var chat = SubscribeCameraChat(session, "chat");
        var notifications = SubscribeNotifications(session, "n");
        var read = new MessagesRead(CameraChat, Seller, [MessageNo(1), MessageNo(2)], T0.AddMinutes(6));
        var expected = $$"""{"type":"MESSAGE_READ","conversationId":"{{CameraChat}}","messageIds":["{{MessageNo(1)}}","{{MessageNo(2)}}"],"userId":"{{Seller}}"}""";

        notifications.Publish(read);
        Assert.Equal(expected, ExpectMessage("n", Destination.Notifications));
        chat.Publish(read);
        Assert.Equal(expected, ExpectMessage("chat", CameraChatDestination));
    }

    [Fact]
    public void Typing_of_the_other_participant_is_a_user_typing_frame()
    {
        var session = ConnectedSession();
        var chat = SubscribeCameraChat(session, "chat");
        var notifications = SubscribeNotifications(session, "n");
        var typing = new ConversationNotifications.UserTyping(CameraChat, Seller);
        var expected = $$"""{"type":"USER_TYPING","conversationId":"{{CameraChat}}","userId":"{{Seller}}"}""";

        chat.Publish(typing);
        Assert.Equal(expected, ExpectMessage("chat", CameraChatDestination));
        notifications.Publish(typing);
        Assert.Equal(expected, ExpectMessage("n", Destination.Notifications));
    }

    [Fact]
    public void Typing_of_the_connected_user_himself_is_not_written()
    {
        var session = ConnectedSession();
        var chat = SubscribeCameraChat(session, "chat");

        chat.Publish(new ConversationNotifications.UserTyping(CameraChat, Buyer));
        ExpectNothingWritten();

        // Still subscribed: the other participant's typing comes through.
        chat.Publish(new ConversationNotifications.UserTyping(CameraChat, Seller));
        ExpectMessage("chat", CameraChatDestination, messageId: "1");
    }

    [Fact]
    public void Block_and_unblock_are_written_on_the_notifications_queue()
    {
        var session = ConnectedSession();
        var notifications = SubscribeNotifications(session, "n");

        notifications.Publish(new ConversationBlocked(CameraChat, Seller, T0));
        Assert.Equal(
            $$"""{"type":"CONVERSATION_BLOCKED","conversationId":"{{CameraChat}}","blockedBy":"{{Seller}}"}""",
            ExpectMessage("n", Destination.Notifications));

        notifications.Publish(new ConversationUnblocked(CameraChat, Seller, T0.AddMinutes(1)));
        Assert.Equal(
            $$"""{"type":"CONVERSATION_UNBLOCKED","conversationId":"{{CameraChat}}","blockedBy":"{{Seller}}"}""",
            ExpectMessage("n", Destination.Notifications));
    }

    [Fact]
    public void Events_a_destination_does_not_show_are_not_written()
    {
        var session = ConnectedSession();
        var chat = SubscribeCameraChat(session, "chat");

        chat.Publish(new ConversationBlocked(CameraChat, Seller, T0));
        chat.Publish(new ConversationStarted(CameraChat, Camera, Seller, Buyer, T0));
        chat.Publish("something else entirely");

        ExpectNothingWritten();
        Assert.False(Transport.IsClosed);
    }
}
