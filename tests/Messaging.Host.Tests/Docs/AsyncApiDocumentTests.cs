using System.Reflection;
using System.Text.Json.Nodes;
using Messaging.Actors.Doors;
using Messaging.Actors.Stomp;
using Messaging.Host.Docs;
using Messaging.Host.Tests.Realtime;
using static Messaging.Host.Tests.Realtime.RealtimeHelpers;

namespace Messaging.Host.Tests.Docs;

/// <summary>
/// <c>/asyncapi/v1.json</c> against the records and a running host: every event record and destination is in the
/// document, and every event a subscriber really receives has exactly the properties its schema declares.
/// </summary>
[Collection(RealtimeMessagingCollection.Name)]
public sealed class AsyncApiDocumentTests(RealtimeHostFixture fixture)
{
    private MessagingHost Host => fixture.Host;

    private Task<JsonNode> Document() => ServedDocuments.Get(Host, AsyncApiDocument.Path);

    [Fact]
    public async Task The_document_is_AsyncAPI_3_with_the_STOMP_server_at_ws_behind_the_bearer_scheme()
    {
        var document = await Document();

        Assert.Equal("3.0.0", document["asyncapi"]!.GetValue<string>());
        var websocket = document["servers"]!["websocket"]!;
        Assert.Equal("ws", websocket["protocol"]!.GetValue<string>());
        Assert.Equal(Host.Server.BaseAddress.Authority, websocket["host"]!.GetValue<string>());
        Assert.Equal("/ws", websocket["pathname"]!.GetValue<string>());
        var scheme = SchemaAssert.Resolve(document, websocket["security"]![0]!["$ref"]!.GetValue<string>());
        Assert.Equal("bearer", scheme["scheme"]!.GetValue<string>());
    }

    [Fact]
    public void Every_event_record_the_server_writes_is_the_payload_of_a_documented_message()
    {
        // The realtime events are the records of the doors' contract that carry a "type".
        var eventRecords = typeof(ErrorEvent).Assembly.GetTypes()
            .Where(type => type.Namespace == typeof(ErrorEvent).Namespace && type.GetProperty("Type", BindingFlags.Public | BindingFlags.Instance)?.PropertyType == typeof(string))
            .Order(Comparer<Type>.Create((a, b) => string.CompareOrdinal(a.Name, b.Name)));
        var documented = AsyncApiDocument.Channels.SelectMany(channel => channel.Messages).Where(message => message.EventType is not null)
            .Select(message => message.Payload).Distinct().Order(Comparer<Type>.Create((a, b) => string.CompareOrdinal(a.Name, b.Name)));

        Assert.Equal(eventRecords, documented);
    }

    [Fact]
    public async Task Every_destination_a_client_sends_to_or_subscribes_to_is_a_channel_with_the_servers_operation()
    {
        var document = await Document();
        var sendDestinations = typeof(AppDestinations).GetFields(BindingFlags.Public | BindingFlags.Static).Select(field => (string)field.GetRawConstantValue()!);
        string[] subscribeDestinations = [Destination.ConversationPrefix + "{conversationId}", Destination.Notifications, Destination.Errors];

        var actions = document["operations"]!.AsObject().ToDictionary(
            operation => SchemaAssert.Resolve(document, operation.Value!["channel"]!["$ref"]!.GetValue<string>())["address"]!.GetValue<string>(),
            operation => operation.Value!["action"]!.GetValue<string>());

        Assert.Equal(sendDestinations.Select(destination => (destination, "receive")).Concat(subscribeDestinations.Select(destination => (destination, "send"))).Order(),
            actions.Select(action => (action.Key, action.Value)).Order());
    }

    [Fact]
    public async Task Every_reference_in_the_document_resolves()
    {
        var document = await Document();

        var references = References(document).ToList();

        Assert.NotEmpty(references);
        Assert.All(references, reference => SchemaAssert.Resolve(document, reference));
    }

    [Fact]
    public async Task Every_event_a_subscriber_receives_has_exactly_its_documented_properties()
    {
        var document = await Document();
        var (alice, bob, conversationId, first) = await Conversation(Host);
        await using var aliceClient = await StompTestClient.ConnectWithQueuesAsync(alice, "alice");
        await aliceClient.SubscribeAsync(Topic(conversationId));
        await using var bobClient = await StompTestClient.ConnectWithQueuesAsync(bob, "bob");
        await bobClient.SubscribeAsync(Topic(conversationId));
        var received = new List<(StompFrame Frame, JsonElement Body)>();

        await aliceClient.SendAsync(AppDestinations.MessageSend, new { conversationId, text = "over STOMP" }, receipt: "sent");
        await aliceClient.ExpectReceiptAsync("sent");
        received.Add(await bobClient.ExpectMessageAsync(Topic(conversationId), "NEW_MESSAGE"));
        received.Add(await bobClient.ExpectMessageAsync(Destination.Notifications, "NEW_MESSAGE"));
        await aliceClient.SendAsync(AppDestinations.TypingStart, new { conversationId });
        received.Add(await bobClient.ExpectMessageAsync(Topic(conversationId), "USER_TYPING"));
        received.Add(await bobClient.ExpectMessageAsync(Destination.Notifications, "USER_TYPING"));
        await bobClient.SendAsync(AppDestinations.MessagesRead, new { messageIds = new[] { first.Id() } });
        received.Add(await aliceClient.ExpectMessageAsync(Topic(conversationId), "MESSAGE_READ"));
        received.Add(await aliceClient.ExpectMessageAsync(Destination.Notifications, "MESSAGE_READ"));
        await bobClient.SendAsync(AppDestinations.ConversationBlock, new { conversationId, block = true });
        received.Add(await aliceClient.ExpectMessageAsync(Destination.Notifications, BlockEvent.Blocked));
        await aliceClient.SendAsync(AppDestinations.MessageSend, new { conversationId, text = "still there?" }, receipt: "refused");
        received.Add(await aliceClient.ExpectMessageAsync(Destination.Errors, "ERROR"));
        await bobClient.SendAsync(AppDestinations.ConversationBlock, new { conversationId, block = false });
        received.Add(await aliceClient.ExpectMessageAsync(Destination.Notifications, BlockEvent.Unblocked));

        var covered = received.Select(message => AssertDocumented(document, message.Frame.Header("destination")!, message.Body)).ToHashSet();
        var subscribable = document["operations"]!.AsObject().Where(operation => operation.Value!["action"]!.GetValue<string>() == "send")
            .SelectMany(operation => operation.Value!["messages"]!.AsArray().Select(message => message!["$ref"]!.GetValue<string>()));
        Assert.Equal(subscribable.Order(), covered.Order()); // every documented event was received, and checked
    }

    /// <summary>The body matches the message of the destination's channel whose <c>type</c> it carries; returns that message's reference.</summary>
    private static string AssertDocumented(JsonNode document, string destination, JsonElement body)
    {
        var (channelId, channel) = document["channels"]!.AsObject()
            .Single(channel => Matches(channel.Value!["address"]!.GetValue<string>(), destination));
        var type = body.GetProperty("type").GetString();
        var candidates = channel!["messages"]!.AsObject()
            .Select(message => (Reference: $"#/channels/{channelId}/messages/{message.Key}", Payload: SchemaAssert.Resolve(document, message.Value!["$ref"]!.GetValue<string>())["payload"]!))
            .Where(message => SchemaAssert.Resolve(document, message.Payload["$ref"]!.GetValue<string>())["properties"]!["type"]!["const"]!.GetValue<string>() == type)
            .ToList();
        Assert.True(candidates.Count == 1, $"{destination}: {candidates.Count} documented messages of type {type}");
        SchemaAssert.Conforms(body, candidates[0].Payload, document, $"{type} on {destination}");
        return candidates[0].Reference;
    }

    /// <summary>A channel address (<c>/topic/conversation.{conversationId}</c>) matches a destination, its parameter any UUID.</summary>
    private static bool Matches(string address, string destination) =>
        address.Split('{') is [var prefix, var rest] ? destination.StartsWith(prefix, StringComparison.Ordinal) && Guid.TryParse(destination[prefix.Length..], out _) && rest.EndsWith('}')
            : address == destination;

    private static IEnumerable<string> References(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(property => property.Key == "$ref" ? [property.Value!.GetValue<string>()] : References(property.Value)),
        JsonArray array => array.SelectMany(References),
        _ => [],
    };
}
