using System.Text.Json.Serialization;
using Messaging.Actors.Conversations;

namespace Messaging.Actors.Doors;

// Requests carry ids as strings so that a malformed one is our 400 with a clear detail, not a binder failure.

/// <summary>A send over either door. <c>clientMessageId</c>, optional, is the client's own id of it: a retry with the same one is answered with the stored message.</summary>
public sealed record SendMessageRequest(string? ConversationId, string? RecipientId, string? ProductId, string? Text, string? ClientMessageId = null);

public sealed record MarkReadRequest(List<string?>? MessageIds);

public sealed record BlockRequest(bool? Block);

public sealed record MessageResponse(
    Guid Id,
    Guid ConversationId,
    Guid SenderId,
    Guid RecipientId,
    Guid? ProductId,
    string Text,
    DateTimeOffset CreatedAt,
    bool Read,
    string? SenderName,
    string? SenderEmail)
{
    public static MessageResponse From(ChatMessage message) => new(
        message.Id.Value, message.ConversationId.Value, message.SenderId.Value, message.RecipientId.Value, message.ProductId?.Value,
        message.Text, message.CreatedAt, message.Read, message.SenderName, message.SenderEmail);
}

public sealed record ConversationResponse(
    Guid Id,
    Guid? ProductId,
    string? ProductTitle,
    string? ProductImage,
    Guid ParticipantId,
    string? ParticipantName,
    string? ParticipantEmail,
    string? LastMessage,
    DateTimeOffset? LastMessageAt,
    int UnreadCount,
    bool IsBlocked,
    bool BlockedByMe)
{
    public static ConversationResponse From(ConversationView view) => new(
        view.Summary.ConversationId.Value, view.Summary.ProductId?.Value, view.Product?.Title, view.Product?.ImageUrl,
        view.Summary.ParticipantId.Value, view.Participant?.Name, view.Participant?.Email,
        view.Summary.LastMessage, view.Summary.LastMessageAt, view.Summary.UnreadCount, view.Summary.IsBlocked, view.Summary.BlockedByMe);
}

public sealed record MarkReadResponse(int UpdatedCount);

public sealed record BlockResponse(Guid ConversationId, bool Blocked, Guid BlockedBy);

/// <summary>A conversation summary with the directory's names for its product and the other participant.</summary>
public sealed record ConversationView(ConversationSummary Summary, ProductInfo? Product, UserProfile? Participant);

// Realtime events, with the bodies the spec shows.

public sealed record MessagePreview(Guid Id, string Text, Guid SenderId, string? SenderName);

/// <summary>NEW_MESSAGE on a conversation topic: the whole message.</summary>
public sealed record NewMessageEvent(Guid ConversationId, MessageResponse Message)
{
    [JsonPropertyOrder(-1)]
    public string Type => "NEW_MESSAGE";
}

/// <summary>NEW_MESSAGE on the recipient's notification queue: a preview.</summary>
public sealed record NewMessageNotification(Guid ConversationId, MessagePreview Message)
{
    [JsonPropertyOrder(-1)]
    public string Type => "NEW_MESSAGE";
}

public sealed record MessageReadEvent(Guid ConversationId, Guid[] MessageIds, Guid UserId)
{
    [JsonPropertyOrder(-1)]
    public string Type => "MESSAGE_READ";
}

public sealed record UserTypingEvent(Guid ConversationId, Guid UserId)
{
    [JsonPropertyOrder(-1)]
    public string Type => "USER_TYPING";
}

public sealed record BlockEvent([property: JsonPropertyOrder(-1)] string Type, Guid ConversationId, Guid BlockedBy)
{
    public const string Blocked = "CONVERSATION_BLOCKED";
    public const string Unblocked = "CONVERSATION_UNBLOCKED";
}

/// <summary>A refused realtime request, on the sender's <c>/user/queue/errors</c>.</summary>
public sealed record ErrorEvent(int Code, string Message, string? ReceiptId)
{
    [JsonPropertyOrder(-1)]
    public string Type => "ERROR";
}

// Realtime requests that have no REST twin body.

public sealed record TypingRequest(string? ConversationId);

public sealed record BlockConversationRequest(string? ConversationId, bool? Block);
