using Messaging.Actors.Stomp;
using static Messaging.Host.Tests.Realtime.RealtimeHelpers;

namespace Messaging.Host.Tests.Realtime;

/// <summary>SEND to /app/message.send, /app/typing.start and /app/messages.read: the same rules as REST, events to the right people.</summary>
[Collection(RealtimeMessagingCollection.Name)]
public sealed class WebSocketMessagingTests(RealtimeHostFixture fixture)
{
    private MessagingHost Host => fixture.Host;

    [Fact]
    public async Task A_message_sent_over_the_socket_is_broadcast_to_every_subscriber_of_the_topic_then_receipted()
    {
        var product = await Host.CreateProduct("Vintage Camera");
        var (alice, bob, conversationId, _) = await Conversation(Host, product);
        await using var aliceClient = await StompTestClient.ConnectAsync(alice, "alice");
        await using var bobClient = await StompTestClient.ConnectAsync(bob, "bob");
        await using var bobOtherTab = await StompTestClient.ConnectAsync(bob, "bob (second tab)");
        var aliceSubscription = await aliceClient.SubscribeAsync(Topic(conversationId));
        var bobSubscription = await bobClient.SubscribeAsync(Topic(conversationId), "bob-topic");
        var bobOtherSubscription = await bobOtherTab.SubscribeAsync(Topic(conversationId));

        await aliceClient.SendAsync("/app/message.send", new { conversationId, text = "Can you ship it to Berlin?" }, receipt: "send-1");

        await aliceClient.ExpectReceiptAsync("send-1");
        var stored = (await bob.History(conversationId)).Items()[^1];
        Assert.Equal("Can you ship it to Berlin?", stored.Str("text"));
        Assert.Equal(alice.Id, stored.Guid("senderId"));
        Assert.Equal(bob.Id, stored.Guid("recipientId"));
        Assert.Equal(product, stored.Guid("productId"));
        Assert.Equal(alice.Name, stored.Str("senderName"));
        Assert.Equal(alice.Email, stored.Str("senderEmail"));
        Assert.False(stored.Bool("read"));
        foreach (var (client, subscription) in new[] { (aliceClient, aliceSubscription), (bobClient, bobSubscription), (bobOtherTab, bobOtherSubscription) })
        {
            var (frame, body) = await client.ExpectMessageAsync(Topic(conversationId), "NEW_MESSAGE");
            AssertMessageHeaders(frame, subscription, Topic(conversationId));
            AssertJson(ExpectedEvents.NewMessage(stored), body);
            await client.ExpectNoFrameAsync(TimeSpan.Zero); // exactly one event each
        }
    }

    [Fact]
    public async Task A_client_sending_far_more_frames_than_are_queued_is_slowed_down_not_dropped_and_every_send_is_stored_in_order()
    {
        var (alice, bob, conversationId, _) = await Conversation(Host);
        await using var aliceClient = await StompTestClient.ConnectAsync(alice, "alice");
        const int burst = 400; // over three times the frames a session queues before it stops reading (Stomp:MaxQueuedFrames)
        var frames = Enumerable.Range(1, burst).Select(n => StompEncoder.Encode(StompFrame.WithText(StompCommand.Send,
            $$"""{"conversationId":"{{conversationId}}","text":"burst {{n}}"}""", ("destination", "/app/message.send"), ("receipt", $"b{n}"))).ToArray());

        await aliceClient.SendRawAsync(frames.SelectMany(frame => frame.ToArray()).ToArray());

        for (var n = 1; n <= burst; n++)
            await aliceClient.ExpectReceiptAsync($"b{n}", TimeSpan.FromSeconds(60));
        var history = (await bob.MessagesOk($"conversationId={conversationId}&limit=100")).Items();
        Assert.Equal(Enumerable.Range(burst - 99, 100).Select(n => $"burst {n}"), history.Select(message => message.Str("text")));
    }

    [Fact]
    public async Task The_recipient_gets_a_NEW_MESSAGE_preview_on_its_notification_queue_and_the_sender_does_not()
    {
        var (alice, bob, conversationId, _) = await Conversation(Host);
        await using var aliceClient = await StompTestClient.ConnectWithQueuesAsync(alice, "alice");
        await using var bobClient = await StompTestClient.ConnectWithQueuesAsync(bob, "bob");

        await aliceClient.SendAsync("/app/message.send", new { conversationId, text = "Still there?" }, receipt: "send-1");

        var (frame, body) = await bobClient.ExpectMessageAsync(Destination.Notifications, "NEW_MESSAGE");
        await aliceClient.ExpectReceiptAsync("send-1");
        var stored = (await bob.History(conversationId)).Items()[^1];
        AssertMessageHeaders(frame, "sub-1", Destination.Notifications);
        AssertJson(ExpectedEvents.NewMessageNotification(stored), body);
        Assert.Equal("Still there?", body.GetProperty("message").Str("text"));
        Assert.Equal(alice.Name, body.GetProperty("message").Str("senderName"));
        await aliceClient.ExpectNoFrameAsync(QuietWindow);
        await bobClient.ExpectNoFrameAsync(TimeSpan.Zero);
    }

    [Fact]
    public async Task A_conversation_started_over_the_socket_is_in_REST_history_and_in_both_conversation_lists_with_unread_counts()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        var product = await Host.CreateProduct("Road Bike", "https://images.example.test/bike.jpg");
        await using var aliceClient = await StompTestClient.ConnectWithQueuesAsync(alice, "alice");
        await using var bobClient = await StompTestClient.ConnectWithQueuesAsync(bob, "bob");

        await aliceClient.SendAsync("/app/message.send", new { recipientId = bob.Id, productId = product, text = "Is the bike still for sale?" }, receipt: "first");
        await aliceClient.SendAsync("/app/message.send", new { recipientId = bob.Id, productId = product, text = "I can pick it up today." }, receipt: "second");
        await aliceClient.ExpectReceiptAsync("first");
        await aliceClient.ExpectReceiptAsync("second");

        // Written before the RECEIPT: the very next REST reads see it.
        var (_, notification) = await bobClient.ExpectMessageAsync(Destination.Notifications, "NEW_MESSAGE");
        var conversationId = notification.Guid("conversationId");
        var history = await bob.History(conversationId);
        Assert.Equal(["Is the bike still for sale?", "I can pick it up today."], history.Texts());
        AssertJson(ExpectedEvents.NewMessageNotification(history.Items()[0]), notification);
        Assert.Equal(history.ToString(), (await bob.MessagesOk($"recipientId={alice.Id}&productId={product}")).ToString());
        Assert.Equal(history.ToString(), (await alice.MessagesOk($"recipientId={bob.Id}&productId={product}")).ToString());

        var bobView = await bob.ListedConversation(conversationId);
        Assert.Equal(2, bobView.Int("unreadCount"));
        Assert.Equal("I can pick it up today.", bobView.Str("lastMessage"));
        Assert.Equal(alice.Id, bobView.Guid("participantId"));
        Assert.Equal(product, bobView.Guid("productId"));
        Assert.Equal("Road Bike", bobView.Str("productTitle"));
        Assert.Equal(history.Items()[1].Str("createdAt"), bobView.Str("lastMessageAt"));
        var aliceView = await alice.ListedConversation(conversationId);
        Assert.Equal(0, aliceView.Int("unreadCount"));
        Assert.Equal(bob.Id, aliceView.Guid("participantId"));
        Assert.Equal("I can pick it up today.", aliceView.Str("lastMessage"));
    }

    [Fact]
    public async Task Two_buyers_asking_about_the_same_product_over_the_socket_get_two_conversations_with_their_own_topics()
    {
        var product = await Host.CreateProduct("Desk Lamp");
        var seller = await Host.CreateUser();
        var (buyerA, buyerB) = (await Host.CreateUser(), await Host.CreateUser());
        await using var sellerClient = await StompTestClient.ConnectWithQueuesAsync(seller, "seller");
        await using var clientA = await StompTestClient.ConnectWithQueuesAsync(buyerA, "buyer A");
        await using var clientB = await StompTestClient.ConnectWithQueuesAsync(buyerB, "buyer B");

        await clientA.SendAsync("/app/message.send", new { recipientId = seller.Id, productId = product, text = "A: does it dim?" }, receipt: "a-1");
        await clientB.SendAsync("/app/message.send", new { recipientId = seller.Id, productId = product, text = "B: what bulb?" }, receipt: "b-1");
        await clientA.ExpectReceiptAsync("a-1");
        await clientB.ExpectReceiptAsync("b-1");

        var (_, toSellerA) = await sellerClient.ExpectMessageAsync(Destination.Notifications, "NEW_MESSAGE", body => body.GetProperty("message").Guid("senderId") == buyerA.Id);
        var (_, toSellerB) = await sellerClient.ExpectMessageAsync(Destination.Notifications, "NEW_MESSAGE", body => body.GetProperty("message").Guid("senderId") == buyerB.Id);
        var (conversationA, conversationB) = (toSellerA.Guid("conversationId"), toSellerB.Guid("conversationId"));
        Assert.NotEqual(conversationA, conversationB);
        var topicA = await sellerClient.SubscribeAsync(Topic(conversationA), "topic-a");
        var topicB = await sellerClient.SubscribeAsync(Topic(conversationB), "topic-b");
        await clientA.SendAsync("/app/message.send", new { conversationId = conversationA, text = "A again" }, receipt: "a-2");
        await clientA.ExpectReceiptAsync("a-2"); // so that B's conversation is the newer one
        await clientB.SendAsync("/app/message.send", new { conversationId = conversationB, text = "B again" }, receipt: "b-2");

        var (frameA, onTopicA) = await sellerClient.ExpectMessageAsync(Topic(conversationA), "NEW_MESSAGE");
        var (frameB, onTopicB) = await sellerClient.ExpectMessageAsync(Topic(conversationB), "NEW_MESSAGE");
        Assert.Equal(topicA, frameA.Header("subscription"));
        Assert.Equal(topicB, frameB.Header("subscription"));
        Assert.Equal("A again", onTopicA.GetProperty("message").Str("text"));
        Assert.Equal("B again", onTopicB.GetProperty("message").Str("text"));
        var sellerList = (await seller.ConversationsOk()).Items().Where(item => item.Str("productId") == product.ToString()).ToArray();
        Assert.Equal([conversationB, conversationA], sellerList.Select(item => item.Id()));
        Assert.All(sellerList, item => Assert.Equal(2, item.Int("unreadCount")));
        Assert.Equal([buyerB.Id, buyerA.Id], sellerList.Select(item => item.Guid("participantId")));
    }

    [Fact]
    public async Task Typing_reaches_the_other_participant_on_topic_and_queue_and_is_never_echoed_to_the_typist()
    {
        var (alice, bob, conversationId, _) = await Conversation(Host);
        await using var aliceClient = await StompTestClient.ConnectWithQueuesAsync(alice, "alice (typist)");
        await using var bobClient = await StompTestClient.ConnectWithQueuesAsync(bob, "bob");
        await aliceClient.SubscribeAsync(Topic(conversationId), "alice-topic");
        await bobClient.SubscribeAsync(Topic(conversationId), "bob-topic");

        await aliceClient.SendAsync("/app/typing.start", new { conversationId }, receipt: "typing-1");

        await aliceClient.ExpectReceiptAsync("typing-1");
        var (onTopic, topicBody) = await bobClient.ExpectMessageAsync(Topic(conversationId), "USER_TYPING");
        AssertMessageHeaders(onTopic, "bob-topic", Topic(conversationId));
        AssertJson(ExpectedEvents.UserTyping(conversationId, alice.Id), topicBody);
        var (onQueue, queueBody) = await bobClient.ExpectMessageAsync(Destination.Notifications, "USER_TYPING");
        AssertMessageHeaders(onQueue, "sub-1", Destination.Notifications);
        AssertJson(ExpectedEvents.UserTyping(conversationId, alice.Id), queueBody);
        await aliceClient.ExpectNoFrameAsync(QuietWindow);
        await bobClient.ExpectNoFrameAsync(TimeSpan.Zero);
        Assert.Equal(["Is this still available?"], (await bob.History(conversationId)).Texts()); // typing is never stored
    }

    [Fact]
    public async Task Reading_over_the_socket_updates_unread_counts_and_tells_the_sender_and_the_topic()
    {
        var (alice, bob, conversationId, first) = await Conversation(Host);
        var second = await alice.Reply(conversationId, "Hello?");
        var third = await alice.Reply(conversationId, "Anyone?");
        Assert.Equal(3, (await bob.ListedConversation(conversationId)).Int("unreadCount"));
        await using var aliceClient = await StompTestClient.ConnectWithQueuesAsync(alice, "alice (sender)");
        await aliceClient.SubscribeAsync(Topic(conversationId), "alice-topic");
        await using var bobClient = await StompTestClient.ConnectWithQueuesAsync(bob, "bob (reader)");
        var ids = new[] { first.Id(), second.Id(), third.Id() };

        await bobClient.SendAsync("/app/messages.read", new { messageIds = ids.Take(2) }, receipt: "read-1");

        await bobClient.ExpectReceiptAsync("read-1");
        Assert.Equal(1, (await bob.ListedConversation(conversationId)).Int("unreadCount"));
        Assert.Equal([true, true, false], (await bob.History(conversationId)).Items().Select(message => message.Bool("read")));
        var (_, queued) = await aliceClient.ExpectMessageAsync(Destination.Notifications, "MESSAGE_READ");
        AssertJson(ExpectedEvents.MessageRead(conversationId, ids.Take(2), bob.Id), queued);
        var (_, onTopic) = await aliceClient.ExpectMessageAsync(Topic(conversationId), "MESSAGE_READ");
        AssertJson(ExpectedEvents.MessageRead(conversationId, ids.Take(2), bob.Id), onTopic);

        await bobClient.SendAsync("/app/messages.read", new { messageIds = ids }, receipt: "read-2");

        await bobClient.ExpectReceiptAsync("read-2");
        Assert.Equal(0, (await bob.ListedConversation(conversationId)).Int("unreadCount"));
        var (_, again) = await aliceClient.ExpectMessageAsync(Destination.Notifications, "MESSAGE_READ");
        AssertJson(ExpectedEvents.MessageRead(conversationId, [third.Id()], bob.Id), again); // only what changed
        await bobClient.ExpectNoFrameAsync(QuietWindow); // the reader hears nothing of its own read
    }

    [Fact]
    public async Task Twenty_messages_sent_quickly_over_one_connection_arrive_on_the_topic_in_order_with_increasing_createdAt()
    {
        var (alice, bob, conversationId, _) = await Conversation(Host);
        await using var bobClient = await StompTestClient.ConnectAsync(bob, "bob (subscriber)");
        await bobClient.SubscribeAsync(Topic(conversationId));
        await using var aliceClient = await StompTestClient.ConnectAsync(alice, "alice (sender)");
        var texts = Enumerable.Range(1, 20).Select(n => $"message {n:D2}").ToArray();

        foreach (var (text, n) in texts.Select((text, n) => (text, n)))
            await aliceClient.SendAsync("/app/message.send", new { conversationId, text }, receipt: $"r{n + 1}");

        var received = new List<JsonElement>();
        for (var n = 0; n < texts.Length; n++)
            received.Add((await bobClient.ExpectMessageAsync(Topic(conversationId), "NEW_MESSAGE")).Body.GetProperty("message"));
        Assert.Equal(texts, received.Select(message => message.Str("text")));
        var times = received.Select(message => message.Timestamp("createdAt")).ToArray();
        for (var n = 1; n < times.Length; n++)
            Assert.True(times[n - 1] < times[n], $"createdAt of message {n} ({times[n - 1]:O}) is not before that of message {n + 1} ({times[n]:O})");
        for (var n = 1; n <= texts.Length; n++)
            await aliceClient.ExpectReceiptAsync($"r{n}");
        var history = (await bob.History(conversationId)).Texts();
        Assert.Equal(new[] { "Is this still available?" }.Concat(texts), history);
    }

    public static TheoryData<string, string, string, int, string> RefusedSends() => new()
    {
        // case name, destination, body ({conversationId}, {me}, {nobody}, {message} are replaced), code, message
        { "empty text", "/app/message.send", """{"conversationId":"{conversationId}","text":"   "}""", 400, "text must not be empty" },
        { "text too long", "/app/message.send", """{"conversationId":"{conversationId}","text":"{long}"}""", 400, "text must be at most 10000 characters" },
        { "no conversation or recipient", "/app/message.send", """{"text":"hi"}""", 400, "conversationId or recipientId is required" },
        { "to yourself", "/app/message.send", """{"recipientId":"{me}","text":"hi"}""", 400, "cannot send a message to yourself" },
        { "malformed id", "/app/message.send", """{"conversationId":"nope","text":"hi"}""", 400, "conversationId must be a UUID" },
        { "unknown recipient", "/app/message.send", """{"recipientId":"{nobody}","text":"hi"}""", 404, "recipient not found" },
        { "unknown conversation", "/app/message.send", """{"conversationId":"{nobody}","text":"hi"}""", 404, "conversation not found" },
        { "a stranger's conversation", "/app/message.send", """{"conversationId":"{strangers}","text":"hi"}""", 403, "not a participant of this conversation" },
        { "typing in a stranger's conversation", "/app/typing.start", """{"conversationId":"{strangers}"}""", 403, "not a participant of this conversation" },
        { "typing without conversation", "/app/typing.start", """{}""", 400, "conversationId must be a UUID" },
        { "reading nothing", "/app/messages.read", """{"messageIds":[]}""", 400, "messageIds must be a non-empty array" },
        { "reading a stranger's message", "/app/messages.read", """{"messageIds":["{strangersMessage}"]}""", 403, "messageIds include messages that are not in your conversations" },
        { "blocking a stranger's conversation", "/app/conversation.block", """{"conversationId":"{strangers}","block":true}""", 403, "not a participant of this conversation" },
        { "block without block", "/app/conversation.block", """{"conversationId":"{conversationId}"}""", 400, "block (true or false) is required" },
        { "unknown destination", "/app/message.delete", """{}""", 404, "/app/message.delete is not a destination; send to /app/message.send, /app/typing.start, /app/messages.read or /app/conversation.block" },
        { "a JSON array", "/app/message.send", """[1,2]""", 400, "the body must be a JSON object" },
        { "not JSON", "/app/message.send", """hello""", 400, "the body is not valid JSON (line 1, byte 1)" },
        { "JSON null", "/app/message.send", """null""", 400, "the body must be a JSON object" },
    };

    [Theory]
    [MemberData(nameof(RefusedSends))]
    public async Task A_refused_SEND_is_an_ERROR_event_on_the_errors_queue_and_the_connection_stays_open(
        string refusal, string destination, string body, int code, string message)
    {
        Assert.NotEmpty(refusal);
        var (alice, bob, conversationId, _) = await Conversation(Host);
        var (_, _, strangers, strangersMessage) = await Conversation(Host);
        body = body.Replace("{conversationId}", conversationId.ToString()).Replace("{me}", alice.Id.ToString())
            .Replace("{nobody}", Guid.NewGuid().ToString()).Replace("{strangers}", strangers.ToString())
            .Replace("{strangersMessage}", strangersMessage.Id().ToString()).Replace("{long}", new string('a', 10_001));
        await using var aliceClient = await StompTestClient.ConnectWithQueuesAsync(alice, "alice");
        await using var bobClient = await StompTestClient.ConnectWithQueuesAsync(bob, "bob");

        await aliceClient.SendAsync(destination, body, receipt: "refused-1");

        var (frame, error) = await aliceClient.ExpectMessageAsync(Destination.Errors, "ERROR");
        AssertMessageHeaders(frame, "sub-2", Destination.Errors);
        if (message.EndsWith('*'))
        {
            Assert.StartsWith(message.TrimEnd('*'), error.Str("message"));
            message = error.Str("message")!;
        }
        AssertJson(ExpectedEvents.Error(code, message, "refused-1"), error);
        // Still open and working: the next SEND goes through, and nothing was stored or told for the refused one.
        await aliceClient.SendAsync("/app/message.send", new { conversationId, text = "after the refusal" }, receipt: "accepted-1");
        await aliceClient.ExpectReceiptAsync("accepted-1");
        Assert.False(aliceClient.IsClosed);
        Assert.DoesNotContain(aliceClient.Unclaimed(), unclaimed => unclaimed.Header("receipt-id") == "refused-1");
        Assert.Equal(["Is this still available?", "after the refusal"], (await bob.History(conversationId)).Texts());
        var (_, notification) = await bobClient.ExpectMessageAsync(Destination.Notifications, "NEW_MESSAGE");
        Assert.Equal("after the refusal", notification.GetProperty("message").Str("text"));
        await bobClient.ExpectNoFrameAsync(TimeSpan.Zero);
    }

    [Fact]
    public async Task A_refused_SEND_without_a_receipt_header_has_a_null_receiptId()
    {
        var alice = await Host.CreateUser();
        await using var client = await StompTestClient.ConnectWithQueuesAsync(alice);

        await client.SendAsync("/app/message.send", new { recipientId = alice.Id, text = "me, myself" });

        var (_, error) = await client.ExpectMessageAsync(Destination.Errors, "ERROR");
        AssertJson("""{"type":"ERROR","code":400,"message":"cannot send a message to yourself","receiptId":null}""", error);
    }

    [Fact]
    public async Task A_refused_SEND_without_a_subscription_to_the_errors_queue_keeps_the_connection_open()
    {
        var (alice, _, conversationId, _) = await Conversation(Host);
        await using var client = await StompTestClient.ConnectAsync(alice);

        await client.SendAsync("/app/message.send", new { conversationId, text = "" }, receipt: "refused");
        await client.SendAsync("/app/message.send", new { conversationId, text = "fine" }, receipt: "accepted");

        await client.ExpectReceiptAsync("accepted");
        await client.ExpectNoFrameAsync(TimeSpan.Zero);
        Assert.False(client.IsClosed);
    }
}
