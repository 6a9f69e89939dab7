using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using Messaging.Actors.Doors;
using Messaging.Actors.Stomp;

namespace Messaging.Host.Docs;

/// <summary>
/// The AsyncAPI 3.0 document of the realtime side (<c>/asyncapi/v1.json</c>): the STOMP server at <c>/ws</c>, every
/// destination, and the payload schemas, exported from the very records the server serializes with the options it
/// serializes them with, so the document cannot drift from what a client receives.
/// </summary>
public static class AsyncApiDocument
{
    public const string Path = "/asyncapi/v1.json";

    /// <summary>A message of the document: the record the server (de)serializes and, for events, the <c>type</c> it carries.</summary>
    public sealed record Message(string Name, Type Payload, string? EventType, string Summary);

    /// <summary>Who starts the exchange on a destination.</summary>
    public enum Direction
    {
        /// <summary>The client SENDs frames to it; the server receives.</summary>
        ClientSends,

        /// <summary>The client SUBSCRIBEs to it; the server sends MESSAGE frames.</summary>
        ClientSubscribes,
    }

    public sealed record Channel(string Id, string Address, Direction Direction, string Description, IReadOnlyList<Message> Messages);

    public static readonly Message NewMessage = new("NewMessage", typeof(NewMessageEvent), "NEW_MESSAGE", "A new message in the conversation, whole.");
    public static readonly Message NewMessageNotification = new("NewMessageNotification", typeof(NewMessageNotification), "NEW_MESSAGE", "A new message to the subscriber, as a preview.");
    public static readonly Message MessageRead = new("MessageRead", typeof(MessageReadEvent), "MESSAGE_READ", "The other participant (`userId`) read these messages.");
    public static readonly Message UserTyping = new("UserTyping", typeof(UserTypingEvent), "USER_TYPING", "The other participant is typing (never sent to the typist).");
    public static readonly Message ConversationBlocked = new("ConversationBlocked", typeof(BlockEvent), BlockEvent.Blocked, "The other participant blocked the conversation: nobody can send until every block is lifted.");
    public static readonly Message ConversationUnblocked = new("ConversationUnblocked", typeof(BlockEvent), BlockEvent.Unblocked, "The other participant lifted their block.");
    public static readonly Message Error = new("Error", typeof(ErrorEvent), "ERROR", "A SEND was refused; `code` is the HTTP status its REST twin answers with, `receiptId` the SEND's `receipt` header. The connection stays open.");

    public static readonly IReadOnlyList<Channel> Channels =
    [
        new("conversation", Destination.ConversationPrefix + "{conversationId}", Direction.ClientSubscribes,
            "Everything that happens in one conversation; open to its two participants only (others get an ERROR and are disconnected).",
            [NewMessage, MessageRead, UserTyping]),
        new("notifications", Destination.Notifications, Direction.ClientSubscribes,
            "What concerns the connected user in any of their conversations.",
            [NewMessageNotification, MessageRead, UserTyping, ConversationBlocked, ConversationUnblocked]),
        new("errors", Destination.Errors, Direction.ClientSubscribes,
            "Refusals of the connected user's SEND frames.",
            [Error]),
        new("messageSend", AppDestinations.MessageSend, Direction.ClientSends,
            "Sends a message, by the rules of `POST /api/messages`; a `receipt` header is answered once it is stored. `text` and either `conversationId` or `recipientId` are required.",
            [new Message("SendMessage", typeof(SendMessageRequest), null, "A message to send; `clientMessageId` makes a retry safe.")]),
        new("typingStart", AppDestinations.TypingStart, Direction.ClientSends,
            "Tells the other participant the caller is typing (at most one notice per 2 s is relayed).",
            [new Message("StartTyping", typeof(TypingRequest), null, "The conversation the caller types in.")]),
        new("messagesRead", AppDestinations.MessagesRead, Direction.ClientSends,
            "Marks messages read, by the rules of `PATCH /api/messages/mark-read`.",
            [new Message("MarkRead", typeof(MarkReadRequest), null, "The ids of the messages read (at least one).")]),
        new("conversationBlock", AppDestinations.ConversationBlock, Direction.ClientSends,
            "Blocks or unblocks a conversation, by the rules of `POST /api/conversations/{conversationId}/block`.",
            [new Message("BlockConversation", typeof(BlockConversationRequest), null, "The conversation and whether to block it.")]),
    ];

    /// <summary>
    /// The server's own options, told to honour nullable annotations: that changes nothing in what is written, only that
    /// the schema says <c>string</c> rather than <c>string or null</c> for a property that is never null.
    /// </summary>
    private static readonly JsonSerializerOptions SchemaOptions = new(DoorJson.Options)
    {
        RespectNullableAnnotations = true,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    private static readonly JsonObject Components = BuildComponents();

    /// <summary>The document, with servers at <paramref name="host"/> (as the client reached this one).</summary>
    public static JsonObject Build(string host, bool secure)
    {
        var document = new JsonObject
        {
            ["asyncapi"] = "3.0.0",
            ["info"] = new JsonObject
            {
                ["title"] = "Marketplace messaging realtime API",
                ["version"] = "1.0",
                ["description"] = "STOMP 1.2 (1.1 and 1.0 too) over WebSocket at `/ws`, and over SockJS at the same URL. The document describes the "
                    + "server: its `receive` operations are the destinations a client SENDs to, its `send` operations the destinations a client "
                    + "SUBSCRIBEs to. REST writes (" + OpenApiDocuments.OpenApiPath + ") raise the same events.",
            },
            ["defaultContentType"] = "application/json",
            ["servers"] = new JsonObject
            {
                ["websocket"] = Server(host, secure ? "wss" : "ws", "STOMP frames over a raw WebSocket (subprotocols `v12.stomp`, `v11.stomp`, `v10.stomp` or none); also at `/ws/websocket`."),
                ["sockjs"] = Server(host, secure ? "https" : "http", "SockJS 0.3 (`new SockJS('/ws')`): STOMP frames as SockJS messages over its WebSocket, xhr-streaming, xhr-polling, eventsource, htmlfile or jsonp transports."),
            },
            ["channels"] = new JsonObject(Channels.Select(channel => KeyValuePair.Create<string, JsonNode?>(channel.Id, ChannelNode(channel)))),
            ["operations"] = new JsonObject(Channels.Select(channel => KeyValuePair.Create<string, JsonNode?>(OperationId(channel), Operation(channel)))),
            ["components"] = Components.DeepClone(),
        };
        return document;
    }

    /// <summary>The server's operation on a channel: it receives what clients send, it sends what they subscribe to.</summary>
    private static string OperationId(Channel channel) => (channel.Direction == Direction.ClientSends ? "receive" : "send") + char.ToUpperInvariant(channel.Id[0]) + channel.Id[1..];

    private static JsonObject Server(string host, string protocol, string description) => new()
    {
        ["host"] = host,
        ["protocol"] = protocol,
        ["pathname"] = "/ws",
        ["description"] = description,
        ["security"] = new JsonArray(new JsonObject { ["$ref"] = "#/components/securitySchemes/bearer" }),
    };

    private static JsonObject ChannelNode(Channel channel)
    {
        var node = new JsonObject
        {
            ["address"] = channel.Address,
            ["description"] = channel.Description,
            ["messages"] = new JsonObject(channel.Messages.Select(message =>
                KeyValuePair.Create<string, JsonNode?>(message.Name, new JsonObject { ["$ref"] = $"#/components/messages/{message.Name}" }))),
        };
        if (channel.Address.Contains("{conversationId}", StringComparison.Ordinal))
            node["parameters"] = new JsonObject { ["conversationId"] = new JsonObject { ["description"] = "The conversation's UUID." } };
        return node;
    }

    private static JsonObject Operation(Channel channel) => new()
    {
        ["action"] = channel.Direction == Direction.ClientSends ? "receive" : "send",
        ["channel"] = new JsonObject { ["$ref"] = $"#/channels/{channel.Id}" },
        ["summary"] = channel.Direction == Direction.ClientSends ? $"A client SENDs to {channel.Address}" : $"A client SUBSCRIBEs to {channel.Address}",
        ["messages"] = new JsonArray([..channel.Messages.Select(message => new JsonObject { ["$ref"] = $"#/channels/{channel.Id}/messages/{message.Name}" })]),
    };

    private static JsonObject BuildComponents()
    {
        var messages = Channels.SelectMany(channel => channel.Messages).DistinctBy(message => message.Name).ToList();
        return new JsonObject
        {
            ["securitySchemes"] = new JsonObject
            {
                ["bearer"] = new JsonObject
                {
                    ["type"] = "http",
                    ["scheme"] = "bearer",
                    ["bearerFormat"] = "JWT",
                    ["description"] = "The REST API's token, in the CONNECT frame's `Authorization: Bearer …` (or `passcode`) header, or with the "
                        + "upgrade request: its `Authorization` header, the `access_token` query parameter, or the cookie named by `Stomp__TokenCookie`. "
                        + "A connection ends with an ERROR `token expired` when the token's `exp` passes.",
                },
            },
            ["messages"] = new JsonObject(messages.Select(message => KeyValuePair.Create<string, JsonNode?>(message.Name, new JsonObject
            {
                ["name"] = message.EventType ?? message.Name,
                ["summary"] = message.Summary,
                ["contentType"] = "application/json",
                ["payload"] = new JsonObject { ["$ref"] = $"#/components/schemas/{message.Name}" },
            }))),
            ["schemas"] = new JsonObject(messages.Select(message => KeyValuePair.Create<string, JsonNode?>(message.Name, Schema(message)))),
        };
    }

    /// <summary>
    /// The payload schema of a message. An event is written by the server, always whole: every property is required (null
    /// where the schema allows it), none other appears, and <c>type</c> is the event's constant. A request is the client's:
    /// what it omits the server refuses with a readable detail, so the schema requires nothing.
    /// </summary>
    private static JsonNode Schema(Message message)
    {
        var isEvent = message.EventType is not null;
        var schema = SchemaOptions.GetJsonSchemaAsNode(message.Payload, new JsonSchemaExporterOptions
        {
            // A payload itself is never null (the properties' own annotations still say which of them may be).
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) =>
            {
                // The timestamp converter writes ISO-8601 UTC; the exporter cannot see through a custom converter.
                if ((Nullable.GetUnderlyingType(context.TypeInfo.Type) ?? context.TypeInfo.Type) == typeof(DateTimeOffset))
                    return new JsonObject
                    {
                        ["type"] = context.TypeInfo.Type == typeof(DateTimeOffset) ? "string" : new JsonArray("string", "null"),
                        ["format"] = "date-time",
                    };
                if (node is not JsonObject { } objectSchema || objectSchema["properties"] is not JsonObject properties)
                    return node;
                if (isEvent)
                {
                    objectSchema["required"] = new JsonArray([..properties.Select(property => JsonValue.Create(property.Key))]);
                    objectSchema["additionalProperties"] = false;
                }
                else if (RequestSchemas.RequiredFields.TryGetValue(context.TypeInfo.Type, out var required))
                {
                    objectSchema["required"] = new JsonArray([..required.Select(field => JsonValue.Create(field))]);
                    foreach (var (name, property) in properties.Where(property => RequestSchemas.UuidFields.Contains(property.Key)).ToList())
                        ((property!["items"] ?? property).AsObject())["format"] = "uuid";
                }
                return node;
            },
        });
        if (message.EventType is { } eventType)
            schema["properties"]!["type"] = new JsonObject { ["type"] = "string", ["const"] = eventType };
        return schema;
    }
}
