using Messaging.Actors.Doors;

namespace Messaging.Host.Docs;

/// <summary>
/// What the exported schemas of the request records cannot say: the records are loose (every field optional, ids as
/// strings) so that a missing or malformed field is refused with a readable detail, yet a valid request carries these
/// fields, and its ids are UUIDs.
/// </summary>
public static class RequestSchemas
{
    public static readonly IReadOnlyDictionary<Type, string[]> RequiredFields = new Dictionary<Type, string[]>
    {
        [typeof(SendMessageRequest)] = ["text"],
        [typeof(MarkReadRequest)] = ["messageIds"],
        [typeof(BlockRequest)] = ["block"],
        [typeof(TypingRequest)] = ["conversationId"],
        [typeof(BlockConversationRequest)] = ["conversationId", "block"],
    };

    /// <summary>Request fields holding a UUID (or, for <c>messageIds</c>, an array of them).</summary>
    public static readonly IReadOnlySet<string> UuidFields = new HashSet<string> { "conversationId", "recipientId", "productId", "messageIds" };
}
