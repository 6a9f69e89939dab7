using System.Collections.Immutable;
using Messaging.Actors.Conversations;
using static Messaging.Actors.Inbox.InboxEvents;

namespace Messaging.Actors.Inbox;

/// <summary>Where the messages of a mark-read request are: known unread ones by conversation, and the rest.</summary>
public sealed record MarkReadPlan(ImmutableDictionary<ConversationId, ImmutableArray<MessageId>> Known, ImmutableArray<MessageId> Unknown);

/// <summary>
/// One user's conversation list, fed by the conversations. Pure, like <see cref="ConversationState"/>: the
/// conversations stay the authority, this only remembers the newest version of each summary it was given.
/// </summary>
public sealed record UserInboxState(UserId Owner, ImmutableDictionary<ConversationId, InboxEntry> Entries)
{
    public static UserInboxState Empty(UserId owner) => new(owner, ImmutableDictionary<ConversationId, InboxEntry>.Empty);

    /// <summary>True when the entry is newer than what the inbox holds, i.e. worth persisting.</summary>
    public bool IsNewer(InboxEntry entry) =>
        !Entries.TryGetValue(entry.Summary.ConversationId, out var held) || entry.Version > held.Version;

    /// <summary>True when the inbox does not hold the conversation yet, so recording it must be persisted.</summary>
    public bool IsNew(ConversationId conversation) => !Entries.ContainsKey(conversation);

    public UserInboxState Apply(SummaryRecorded recorded) => Record(recorded.Entry);

    /// <summary>Keeps the entry if it is newer than the one held.</summary>
    public UserInboxState Record(InboxEntry entry) =>
        IsNewer(entry) ? this with { Entries = Entries.SetItem(entry.Summary.ConversationId, entry) } : this;

    public ImmutableArray<ConversationSummary> Conversations() =>
    [
        ..Entries.Values
            .Select(entry => entry.Summary)
            .OrderByDescending(summary => summary.LastMessageAt ?? DateTimeOffset.MinValue)
            .ThenBy(summary => summary.ConversationId.Value),
    ];

    public MarkReadPlan Plan(ImmutableArray<MessageId> messageIds)
    {
        var wanted = messageIds.Distinct().ToImmutableArray();
        var known = Entries.Values
            .Select(entry => (entry.Summary.ConversationId, Ids: wanted.Where(entry.UnreadMessageIds.Contains).ToImmutableArray()))
            .Where(found => !found.Ids.IsEmpty)
            .ToImmutableDictionary(found => found.ConversationId, found => found.Ids);
        var located = known.Values.SelectMany(ids => ids).ToHashSet();
        return new MarkReadPlan(known, [..wanted.Where(id => !located.Contains(id))]);
    }

    public UserInboxSnapshot ToSnapshot() => new(Owner, [..Entries.Values]);

    public static UserInboxState FromSnapshot(UserInboxSnapshot snapshot) =>
        new(snapshot.UserId, snapshot.Entries.ToImmutableDictionary(entry => entry.Summary.ConversationId));
}

/// <summary>The stored form of <see cref="UserInboxState"/>.</summary>
public sealed record UserInboxSnapshot(UserId UserId, ImmutableArray<InboxEntry> Entries) : IWithUserId;
