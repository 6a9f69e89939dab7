namespace Messaging.Host.Tests.Realtime;

/// <summary>
/// The real <c>@stomp/stompjs</c> client under Node chatting through a host on a loopback port, as a browser frontend
/// does: over a raw WebSocket (the <c>ws</c> package) at <c>ws://host/ws</c>, and over <c>sockjs-client</c> at
/// <c>http://host/ws</c> forced onto each of its transports.
/// </summary>
[Collection(RealtimeLoopbackCollection.Name)]
public sealed class StompJsTests(LoopbackHostFixture fixture)
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(45);

    private MessagingHost Host => fixture.Host;

    [Theory]
    [InlineData("raw")]
    [InlineData("websocket")]
    [InlineData("xhr-streaming")]
    [InlineData("xhr-polling")]
    [InlineData("eventsource")]
    public async Task Two_STOMP_js_clients_connect_subscribe_type_send_and_get_receipts(string transport)
    {
        var alice = await Host.CreateUser("Alice");
        var bob = await Host.CreateUser("Bob");
        // sockjs-client takes the http:// address of the endpoint and picks its sub-paths itself.
        var url = transport == "raw" ? Host.WebSocketAddress : new Uri(Host.BaseAddress, "/ws");

        var summary = await NodeScripts.RunToSuccess(ScriptTimeout,
            "chat.mjs", "--transport", transport, "--url", url.ToString(), "--alice-token", alice.Token, "--bob-token", bob.Token, "--bob-id", bob.Id.ToString());

        Assert.Empty(summary.GetProperty("stompErrors").Items());

        // Both clients negotiated STOMP 1.2 over the transport asked for (on a raw WebSocket, the v12.stomp subprotocol)
        // and were told who they are.
        foreach (var (name, user) in new[] { ("alice", alice), ("bob", bob) })
        {
            Assert.Equal(transport == "raw" ? "v12.stomp" : transport, summary.GetProperty("transport").Str(name));
            var connected = summary.GetProperty("connected").GetProperty(name);
            Assert.Equal("1.2", connected.Str("version"));
            Assert.Equal("messaging/1.0", connected.Str("server"));
            Assert.Equal("10000,10000", connected.Str("heart-beat"));
            Assert.Equal(user.Id.ToString(), connected.Str("user-name"));
        }

        // The conversation Alice started over the socket is the one REST lists, with Bob's answer last.
        var conversationId = summary.Guid("conversationId");
        var aliceHttp = alice.Http;
        var history = await (await aliceHttp.GetAsync($"/api/messages?conversationId={conversationId}")).ExpectJson(HttpStatusCode.OK);
        Assert.Equal(["Is the camera still available?", "Yes, it is!"], history.Texts());
        var (question, answer) = (history.Items()[0], history.Items()[1]);
        var topic = RealtimeHelpers.Topic(conversationId);

        // Bob: the question as a preview on his queue, his own answer on the topic; never his own typing.
        var bobEvents = Events(summary, "bob");
        Assert.Equal(2, bobEvents.Length);
        RealtimeHelpers.AssertJson(ExpectedEvents.NewMessageNotification(question), Single(bobEvents, "/user/queue/notifications", "NEW_MESSAGE"));
        RealtimeHelpers.AssertJson(ExpectedEvents.NewMessage(answer), Single(bobEvents, topic, "NEW_MESSAGE"));

        // Alice: Bob typing on the topic and her queue, then his answer on both.
        var aliceEvents = Events(summary, "alice");
        Assert.Equal(4, aliceEvents.Length);
        RealtimeHelpers.AssertJson(ExpectedEvents.UserTyping(conversationId, bob.Id), Single(aliceEvents, topic, "USER_TYPING"));
        RealtimeHelpers.AssertJson(ExpectedEvents.UserTyping(conversationId, bob.Id), Single(aliceEvents, "/user/queue/notifications", "USER_TYPING"));
        RealtimeHelpers.AssertJson(ExpectedEvents.NewMessage(answer), Single(aliceEvents, topic, "NEW_MESSAGE"));
        RealtimeHelpers.AssertJson(ExpectedEvents.NewMessageNotification(answer), Single(aliceEvents, "/user/queue/notifications", "NEW_MESSAGE"));
        Assert.All(aliceEvents.Concat(bobEvents), item => Assert.Equal("application/json", item.Str("contentType")));

        // Every SUBSCRIBE and SEND carried a receipt, and each was answered exactly once.
        Assert.Equal(
            ["alice-send-1", "alice-sub-errors", "alice-sub-notifications", "alice-sub-topic"],
            summary.GetProperty("receipts").GetProperty("alice").Items().Select(receipt => receipt.GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(
            ["bob-send-1", "bob-sub-errors", "bob-sub-notifications", "bob-sub-topic", "bob-typing-1"],
            summary.GetProperty("receipts").GetProperty("bob").Items().Select(receipt => receipt.GetString()).Order(StringComparer.Ordinal));
    }

    private static JsonElement[] Events(JsonElement summary, string client) => summary.GetProperty("events").GetProperty(client).Items();

    private static JsonElement Single(JsonElement[] events, string destination, string type)
    {
        var matches = events.Where(item => item.Str("destination") == destination && item.GetProperty("body").Str("type") == type).ToList();
        Assert.True(matches.Count == 1, $"expected one {type} on {destination}, got {matches.Count}: {string.Join(", ", events)}");
        return matches[0].GetProperty("body");
    }
}
