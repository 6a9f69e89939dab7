using Messaging.Actors.Conversations;
using Messaging.Host.Directory;

namespace Messaging.Host.Api;

// Requests carry ids as strings so that a malformed one is our 400 with a clear detail, not a binder failure.

public sealed record SendMessageRequest(string? ConversationId, string? RecipientId, string? ProductId, string? Text);

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
