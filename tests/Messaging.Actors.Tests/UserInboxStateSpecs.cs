using System.Collections.Immutable;
using Messaging.Actors.Conversations;
using Messaging.Actors.Inbox;
using static Messaging.Actors.Inbox.InboxEvents;
using static Messaging.Actors.Tests.Fixtures;

namespace Messaging.Actors.Tests;

/// <summary>One user's conversation list, fed with versioned absolute summaries; pure, no actors.</summary>
public sealed class UserInboxStateSpecs
{
    private static readonly ConversationId LensChat = ConversationIdentity.For(Lens, Buyer, Seller);
    private static readonly ConversationId OtherCameraChat = ConversationIdentity.For(Camera, Buyer, OtherBuyer);

    /// <summary>The seller's view of a conversation at a version, with the unread ids as absolute values.</summary>
    public static InboxEntry Entry(ConversationId conversation, long version, DateTimeOffset? lastAt, params MessageId[] unread) =>
        new(new ConversationSummary(conversation, Camera, Buyer, lastAt is null ? null : $"text at {lastAt:O}", lastAt, unread.Length, false, false), [..unread], version);

    private static UserInboxState Record(UserInboxState state, params InboxEntry[] entries) =>
        entries.Aggregate(state, (current, entry) => current.Apply(new SummaryRecorded(state.Owner, entry)));

    private readonly UserInboxState _empty = UserInboxState.Empty(Seller);

    [Fact]
    public void Empty_inbox_lists_no_conversations()
    {
        Assert.Empty(_empty.Conversations());
        Assert.Equal(Seller, _empty.Owner);
    }

    [Fact]
    public void Recorded_summary_is_listed_as_given()
    {
        var entry = Entry(CameraChat, 2, T0, MessageNo(1));

        var inbox = Record(_empty, entry);

        Expect.Sequence([entry.Summary], inbox.Conversations());
    }

    [Fact]
    public void Newer_version_replaces_the_held_summary()
    {
        var inbox = Record(_empty, Entry(CameraChat, 2, T0, MessageNo(1)), Entry(CameraChat, 3, T0.AddMinutes(1), MessageNo(1), MessageNo(2)));

        var summary = Assert.Single(inbox.Conversations());
        Assert.Equal(2, summary.UnreadCount);
        Assert.Equal(T0.AddMinutes(1), summary.LastMessageAt);
        Assert.Equal(3, inbox.Entries[CameraChat].Version);
    }

    [Fact]
    public void Older_version_arriving_late_is_ignored()
    {
        var newer = Entry(CameraChat, 5, T0.AddMinutes(3), MessageNo(1), MessageNo(2), MessageNo(3));
        var older = Entry(CameraChat, 4, T0.AddMinutes(2), MessageNo(1), MessageNo(2));
        var inbox = Record(_empty, newer);

        Assert.False(inbox.IsNewer(older));
        Assert.Same(inbox, inbox.Apply(new SummaryRecorded(Seller, older)));
        Assert.Equal(newer.Summary, Assert.Single(inbox.Conversations()));
    }

    [Fact]
    public void Same_version_delivered_twice_is_not_counted_twice()
    {
        var entry = Entry(CameraChat, 3, T0, MessageNo(1), MessageNo(2));
        var inbox = Record(_empty, entry);

        Assert.False(inbox.IsNewer(entry));
        var again = Record(inbox, entry, entry);

        Assert.Equal(2, Assert.Single(again.Conversations()).UnreadCount);
        Expect.Sequence([MessageNo(1), MessageNo(2)], again.Entries[CameraChat].UnreadMessageIds);
    }

    [Fact]
    public void Unknown_conversation_is_always_newer()
    {
        Assert.True(_empty.IsNewer(Entry(CameraChat, 1, T0)));
        Assert.True(Record(_empty, Entry(CameraChat, 9, T0)).IsNewer(Entry(LensChat, 1, T0)));
    }

    [Fact]
    public void Conversations_are_ordered_by_last_message_newest_first()
    {
        var inbox = Record(
            _empty,
            Entry(CameraChat, 2, T0.AddMinutes(1)),
            Entry(LensChat, 2, T0.AddMinutes(3)),
            Entry(OtherCameraChat, 2, T0.AddMinutes(2)));

        Expect.Sequence([LensChat, OtherCameraChat, CameraChat], inbox.Conversations().Select(summary => summary.ConversationId));
    }

    [Fact]
    public void New_message_moves_a_conversation_to_the_top()
    {
        var inbox = Record(_empty, Entry(CameraChat, 2, T0.AddMinutes(1)), Entry(LensChat, 2, T0.AddMinutes(3)));

        inbox = Record(inbox, Entry(CameraChat, 3, T0.AddMinutes(4), MessageNo(7)));

        Expect.Sequence([CameraChat, LensChat], inbox.Conversations().Select(summary => summary.ConversationId));
    }

    [Fact]
    public void Conversation_without_messages_is_listed_last()
    {
        var inbox = Record(_empty, Entry(CameraChat, 1, lastAt: null), Entry(LensChat, 2, T0));

        Expect.Sequence([LensChat, CameraChat], inbox.Conversations().Select(summary => summary.ConversationId));
    }

    [Fact]
    public void Mark_read_plan_groups_known_unread_ids_by_conversation_and_keeps_the_rest_unknown()
    {
        var inbox = Record(
            _empty,
            Entry(CameraChat, 4, T0, MessageNo(1), MessageNo(2), MessageNo(3)),
            Entry(LensChat, 2, T0, MessageNo(10)));

        var plan = inbox.Plan([MessageNo(1), MessageNo(3), MessageNo(10), MessageNo(42), MessageNo(3), MessageNo(43)]);

        Assert.Equal(2, plan.Known.Count);
        Expect.Sequence([MessageNo(1), MessageNo(3)], plan.Known[CameraChat]);
        Expect.Sequence([MessageNo(10)], plan.Known[LensChat]);
        Expect.Sequence([MessageNo(42), MessageNo(43)], plan.Unknown);
    }

    [Fact]
    public void Mark_read_plan_of_an_empty_inbox_leaves_every_id_unknown()
    {
        var plan = _empty.Plan([MessageNo(1), MessageNo(2), MessageNo(1)]);

        Assert.Empty(plan.Known);
        Expect.Sequence([MessageNo(1), MessageNo(2)], plan.Unknown);
    }

    [Fact]
    public void Mark_read_plan_does_not_treat_already_read_ids_as_known()
    {
        var inbox = Record(_empty, Entry(CameraChat, 2, T0, MessageNo(1)), Entry(CameraChat, 3, T0)); // read since

        var plan = inbox.Plan([MessageNo(1)]);

        Assert.Empty(plan.Known);
        Expect.Sequence([MessageNo(1)], plan.Unknown);
    }

    [Fact]
    public void Inbox_restored_from_its_snapshot_lists_and_plans_exactly_as_before()
    {
        var inbox = Record(
            _empty,
            Entry(CameraChat, 4, T0.AddMinutes(1), MessageNo(1), MessageNo(2)),
            Entry(LensChat, 7, T0.AddMinutes(2), MessageNo(10)),
            Entry(OtherCameraChat, 1, lastAt: null));
        ImmutableArray<MessageId> asked = [MessageNo(2), MessageNo(10), MessageNo(99)];

        var restored = UserInboxState.FromSnapshot(inbox.ToSnapshot());

        Assert.Equal(inbox.Owner, restored.Owner);
        Expect.Sequence(inbox.Conversations(), restored.Conversations());
        Assert.Equal(inbox.Plan(asked).Known.ToDictionary(), restored.Plan(asked).Known.ToDictionary(pair => pair.Key, pair => pair.Value), new KnownComparer());
        Expect.Sequence(inbox.Plan(asked).Unknown, restored.Plan(asked).Unknown);
        Assert.All(inbox.Entries, pair => Assert.Equal(pair.Value.Version, restored.Entries[pair.Key].Version));
        Assert.False(restored.IsNewer(Entry(LensChat, 7, T0)));
    }

    private sealed class KnownComparer : IEqualityComparer<Dictionary<ConversationId, ImmutableArray<MessageId>>>
    {
        public bool Equals(Dictionary<ConversationId, ImmutableArray<MessageId>>? x, Dictionary<ConversationId, ImmutableArray<MessageId>>? y) =>
            x!.Count == y!.Count && x.All(pair => y.TryGetValue(pair.Key, out var ids) && ids.SequenceEqual(pair.Value));

        public int GetHashCode(Dictionary<ConversationId, ImmutableArray<MessageId>> obj) => obj.Count;
    }
}
