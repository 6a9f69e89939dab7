using Akka.Actor;
using Messaging.Actors.Conversations;
using Messaging.Actors.Inbox;
using Messaging.Actors.Stomp;
using Xunit.Abstractions;
using static Messaging.Actors.Conversations.ConversationCommands;
using static Messaging.Actors.Conversations.ConversationReplies;
using static Messaging.Actors.Inbox.InboxReplies;
using static Messaging.Actors.Tests.Fixtures;

namespace Messaging.Actors.Tests.Stomp;

/// <summary>
/// SENDs to <c>/app/...</c>: each one becomes the gateway call of its REST twin, is receipted only once the entity
/// answered, and a refusal goes to the sender's errors queue without ending the connection.
/// </summary>
public sealed class StompSessionSendSpecs(ITestOutputHelper output) : StompSessionFixture(output, nameof(StompSessionSendSpecs))
{
    private static string SendBody(string text) => $$"""{"conversationId":"{{CameraChat}}","text":"{{text}}"}""";

    private static string SendFrame(string text, string receipt) =>
        Frame("SEND", SendBody(text), ("destination", "/app/message.send"), ("content-type", "application/json"), ("receipt", receipt));

    // ---- /app/message.send ----

    [Fact]
    public void Message_send_goes_through_the_senders_inbox_and_is_receipted_only_after_it_was_accepted()
    {
        var session = ConnectedSession();

        Feed(session, SendFrame("Is this still available?", "send-1"));

        var command = Inboxes.ExpectMsg<SendMessage>(Wait);
        // The sender is shown with the directory's name and email, not the token's.
        Assert.Equal(
            new SendMessage(CameraChat, Buyer, null, null, "Is this still available?", new SenderProfile("Jane Smith", "jane@example.com")),
            command);
        ExpectNothingWritten();

        Inboxes.Reply(new MessageAccepted(BuyerMessage(1, "Is this still available?")));
        ExpectReceipt("send-1");
        Assert.False(Transport.IsClosed);
    }

    [Fact]
    public void Message_send_naming_recipient_and_product_opens_their_conversation()
    {
        var session = ConnectedSession();

        Feed(session, Frame("SEND", $$"""{"recipientId":"{{Seller}}","productId":"{{Camera}}","text":"Hello"}""",
            ("destination", "/app/message.send"), ("receipt", "open")));

        var command = Inboxes.ExpectMsg<SendMessage>(Wait);
        Assert.Equal((CameraChat, Buyer, (UserId?)Seller, (ProductId?)Camera, "Hello"),
            (command.ConversationId, command.SenderId, command.RecipientId, command.ProductId, command.Text));
        Inboxes.Reply(new MessageAccepted(BuyerMessage(1, "Hello")));
        ExpectReceipt("open");
    }

    [Fact]
    public void Message_send_without_a_receipt_header_writes_nothing_when_accepted()
    {
        var session = ConnectedSession();

        Feed(session, Frame("SEND", SendBody("hi"), ("destination", "/app/message.send")));
        Inboxes.ExpectMsg<SendMessage>(Wait);
        Inboxes.Reply(new MessageAccepted(BuyerMessage(1, "hi")));

        ExpectNothingWritten();
        Assert.False(Transport.IsClosed);
    }

    [Fact]
    public void Sends_are_handled_strictly_in_order_one_at_a_time()
    {
        var session = ConnectedSession();

        Feed(session, SendFrame("first", "r1") + SendFrame("second", "r2"));

        Assert.Equal("first", Inboxes.ExpectMsg<SendMessage>(Wait).Text);
        var firstAsker = Inboxes.LastSender;
        // The second SEND waits until the first is answered.
        Inboxes.ExpectNoMsg(Quiet);
        ExpectNothingWritten(TimeSpan.Zero);

        firstAsker.Tell(new MessageAccepted(BuyerMessage(1, "first")));
        ExpectReceipt("r1");
        Assert.Equal("second", Inboxes.ExpectMsg<SendMessage>(Wait).Text);
        Inboxes.Reply(new MessageAccepted(BuyerMessage(2, "second")));
        ExpectReceipt("r2");
    }

    [Fact]
    public void Message_send_refused_by_the_conversation_is_an_error_event_and_the_connection_stays_open()
    {
        var session = ConnectedSession();
        SubscribeErrors(session);

        Feed(session, SendFrame("hello?", "send-1"));
        Inboxes.ExpectMsg<SendMessage>(Wait);
        Inboxes.Reply(Rejection.Forbidden("this conversation is blocked"));

        Assert.Equal(ErrorEventJson(403, "this conversation is blocked", "send-1"), ExpectMessage("errors", Destination.Errors, messageId: "1"));
        Feed(session, Frame("ACK", "", ("id", "1"), ("receipt", "still-open")));
        ExpectReceipt("still-open");
        Assert.False(Transport.IsClosed);
    }

    [Fact]
    public void Message_send_refused_by_the_rate_limit_is_a_429_error_event()
    {
        var session = ConnectedSession();
        SubscribeErrors(session);

        Feed(session, SendFrame("spam", "send-61"));
        Inboxes.ExpectMsg<SendMessage>(Wait);
        Inboxes.Reply(Rejection.TooManyRequests("at most 60 messages per minute", TimeSpan.FromSeconds(30)));

        Assert.Equal(ErrorEventJson(429, "at most 60 messages per minute", "send-61"), ExpectMessage("errors", Destination.Errors));
        Conversations.ExpectNoMsg(Quiet); // the inbox refused it: nothing went on
        Assert.False(Transport.IsClosed);
    }

    [Fact]
    public void Message_send_with_a_body_that_is_not_json_is_a_400_error_event()
    {
        var session = ConnectedSession();
        SubscribeErrors(session);

        Feed(session, Frame("SEND", "text=hello", ("destination", "/app/message.send"), ("receipt", "bad")));

        var error = ExpectErrorEvent();
        Assert.Equal("ERROR", error.GetProperty("type").GetString());
        Assert.Equal(400, error.GetProperty("code").GetInt32());
        Assert.Equal("the body is not valid JSON (line 1, byte 2)", error.GetProperty("message").GetString());
        Assert.Equal("bad", error.GetProperty("receiptId").GetString());
        Inboxes.ExpectNoMsg(Quiet);
        Conversations.ExpectNoMsg(TimeSpan.Zero);
        Assert.False(Transport.IsClosed);
    }

    [Fact]
    public void Message_send_with_a_json_null_body_is_a_400_error_event()
    {
        var session = ConnectedSession();
        SubscribeErrors(session);

        Feed(session, Frame("SEND", "null", ("destination", "/app/message.send"), ("receipt", "null")));

        Assert.Equal(ErrorEventJson(400, "the body must be a JSON object", "null"), ExpectMessage("errors", Destination.Errors));
    }

    [Fact]
    public void Message_send_with_empty_text_is_a_400_error_event_from_the_gateway()
    {
        var session = ConnectedSession();
        SubscribeErrors(session);

        Feed(session, SendFrame("  ", "empty"));

        Assert.Equal(ErrorEventJson(400, "text must not be empty", "empty"), ExpectMessage("errors", Destination.Errors));
        Inboxes.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Send_to_an_unknown_destination_is_a_404_error_event_and_the_connection_stays_open()
    {
        var session = ConnectedSession();
        SubscribeErrors(session);

        Feed(session, Frame("SEND", "{}", ("destination", "/app/nope"), ("receipt", "where")));

        Assert.Equal(
            ErrorEventJson(404, "/app/nope is not a destination; send to /app/message.send, /app/typing.start, /app/messages.read or /app/conversation.block", "where"),
            ExpectMessage("errors", Destination.Errors));
        Feed(session, Frame("ACK", "", ("id", "1"), ("receipt", "still-open")));
        ExpectReceipt("still-open");
    }

    [Fact]
    public void Send_without_a_destination_is_a_404_error_event_without_a_receipt_id()
    {
        var session = ConnectedSession();
        SubscribeErrors(session);

        Feed(session, Frame("SEND", "{}"));

        Assert.Equal(
            ErrorEventJson(404, "(none) is not a destination; send to /app/message.send, /app/typing.start, /app/messages.read or /app/conversation.block", null),
            ExpectMessage("errors", Destination.Errors));
    }

    [Fact]
    public void Refused_send_without_an_errors_subscription_writes_nothing_and_keeps_the_connection()
    {
        var session = ConnectedSession();

        Feed(session, Frame("SEND", "{}", ("destination", "/app/nope"), ("receipt", "lost")));
        ExpectNothingWritten();

        Feed(session, Frame("ACK", "", ("id", "1"), ("receipt", "still-open")));
        ExpectReceipt("still-open");
    }

    [Fact]
    public void Send_the_conversation_does_not_answer_in_time_is_a_503_error_event()
    {
        var session = ConnectedSession(gatewaySettings: GatewaySettings with { AskTimeout = TimeSpan.FromMilliseconds(300) });
        SubscribeErrors(session);

        Feed(session, SendFrame("anyone?", "slow"));
        Inboxes.ExpectMsg<SendMessage>(Wait);

        Assert.Equal(ErrorEventJson(503, "the service did not answer in time; retry shortly", "slow"), ExpectMessage("errors", Destination.Errors));
        Assert.False(Transport.IsClosed);
    }

    // ---- the other /app destinations ----

    [Fact]
    public void Typing_start_goes_through_the_typists_inbox()
    {
        var session = ConnectedSession();

        Feed(session, Frame("SEND", $$"""{"conversationId":"{{CameraChat}}"}""", ("destination", "/app/typing.start"), ("receipt", "typing")));

        Assert.Equal(new StartTyping(CameraChat, Buyer), Inboxes.ExpectMsg<StartTyping>(Wait));
        ExpectNothingWritten();
        Inboxes.Reply(new TypingAccepted(true));
        ExpectReceipt("typing");
    }

    [Fact]
    public void Typing_start_with_a_malformed_conversation_id_is_a_400_error_event()
    {
        var session = ConnectedSession();
        SubscribeErrors(session);

        Feed(session, Frame("SEND", """{"conversationId":"abc"}""", ("destination", "/app/typing.start"), ("receipt", "typing")));

        Assert.Equal(ErrorEventJson(400, "conversationId must be a UUID", "typing"), ExpectMessage("errors", Destination.Errors));
        Inboxes.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Messages_read_asks_the_readers_inbox_to_mark_them_read()
    {
        var session = ConnectedSession();

        Feed(session, Frame("SEND", $$"""{"messageIds":["{{MessageNo(1)}}","{{MessageNo(2)}}"]}""", ("destination", "/app/messages.read"), ("receipt", "read")));

        var markRead = Inboxes.ExpectMsg<InboxCommands.MarkRead>(Wait);
        Assert.Equal(Buyer, markRead.UserId);
        Expect.Sequence([MessageNo(1), MessageNo(2)], markRead.MessageIds);
        ExpectNothingWritten();
        Inboxes.Reply(new MarkedRead(2));
        ExpectReceipt("read");
    }

    [Fact]
    public void Conversation_block_asks_the_conversation_to_block_or_unblock()
    {
        var session = ConnectedSession();

        Feed(session, Frame("SEND", $$"""{"conversationId":"{{CameraChat}}","block":true}""", ("destination", "/app/conversation.block"), ("receipt", "block")));
        Assert.Equal(new SetBlocked(CameraChat, Buyer, true), Conversations.ExpectMsg<SetBlocked>(Wait));
        ExpectNothingWritten();
        Conversations.Reply(new BlockChanged(CameraChat, true, Buyer));
        ExpectReceipt("block");

        Feed(session, Frame("SEND", $$"""{"conversationId":"{{CameraChat}}","block":false}""", ("destination", "/app/conversation.block"), ("receipt", "unblock")));
        Assert.Equal(new SetBlocked(CameraChat, Buyer, false), Conversations.ExpectMsg<SetBlocked>(Wait));
        Conversations.Reply(new BlockChanged(CameraChat, false, Buyer));
        ExpectReceipt("unblock");
    }

    [Fact]
    public void Conversation_block_without_block_is_a_400_error_event()
    {
        var session = ConnectedSession();
        SubscribeErrors(session);

        Feed(session, Frame("SEND", $$"""{"conversationId":"{{CameraChat}}"}""", ("destination", "/app/conversation.block"), ("receipt", "block")));

        Assert.Equal(ErrorEventJson(400, "block (true or false) is required", "block"), ExpectMessage("errors", Destination.Errors));
        Conversations.ExpectNoMsg(Quiet);
    }

    // ---- acknowledgements and transactions ----

    [Theory]
    [InlineData("ACK")]
    [InlineData("NACK")]
    public void Acknowledgements_are_accepted_and_receipted(string command)
    {
        var session = ConnectedSession();

        Feed(session, Frame(command, "", ("id", "7"), ("receipt", $"{command}-7")));

        ExpectReceipt($"{command}-7");
        Assert.False(Transport.IsClosed);
    }

    [Theory]
    [InlineData("BEGIN")]
    [InlineData("COMMIT")]
    [InlineData("ABORT")]
    public void Transaction_frames_are_an_error_and_a_close(string command)
    {
        var session = ConnectedSession();

        Feed(session, Frame(command, "", ("transaction", "tx-1")));

        Assert.Equal("BEGIN, COMMIT and ABORT are not supported by this server", ExpectFailure(session, "transactions are not supported"));
    }
}
