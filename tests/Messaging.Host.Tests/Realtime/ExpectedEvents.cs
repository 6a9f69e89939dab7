using System.Text.Json.Nodes;

namespace Messaging.Host.Tests.Realtime;

/// <summary>The exact JSON bodies of the realtime events, as the spec (and Contracts.cs) define them.</summary>
public static class ExpectedEvents
{
    /// <summary>NEW_MESSAGE on a conversation topic: the whole message, exactly as REST returns it.</summary>
    public static JsonElement NewMessage(JsonElement message) => Build(new JsonObject
    {
        ["type"] = "NEW_MESSAGE",
        ["conversationId"] = message.Str("conversationId"),
        ["message"] = JsonNode.Parse(message.GetRawText()),
    });

    /// <summary>NEW_MESSAGE on the recipient's notification queue: a preview of the message.</summary>
    public static JsonElement NewMessageNotification(JsonElement message) => Build(new JsonObject
    {
        ["type"] = "NEW_MESSAGE",
        ["conversationId"] = message.Str("conversationId"),
        ["message"] = new JsonObject
        {
            ["id"] = message.Str("id"),
            ["text"] = message.Str("text"),
            ["senderId"] = message.Str("senderId"),
            ["senderName"] = message.Str("senderName"),
        },
    });

    public static JsonElement MessageRead(Guid conversationId, IEnumerable<Guid> messageIds, Guid readerId) => Build(new JsonObject
    {
        ["type"] = "MESSAGE_READ",
        ["conversationId"] = conversationId.ToString(),
        ["messageIds"] = new JsonArray([..messageIds.Select(id => (JsonNode)JsonValue.Create(id.ToString()))]),
        ["userId"] = readerId.ToString(),
    });

    public static JsonElement UserTyping(Guid conversationId, Guid typistId) => Build(new JsonObject
    {
        ["type"] = "USER_TYPING",
        ["conversationId"] = conversationId.ToString(),
        ["userId"] = typistId.ToString(),
    });

    public static JsonElement Blocked(Guid conversationId, Guid by) => Block("CONVERSATION_BLOCKED", conversationId, by);

    public static JsonElement Unblocked(Guid conversationId, Guid by) => Block("CONVERSATION_UNBLOCKED", conversationId, by);

    /// <summary>A refused SEND, on the sender's <c>/user/queue/errors</c>.</summary>
    public static JsonElement Error(int code, string message, string? receiptId) => Build(new JsonObject
    {
        ["type"] = "ERROR",
        ["code"] = code,
        ["message"] = message,
        ["receiptId"] = receiptId,
    });

    private static JsonElement Block(string type, Guid conversationId, Guid by) => Build(new JsonObject
    {
        ["type"] = type,
        ["conversationId"] = conversationId.ToString(),
        ["blockedBy"] = by.ToString(),
    });

    private static JsonElement Build(JsonObject json) => JsonSerializer.SerializeToElement(json);
}
