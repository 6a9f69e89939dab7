using System.Collections.Immutable;
using Messaging.Actors.Conversations;

namespace Messaging.Actors.Inbox;

/// <summary>Every message routed to a user's inbox entity carries the id sharding routes it by.</summary>
public interface IWithUserId
{
    UserId UserId { get; }
}

/// <summary>Marker of the events an inbox persists.</summary>
public interface IInboxEvent : IWithUserId;

/// <summary>
/// One conversation as the inbox owner sees it, at <see cref="Version"/> (the conversation's sequence number).
/// Values are absolute, never deltas, so a repeated or replayed update can not count anything twice.
/// </summary>
public sealed record InboxEntry(ConversationSummary Summary, ImmutableArray<MessageId> UnreadMessageIds, long Version);

public static class InboxCommands
{
    /// <summary>Sent by a conversation after each change it persisted; answered with <see cref="InboxReplies.SummaryAcknowledged"/>.</summary>
    public sealed record RecordSummary(UserId UserId, InboxEntry Entry) : IWithUserId;

    /// <summary>May the user act now? Answered with <see cref="InboxReplies.PermitGranted"/> or a TooManyRequests rejection.</summary>
    public sealed record AcquirePermit(UserId UserId, PermitKind Kind) : IWithUserId;

    /// <summary>Mark messages addressed to <see cref="UserId"/> as read, wherever they are.</summary>
    public sealed record MarkRead(UserId UserId, ImmutableArray<MessageId> MessageIds) : IWithUserId;
}

/// <summary>The rate-limited actions, each with its own limit, counted per user across every door and node.</summary>
public enum PermitKind
{
    Message,
    Typing,
}

public static class InboxQueries
{
    public sealed record GetConversations(UserId UserId) : IWithUserId;
}

public static class InboxEvents
{
    public sealed record SummaryRecorded(UserId UserId, InboxEntry Entry) : IInboxEvent;
}

public static class InboxReplies
{
    /// <summary>The inbox durably holds the conversation at this version. Goes back to the conversation entity.</summary>
    public sealed record SummaryAcknowledged(UserId UserId, ConversationId ConversationId, long Version) : IWithConversationId;

    /// <summary>The owner's conversations, most recent first.</summary>
    public sealed record ConversationList(ImmutableArray<ConversationSummary> Conversations) : IMessagingReply;

    public sealed record MarkedRead(int UpdatedCount) : IMessagingReply;

    public sealed record PermitGranted(PermitKind Kind) : IMessagingReply;
}
