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
/// A conversation command that costs its user a permit of <see cref="Kind"/>. It is sent to the user's inbox, which
/// counts it against the user's limit and forwards it to the conversation (the conversation answers the asker).
/// </summary>
public interface IRateLimited : IWithUserId, IWithConversationId
{
    PermitKind Kind { get; }
}

/// <summary>
/// One conversation as the inbox owner sees it, at <see cref="Version"/> (the conversation's sequence number).
/// Values are absolute, never deltas, so a repeated or replayed update can not count anything twice.
/// </summary>
public sealed record InboxEntry(ConversationSummary Summary, ImmutableHashSet<MessageId> UnreadMessageIds, long Version);

public static class InboxCommands
{
    /// <summary>Sent by a conversation after each change it persisted; answered with <see cref="InboxReplies.SummaryAcknowledged"/>.</summary>
    public sealed record RecordSummary(UserId UserId, InboxEntry Entry) : IWithUserId;

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
    /// <summary>
    /// The inbox holds this conversation. Persisted when a conversation is new to the inbox; later summaries of it
    /// live in memory (the conversation's journal is their durable record) and reach the journal only in snapshots.
    /// </summary>
    public sealed record SummaryRecorded(UserId UserId, InboxEntry Entry) : IInboxEvent;

    /// <summary>
    /// Summaries newer than the last snapshot are held in memory only. Written before the first such summary is
    /// acknowledged, so a recovery that finds it after the newest snapshot knows to ask its conversations again.
    /// </summary>
    public sealed record SummariesInMemory(UserId UserId) : IInboxEvent;
}

public static class InboxReplies
{
    /// <summary>The inbox holds the conversation at this version. Goes back to the conversation entity.</summary>
    public sealed record SummaryAcknowledged(UserId UserId, ConversationId ConversationId, long Version) : IWithConversationId;

    /// <summary>The owner's conversations, most recent first.</summary>
    public sealed record ConversationList(ImmutableArray<ConversationSummary> Conversations) : IMessagingReply;

    public sealed record MarkedRead(int UpdatedCount) : IMessagingReply;
}
