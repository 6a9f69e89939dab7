using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Messaging.Actors.Inbox;

namespace Messaging.Actors.Conversations;

/// <summary>Every message routed to a conversation entity carries the id sharding routes it by.</summary>
public interface IWithConversationId
{
    ConversationId ConversationId { get; }
}

/// <summary>Marker of the events a conversation persists.</summary>
public interface IConversationEvent : IWithConversationId;

/// <summary>Marker of replies and published values that may cross nodes, so they get our serializer too.</summary>
public interface IMessagingReply;

/// <summary>
/// One chat message as stored, replied and published. Sender name and email are those known when it was sent; the
/// client's own id of the send, when it gave one, is kept so a retry finds it (it is not part of the API's message).
/// </summary>
public sealed record ChatMessage(
    MessageId Id,
    ConversationId ConversationId,
    UserId SenderId,
    UserId RecipientId,
    ProductId? ProductId,
    string Text,
    DateTimeOffset CreatedAt,
    bool Read,
    string? SenderName,
    string? SenderEmail,
    // Left out when absent, so messages without one are stored exactly as before it existed.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ClientMessageId = null);

/// <summary>How the sender is shown to the other side (from the directory, else from the token).</summary>
public sealed record SenderProfile(string? Name, string? Email);

/// <summary>A conversation as one participant sees it.</summary>
public sealed record ConversationSummary(
    ConversationId ConversationId,
    ProductId? ProductId,
    UserId ParticipantId,
    string? LastMessage,
    DateTimeOffset? LastMessageAt,
    int UnreadCount,
    bool IsBlocked,
    bool BlockedByMe) : IMessagingReply;

public static class ConversationCommands
{
    /// <summary>
    /// Send a message. <see cref="RecipientId"/> and <see cref="ProductId"/> are the sender's claim about the
    /// conversation: they start it when it does not exist yet and must match it when it does. Sent through the
    /// sender's inbox, which takes the rate-limit permit on the way. A <see cref="ClientMessageId"/> makes a retry
    /// safe: the sender's message with that id, if there is one, is the answer, and nothing new is stored.
    /// </summary>
    public sealed record SendMessage(
        ConversationId ConversationId,
        UserId SenderId,
        UserId? RecipientId,
        ProductId? ProductId,
        string Text,
        SenderProfile Sender,
        string? ClientMessageId = null) : IRateLimited
    {
        UserId IWithUserId.UserId => SenderId;
        PermitKind IRateLimited.Kind => PermitKind.Message;
    }

    public sealed record MarkRead(ConversationId ConversationId, UserId ReaderId, ImmutableArray<MessageId> MessageIds) : IWithConversationId;

    public sealed record SetBlocked(ConversationId ConversationId, UserId UserId, bool Block) : IWithConversationId;

    /// <summary>The user is typing: told to the other participant, never persisted.</summary>
    public sealed record StartTyping(ConversationId ConversationId, UserId UserId) : IRateLimited
    {
        PermitKind IRateLimited.Kind => PermitKind.Typing;
    }

    /// <summary>
    /// An inbox that recovered behind the journal asks for the user's summary again; answered (to the inbox) with
    /// <see cref="InboxCommands.RecordSummary"/>.
    /// </summary>
    public sealed record ResendSummary(ConversationId ConversationId, UserId UserId) : IWithConversationId;
}

public static class ConversationQueries
{
    /// <summary>The newest <see cref="Limit"/> messages older than <see cref="Before"/> (or the newest overall), oldest first.</summary>
    public sealed record GetMessages(ConversationId ConversationId, UserId ViewerId, int Limit, MessageId? Before) : IWithConversationId;

    public sealed record GetSummary(ConversationId ConversationId, UserId ViewerId) : IWithConversationId;

    /// <summary>Which of these ids are messages of this conversation, asked on behalf of a participant.</summary>
    public sealed record LocateMessages(ConversationId ConversationId, UserId ViewerId, ImmutableArray<MessageId> MessageIds) : IWithConversationId;
}

public static class ConversationReplies
{
    public sealed record MessageAccepted(ChatMessage Message) : IMessagingReply;

    public sealed record MessagesMarkedRead(ConversationId ConversationId, ImmutableArray<MessageId> MessageIds) : IMessagingReply;

    public sealed record BlockChanged(ConversationId ConversationId, bool Blocked, UserId BlockedBy) : IMessagingReply;

    public sealed record MessagePage(ImmutableArray<ChatMessage> Messages) : IMessagingReply;

    public sealed record MessagesLocated(ConversationId ConversationId, ImmutableArray<MessageId> MessageIds) : IMessagingReply;

    /// <summary>A typing notice was accepted; <see cref="Relayed"/> is false when it came too soon after the last one and was dropped.</summary>
    public sealed record TypingAccepted(bool Relayed) : IMessagingReply;
}

/// <summary>What conversations publish besides their persisted events.</summary>
public static class ConversationNotifications
{
    public sealed record UserTyping(ConversationId ConversationId, UserId UserId) : IMessagingReply;
}

public static class ConversationEvents
{
    public sealed record ConversationStarted(ConversationId ConversationId, ProductId? ProductId, UserId InitiatorId, UserId RecipientId, DateTimeOffset At) : IConversationEvent;

    public sealed record MessageSent(ConversationId ConversationId, ChatMessage Message) : IConversationEvent;

    public sealed record MessagesRead(ConversationId ConversationId, UserId ReaderId, ImmutableArray<MessageId> MessageIds, DateTimeOffset At) : IConversationEvent;

    public sealed record ConversationBlocked(ConversationId ConversationId, UserId BlockedBy, DateTimeOffset At) : IConversationEvent;

    public sealed record ConversationUnblocked(ConversationId ConversationId, UserId UnblockedBy, DateTimeOffset At) : IConversationEvent;
}

/// <summary>Why a command or query was refused; the doors map these to HTTP statuses and STOMP errors.</summary>
public enum RejectionReason
{
    Invalid,
    Forbidden,
    NotFound,
    /// <summary>An entity did not answer in time; the request may be retried.</summary>
    Unavailable,
    /// <summary>The caller exceeded a rate limit; <see cref="Rejection.RetryAfter"/> says when to try again.</summary>
    TooManyRequests,
}

public sealed record Rejection(RejectionReason Reason, string Detail, TimeSpan? RetryAfter = null) : IMessagingReply
{
    public static Rejection Invalid(string detail) => new(RejectionReason.Invalid, detail);
    public static Rejection Forbidden(string detail) => new(RejectionReason.Forbidden, detail);
    public static Rejection NotFound(string detail) => new(RejectionReason.NotFound, detail);
    public static Rejection Unavailable(string detail) => new(RejectionReason.Unavailable, detail, TimeSpan.FromSeconds(1));
    /// <summary>The store does not answer: retrying sooner than the node checks it again (every second, 2 s patience) would not help.</summary>
    public static readonly Rejection StoreUnavailable = new(RejectionReason.Unavailable, "the store is unavailable; retry shortly", TimeSpan.FromSeconds(5));
    public static Rejection TooManyRequests(string detail, TimeSpan retryAfter) => new(RejectionReason.TooManyRequests, detail, retryAfter);
}
