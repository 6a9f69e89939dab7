using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.TestKit;
using Messaging.Actors.Conversations;
using Messaging.Actors.Inbox;
using Xunit.Abstractions;
using static Messaging.Actors.Conversations.ConversationQueries;
using static Messaging.Actors.Conversations.ConversationReplies;
using static Messaging.Actors.Inbox.InboxCommands;
using static Messaging.Actors.Inbox.InboxQueries;
using static Messaging.Actors.Inbox.InboxReplies;
using static Messaging.Actors.Tests.Fixtures;

namespace Messaging.Actors.Tests;

/// <summary>The seller's inbox entity, with a TestProbe standing in for the conversation shard region.</summary>
public sealed class UserInboxActorSpecs : Akka.TestKit.Xunit2.TestKit
{
    // A generous AskTimeout: the fan-out must not give up while a loaded test machine is slow to answer for the probe.
    private static readonly MessagingSettings Settings = new() { InboxAckTimeout = TimeSpan.FromSeconds(2), AskTimeout = TimeSpan.FromSeconds(20) };
    private static readonly ConversationId LensChat = ConversationIdentity.For(Lens, Buyer, Seller);
    private static readonly ConversationId OtherChat = ConversationIdentity.For(Camera, OtherBuyer, Seller);

    private readonly TestProbe _conversations;
    private readonly TestProbe _inboxRegion;
    private readonly TestProbe _client;

    public UserInboxActorSpecs(ITestOutputHelper output) : base(TestConfig.Config, nameof(UserInboxActorSpecs), output)
    {
        _conversations = CreateTestProbe("conversations");
        _inboxRegion = CreateTestProbe("inbox-region");
        _client = CreateTestProbe("client");
    }

    private IActorRef StartInbox(MessagingSettings? settings = null) =>
        Sys.ActorOf(UserInboxActor.PropsFor(Seller.ToString(), settings ?? Settings, () => _conversations.Ref, () => _inboxRegion.Ref, TestMeters.Unobserved));

    private static InboxEntry Entry(ConversationId conversation, long version, DateTimeOffset? lastAt, params MessageId[] unread) =>
        UserInboxStateSpecs.Entry(conversation, version, lastAt, unread);

    private SummaryAcknowledged Record(IActorRef inbox, InboxEntry entry)
    {
        _client.Send(inbox, new RecordSummary(Seller, entry));
        return _client.ExpectMsg<SummaryAcknowledged>();
    }

    private ImmutableArray<ConversationSummary> List(IActorRef inbox)
    {
        _client.Send(inbox, new GetConversations(Seller));
        return _client.ExpectMsg<ConversationList>().Conversations;
    }

    /// <summary>Stops the inbox without letting it save anything, as a node that dies does.</summary>
    private void Crash(ref IActorRef inbox, MessagingSettings? settings = null)
    {
        Watch(inbox);
        Sys.Stop(inbox);
        ExpectTerminated(inbox);
        inbox = StartInbox(settings);
    }

    /// <summary>Passivation or hand-off: the message sharding sends.</summary>
    private void StopCleanly(IActorRef inbox)
    {
        Watch(inbox);
        inbox.Tell(StopEntity.Instance);
        ExpectTerminated(inbox, TimeSpan.FromSeconds(5));
    }


    [Fact]
    public void Recorded_summary_is_acknowledged_with_its_version_and_listed()
    {
        var inbox = StartInbox();
        var entry = Entry(CameraChat, 2, T0, MessageNo(1));

        var ack = Record(inbox, entry);

        Assert.Equal(new SummaryAcknowledged(Seller, CameraChat, 2), ack);
        Assert.Equal(entry.Summary, Assert.Single(List(inbox)));
    }

    [Fact]
    public void Summary_delivered_twice_is_acknowledged_twice_and_counted_once()
    {
        var inbox = StartInbox();
        var entry = Entry(CameraChat, 3, T0, MessageNo(1), MessageNo(2));

        Assert.Equal(3, Record(inbox, entry).Version);
        Assert.Equal(3, Record(inbox, entry).Version);

        var summary = Assert.Single(List(inbox));
        Assert.Equal(2, summary.UnreadCount);
    }

    [Fact]
    public void Older_summary_arriving_late_is_acknowledged_but_does_not_replace_the_newer_one()
    {
        var inbox = StartInbox();
        var newer = Entry(CameraChat, 5, T0.AddMinutes(2), MessageNo(1), MessageNo(2), MessageNo(3));
        Record(inbox, newer);

        Assert.Equal(new SummaryAcknowledged(Seller, CameraChat, 4), Record(inbox, Entry(CameraChat, 4, T0.AddMinutes(1), MessageNo(1))));

        Assert.Equal(newer.Summary, Assert.Single(List(inbox)));
    }

    [Fact]
    public void Inbox_stopped_by_passivation_lists_the_same_after_a_restart_without_asking_its_conversations()
    {
        var inbox = StartInbox();
        Record(inbox, Entry(CameraChat, 2, T0, MessageNo(1)));
        Record(inbox, Entry(LensChat, 4, T0.AddMinutes(1), MessageNo(10), MessageNo(11)));
        Record(inbox, Entry(CameraChat, 3, T0.AddMinutes(2)));
        var before = List(inbox);

        StopCleanly(inbox);
        inbox = StartInbox();

        Expect.Sequence(before, List(inbox));
        Assert.Equal([0, 2], List(inbox).Select(summary => summary.UnreadCount).ToArray());
        _conversations.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Inbox_that_crashed_asks_every_conversation_to_resend_its_summary_before_it_answers_a_list()
    {
        var inbox = StartInbox();
        Record(inbox, Entry(CameraChat, 2, T0, MessageNo(1)));
        Record(inbox, Entry(LensChat, 2, T0.AddMinutes(1), MessageNo(10)));

        Crash(ref inbox);
        _client.Send(inbox, new GetConversations(Seller));

        var resends = new[] { _conversations.ExpectMsg<ConversationCommands.ResendSummary>(), _conversations.ExpectMsg<ConversationCommands.ResendSummary>() };
        Assert.Equal([CameraChat, LensChat], resends.Select(resend => resend.ConversationId).OrderBy(id => id == CameraChat ? 0 : 1).ToArray());
        Assert.All(resends, resend => Assert.Equal(Seller, resend.UserId));
        _client.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // the list waits for the conversations
        // Both changed while the inbox was down: the camera chat got two more messages, the lens chat was read.
        inbox.Tell(new RecordSummary(Seller, Entry(CameraChat, 4, T0.AddMinutes(3), MessageNo(1), MessageNo(2), MessageNo(3))), _conversations.Ref);
        inbox.Tell(new RecordSummary(Seller, Entry(LensChat, 3, T0.AddMinutes(1))), _conversations.Ref);

        var list = _client.ExpectMsg<ConversationList>().Conversations;
        Assert.Equal([(CameraChat, 3), (LensChat, 0)], list.Select(summary => (summary.ConversationId, summary.UnreadCount)).ToArray());
    }

    [Fact]
    public void Summaries_recorded_after_a_clean_restart_are_asked_for_again_after_a_later_crash()
    {
        var inbox = StartInbox();
        Record(inbox, Entry(CameraChat, 2, T0, MessageNo(1)));
        StopCleanly(inbox);
        inbox = StartInbox();
        Record(inbox, Entry(CameraChat, 3, T0.AddMinutes(1), MessageNo(1), MessageNo(2)));

        Crash(ref inbox);
        _client.Send(inbox, new GetConversations(Seller));

        Assert.Equal(new ConversationCommands.ResendSummary(CameraChat, Seller), _conversations.ExpectMsg<ConversationCommands.ResendSummary>());
        inbox.Tell(new RecordSummary(Seller, Entry(CameraChat, 3, T0.AddMinutes(1), MessageNo(1), MessageNo(2))), _conversations.Ref);
        Assert.Equal(2, Assert.Single(_client.ExpectMsg<ConversationList>().Conversations).UnreadCount);
    }

    [Fact]
    public void Refresh_that_a_conversation_never_answers_ends_after_the_inbox_ack_timeout_with_what_the_inbox_holds()
    {
        var settings = Settings with { InboxAckTimeout = TimeSpan.FromMilliseconds(300) };
        var inbox = StartInbox(settings);
        Record(inbox, Entry(CameraChat, 2, T0, MessageNo(1)));

        Crash(ref inbox, settings);
        _client.Send(inbox, new GetConversations(Seller));
        _conversations.ExpectMsg<ConversationCommands.ResendSummary>(); // and never answered

        var list = _client.ExpectMsg<ConversationList>(TimeSpan.FromSeconds(5)).Conversations;
        Assert.Equal((CameraChat, 1), (Assert.Single(list).ConversationId, list[0].UnreadCount));
    }

    [Fact]
    public void Conversation_that_did_not_resend_its_summary_in_time_is_asked_again_until_it_does()
    {
        var settings = Settings with { InboxAckTimeout = TimeSpan.FromMilliseconds(300) };
        var inbox = StartInbox(settings);
        Record(inbox, Entry(CameraChat, 2, T0, MessageNo(1)));
        Crash(ref inbox, settings);
        _client.Send(inbox, new GetConversations(Seller));
        _conversations.ExpectMsg<ConversationCommands.ResendSummary>();
        _client.ExpectMsg<ConversationList>(TimeSpan.FromSeconds(5)); // answered with what it holds after the deadline

        Assert.Equal(new ConversationCommands.ResendSummary(CameraChat, Seller), _conversations.ExpectMsg<ConversationCommands.ResendSummary>(TimeSpan.FromSeconds(5)));
        inbox.Tell(new RecordSummary(Seller, Entry(CameraChat, 3, T0.AddMinutes(1), MessageNo(1), MessageNo(2))), _conversations.Ref);
        _conversations.ExpectMsg<SummaryAcknowledged>();

        Assert.Equal(2, Assert.Single(List(inbox)).UnreadCount);
        _conversations.ExpectNoMsg(TimeSpan.FromMilliseconds(600)); // asked no more once it answered
    }

    [Fact]
    public void Inbox_stopped_while_refreshing_hands_its_held_requests_back_to_the_region_for_the_next_incarnation()
    {
        var inbox = StartInbox();
        Record(inbox, Entry(CameraChat, 2, T0, MessageNo(1)));
        Crash(ref inbox);
        _client.Send(inbox, new GetConversations(Seller));
        _conversations.ExpectMsg<ConversationCommands.ResendSummary>(); // not answered before the hand-off

        StopCleanly(inbox);

        Assert.Equal(new GetConversations(Seller), _inboxRegion.ExpectMsg<GetConversations>());
        Assert.Equal(_client.Ref, _inboxRegion.LastSender);
    }

    [Fact]
    public void Inbox_stopped_while_refreshing_saves_no_snapshot_so_the_next_recovery_refreshes_again()
    {
        var inbox = StartInbox();
        Record(inbox, Entry(CameraChat, 2, T0, MessageNo(1)));
        Crash(ref inbox);
        _client.Send(inbox, new GetConversations(Seller));
        _conversations.ExpectMsg<ConversationCommands.ResendSummary>();
        StopCleanly(inbox);
        inbox = StartInbox();

        _client.Send(inbox, new GetConversations(Seller));

        Assert.Equal(new ConversationCommands.ResendSummary(CameraChat, Seller), _conversations.ExpectMsg<ConversationCommands.ResendSummary>());
        inbox.Tell(new RecordSummary(Seller, Entry(CameraChat, 4, T0.AddMinutes(1), MessageNo(1), MessageNo(2), MessageNo(3))), _conversations.Ref);
        Assert.Equal(3, Assert.Single(_client.ExpectMsg<ConversationList>().Conversations).UnreadCount);
    }

    [Fact]
    public void Request_reaching_an_inbox_that_is_saving_its_snapshot_to_stop_goes_back_to_the_region()
    {
        var inbox = StartInbox();
        Record(inbox, Entry(CameraChat, 2, T0, MessageNo(1)));
        Record(inbox, Entry(CameraChat, 3, T0.AddMinutes(1), MessageNo(1), MessageNo(2)));

        Watch(inbox);
        inbox.Tell(StopEntity.Instance);
        _client.Send(inbox, new GetConversations(Seller));
        ExpectTerminated(inbox, TimeSpan.FromSeconds(5));

        Assert.Equal(new GetConversations(Seller), _inboxRegion.ExpectMsg<GetConversations>());
        Assert.Equal(_client.Ref, _inboxRegion.LastSender);
        _client.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Only_a_new_conversation_and_the_first_summary_after_a_snapshot_are_written_to_the_journal()
    {
        var inbox = StartInbox();
        for (var version = 2; version <= 20; version++)
            Record(inbox, Entry(CameraChat, version, T0.AddMinutes(version), MessageNo(version)));

        var events = this.JournalOf($"inbox-{Seller}");

        Assert.Equal([typeof(InboxEvents.SummaryRecorded)], events.Select(evt => evt.GetType()).ToArray());
        StopCleanly(inbox);
        inbox = StartInbox();
        Record(inbox, Entry(CameraChat, 21, T0.AddMinutes(21)));
        Record(inbox, Entry(CameraChat, 22, T0.AddMinutes(22)));
        Assert.Equal([typeof(InboxEvents.SummaryRecorded), typeof(InboxEvents.SummariesInMemory)],
            this.JournalOf($"inbox-{Seller}").Select(evt => evt.GetType()).ToArray());
    }

    [Fact]
    public void Many_new_conversations_arriving_at_once_are_all_recorded_acknowledged_and_listed()
    {
        var inbox = StartInbox();
        var conversations = Enumerable.Range(1, 50).Select(n => ConversationIdentity.For(new ProductId(Guid.NewGuid()), Buyer, Seller)).ToList();

        foreach (var conversation in conversations)
            _client.Send(inbox, new RecordSummary(Seller, Entry(conversation, 2, T0, MessageNo(1))));

        var acknowledged = Enumerable.Range(1, 50).Select(_ => _client.ExpectMsg<SummaryAcknowledged>().ConversationId).ToHashSet();
        Assert.True(acknowledged.SetEquals(conversations));
        Assert.Equal(50, List(inbox).Length);
        Assert.Equal(50, this.JournalOf($"inbox-{Seller}").Count);
    }

    [Fact]
    public void Conversations_are_listed_most_recent_first()
    {
        var inbox = StartInbox();
        Record(inbox, Entry(CameraChat, 2, T0.AddMinutes(1)));
        Record(inbox, Entry(LensChat, 2, T0.AddMinutes(3)));
        Record(inbox, Entry(OtherChat, 2, T0.AddMinutes(2)));

        Assert.Equal([LensChat, OtherChat, CameraChat], List(inbox).Select(summary => summary.ConversationId).ToArray());
    }

    [Fact]
    public void Empty_inbox_lists_nothing()
    {
        Assert.Empty(List(StartInbox()));
    }

    // ---- mark-read fan-out ----

    [Fact]
    public void Known_unread_messages_are_marked_read_in_their_conversations_without_searching()
    {
        var inbox = StartInbox();
        Record(inbox, Entry(CameraChat, 2, T0, MessageNo(1), MessageNo(2)));
        Record(inbox, Entry(LensChat, 2, T0, MessageNo(10)));

        _client.Send(inbox, new MarkRead(Seller, [MessageNo(1), MessageNo(10)]));

        var asks = new List<ConversationCommands.MarkRead>();
        for (var ask = 0; ask < 2; ask++)
        {
            asks.Add(_conversations.ExpectMsg<ConversationCommands.MarkRead>());
            _conversations.Reply(new MessagesMarkedRead(asks[^1].ConversationId, asks[^1].MessageIds));
        }
        Assert.Equal(new MarkedRead(2), _client.ExpectMsg<MarkedRead>());
        _conversations.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // in particular no LocateMessages
        Assert.Equal(
            [(CameraChat, MessageNo(1)), (LensChat, MessageNo(10))],
            asks.Select(ask => (ask.ConversationId, Assert.Single(ask.MessageIds))).OrderBy(pair => pair.ConversationId == CameraChat ? 0 : 1).ToArray());
        Assert.All(asks, ask => Assert.Equal(Seller, ask.ReaderId));
    }

    [Fact]
    public void Mark_read_answers_the_number_of_messages_the_conversations_marked()
    {
        var inbox = StartInbox();
        Record(inbox, Entry(CameraChat, 2, T0, MessageNo(1), MessageNo(2)));
        Record(inbox, Entry(LensChat, 2, T0, MessageNo(10)));

        _client.Send(inbox, new MarkRead(Seller, [MessageNo(1), MessageNo(2), MessageNo(10)]));

        for (var ask = 0; ask < 2; ask++)
        {
            var markRead = _conversations.ExpectMsg<ConversationCommands.MarkRead>();
            _conversations.Reply(new MessagesMarkedRead(markRead.ConversationId, markRead.MessageIds));
        }
        Assert.Equal(new MarkedRead(3), _client.ExpectMsg<MarkedRead>());
    }

    [Fact]
    public void Ids_the_inbox_does_not_know_are_located_in_the_readers_conversations_first()
    {
        var inbox = StartInbox();
        Record(inbox, Entry(CameraChat, 3, T0, MessageNo(1)));
        Record(inbox, Entry(LensChat, 2, T0)); // nothing unread: MessageNo(11) is the seller's own, or read already

        _client.Send(inbox, new MarkRead(Seller, [MessageNo(1), MessageNo(11)]));

        var located = new Dictionary<ConversationId, LocateMessages>();
        for (var ask = 0; ask < 2; ask++)
        {
            var locate = _conversations.ExpectMsg<LocateMessages>();
            located[locate.ConversationId] = locate;
            _conversations.Reply(new MessagesLocated(locate.ConversationId, locate.ConversationId == LensChat ? [MessageNo(11)] : []));
        }
        Assert.Equal([CameraChat, LensChat], located.Keys.OrderBy(id => id == CameraChat ? 0 : 1).ToArray());
        Assert.All(located.Values, locate => Assert.Equal([MessageNo(11)], locate.MessageIds.ToArray()));
        Assert.All(located.Values, locate => Assert.Equal(Seller, locate.ViewerId));

        var marks = new Dictionary<ConversationId, ImmutableArray<MessageId>>();
        for (var ask = 0; ask < 2; ask++)
        {
            var markRead = _conversations.ExpectMsg<ConversationCommands.MarkRead>();
            marks[markRead.ConversationId] = markRead.MessageIds;
            // the seller's own message in the lens chat is not addressed to them: it counts zero
            _conversations.Reply(new MessagesMarkedRead(markRead.ConversationId, markRead.ConversationId == CameraChat ? markRead.MessageIds : []));
        }
        Assert.Equal([MessageNo(1)], marks[CameraChat].ToArray());
        Assert.Equal([MessageNo(11)], marks[LensChat].ToArray());
        Assert.Equal(new MarkedRead(1), _client.ExpectMsg<MarkedRead>());
    }

    [Fact]
    public void Ids_found_in_none_of_the_readers_conversations_are_forbidden()
    {
        var inbox = StartInbox();
        Record(inbox, Entry(CameraChat, 2, T0, MessageNo(1)));

        _client.Send(inbox, new MarkRead(Seller, [MessageNo(1), MessageNo(666)]));

        var locate = _conversations.ExpectMsg<LocateMessages>();
        Assert.Equal([MessageNo(666)], locate.MessageIds.ToArray());
        _conversations.Reply(new MessagesLocated(CameraChat, []));

        var rejection = _client.ExpectMsg<Rejection>();
        Assert.Equal(RejectionReason.Forbidden, rejection.Reason);
        _conversations.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // nothing at all is marked
    }

    [Fact]
    public void Mark_read_in_an_empty_inbox_is_forbidden_without_asking_anyone()
    {
        var inbox = StartInbox();

        _client.Send(inbox, new MarkRead(Seller, [MessageNo(1)]));

        Assert.Equal(RejectionReason.Forbidden, _client.ExpectMsg<Rejection>().Reason);
        _conversations.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Conversation_that_does_not_answer_makes_mark_read_unavailable_before_the_door_gives_up()
    {
        var settings = Settings with { InboxAckTimeout = TimeSpan.FromMilliseconds(200), AskTimeout = TimeSpan.FromMilliseconds(800) };
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var inbox = StartInbox(settings);
        Record(inbox, Entry(CameraChat, 2, T0, MessageNo(1)));

        _client.Send(inbox, new MarkRead(Seller, [MessageNo(1)]));
        _conversations.ExpectMsg<ConversationCommands.MarkRead>(); // and never answered

        // The fan-out gives up after its budget, less than the door's AskTimeout; a loaded machine may deliver it later.
        var rejection = _client.ExpectMsg<Rejection>(TimeSpan.FromSeconds(10));
        Assert.Equal(RejectionReason.Unavailable, rejection.Reason);
        Assert.True(stopwatch.Elapsed >= settings.MarkReadBudget - TimeSpan.FromMilliseconds(50), $"gave up after {stopwatch.Elapsed}, before its budget");
        Assert.True(settings.MarkReadBudget < settings.AskTimeout);
    }

    [Fact]
    public void Conversation_refusing_the_mark_read_is_passed_on_to_the_reader()
    {
        var inbox = StartInbox();
        Record(inbox, Entry(CameraChat, 2, T0, MessageNo(1)));

        _client.Send(inbox, new MarkRead(Seller, [MessageNo(1)]));
        _conversations.ExpectMsg<ConversationCommands.MarkRead>();
        _conversations.Reply(Rejection.Forbidden("not a participant of this conversation"));

        Assert.Equal(RejectionReason.Forbidden, _client.ExpectMsg<Rejection>().Reason);
    }

    [Fact]
    public void Idle_inbox_asks_its_parent_to_passivate_it()
    {
        var inbox = ChildActorOf(UserInboxActor.PropsFor(Seller.ToString(), Settings with { PassivateAfter = TimeSpan.FromMilliseconds(300) }, () => _conversations.Ref, () => _inboxRegion.Ref, TestMeters.Unobserved));

        var passivate = ExpectMsg<Passivate>(TimeSpan.FromSeconds(3));

        Assert.IsType<StopEntity>(passivate.StopMessage);
        Assert.Equal(inbox, LastSender);
    }
}
