using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Persistence;
using Akka.TestKit;
using Messaging.Actors.Conversations;
using Messaging.Actors.Inbox;
using Xunit.Abstractions;
using static Messaging.Actors.Conversations.ConversationCommands;
using static Messaging.Actors.Conversations.ConversationEvents;
using static Messaging.Actors.Conversations.ConversationQueries;
using static Messaging.Actors.Conversations.ConversationReplies;
using static Messaging.Actors.Inbox.InboxCommands;
using static Messaging.Actors.Inbox.InboxReplies;
using static Messaging.Actors.Tests.Fixtures;

namespace Messaging.Actors.Tests;

/// <summary>
/// The conversation entity with TestProbes standing in for the inbox region and the DistributedPubSub mediator,
/// on the in-memory journal, every message passing through our serializer.
/// </summary>
public sealed class ConversationActorSpecs : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>Waits long for inboxes and does not retry within a test, so every wait observed is the ack wait.</summary>
    private static readonly MessagingSettings Patient = new()
    {
        InboxAckTimeout = TimeSpan.FromSeconds(20),
        InboxRetryInterval = TimeSpan.FromSeconds(20),
        AskTimeout = TimeSpan.FromSeconds(30),
    };

    private readonly TestProbe _inboxes;
    private readonly TestProbe _mediator;
    private readonly TestProbe _client;

    public ConversationActorSpecs(ITestOutputHelper output) : base(TestConfig.Config, nameof(ConversationActorSpecs), output)
    {
        _inboxes = CreateTestProbe("inboxes");
        _mediator = CreateTestProbe("mediator");
        _client = CreateTestProbe("client");
    }

    private static Props PropsOf(MessagingSettings settings, IActorRef inboxes, IActorRef mediator, ConversationId? id = null) =>
        ConversationActor.PropsFor((id ?? CameraChat).ToString(), settings, inboxes, mediator, TimeProvider.System, TestMeters.Unobserved);

    private IActorRef Start(MessagingSettings? settings = null, TestProbe? inboxes = null) =>
        Sys.ActorOf(PropsOf(settings ?? Patient, (inboxes ?? _inboxes).Ref, _mediator.Ref));

    /// <summary>Lets the inbox probe acknowledge every summary it is sent, as a healthy inbox region does.</summary>
    private static void AcknowledgeEverySummary(TestProbe inboxes) =>
        inboxes.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is RecordSummary record)
                sender.Tell(new SummaryAcknowledged(record.UserId, record.Entry.Summary.ConversationId, record.Entry.Version));
            return AutoPilot.KeepRunning;
        }));

    private T Ask<T>(IActorRef chat, object message)
    {
        _client.Send(chat, message);
        return _client.ExpectMsg<T>(TimeSpan.FromSeconds(3));
    }

    private void StopAndWait(IActorRef actor)
    {
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);
    }

    private static RecordSummary[] BothSummaries(TestProbe inboxes) =>
        [.. new[] { inboxes.ExpectMsg<RecordSummary>(), inboxes.ExpectMsg<RecordSummary>() }.OrderBy(record => record.UserId.Value)];

    // ---- read-your-writes: acknowledged once both inboxes hold the write ----

    [Fact]
    public void Send_is_acknowledged_only_after_both_inboxes_acknowledged_it()
    {
        var chat = Start();

        _client.Send(chat, Open(Buyer, Seller, "Is this still available?", Camera));
        var summaries = BothSummaries(_inboxes);
        Expect.Sequence([Buyer, Seller], summaries.Select(record => record.UserId));
        Assert.All(summaries, record => Assert.Equal(2, record.Entry.Version)); // ConversationStarted + MessageSent
        _client.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        chat.Tell(new SummaryAcknowledged(Buyer, CameraChat, 2), _inboxes.Ref);
        _client.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        chat.Tell(new SummaryAcknowledged(Seller, CameraChat, 2), _inboxes.Ref);
        var accepted = _client.ExpectMsg<MessageAccepted>();
        Assert.Equal("Is this still available?", accepted.Message.Text);
        Assert.Equal((Buyer, Seller, Camera), (accepted.Message.SenderId, accepted.Message.RecipientId, accepted.Message.ProductId));
    }

    [Fact]
    public void Inboxes_are_sent_the_conversation_as_each_participant_sees_it()
    {
        var chat = Start();

        _client.Send(chat, Open(Buyer, Seller, "Is this still available?", Camera));
        var summaries = BothSummaries(_inboxes);

        var buyer = summaries[0].Entry;
        var seller = summaries[1].Entry;
        Assert.Equal(Seller, buyer.Summary.ParticipantId);
        Assert.Equal(0, buyer.Summary.UnreadCount);
        Assert.Empty(buyer.UnreadMessageIds);
        Assert.Equal(Buyer, seller.Summary.ParticipantId);
        Assert.Equal(1, seller.Summary.UnreadCount);
        Assert.Equal("Is this still available?", seller.Summary.LastMessage);
        Assert.Equal(seller.Summary.LastMessageAt, buyer.Summary.LastMessageAt);
        Assert.Single(seller.UnreadMessageIds);
    }

    [Fact]
    public void Acknowledgement_of_an_older_version_does_not_release_a_newer_write()
    {
        var chat = Start();
        AcknowledgeEverySummary(_inboxes);
        Ask<MessageAccepted>(chat, Open(Buyer, Seller, "first", Camera));
        _inboxes.SetAutoPilot(NoAutoPilot.Instance);
        _inboxes.ReceiveWhile(TimeSpan.FromMilliseconds(200), message => message);

        _client.Send(chat, Send(Seller, "second"));
        Assert.All(BothSummaries(_inboxes), record => Assert.Equal(3, record.Entry.Version));
        chat.Tell(new SummaryAcknowledged(Buyer, CameraChat, 2));
        chat.Tell(new SummaryAcknowledged(Seller, CameraChat, 2));
        _client.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        chat.Tell(new SummaryAcknowledged(Buyer, CameraChat, 3));
        chat.Tell(new SummaryAcknowledged(Seller, CameraChat, 3));
        Assert.Equal("second", _client.ExpectMsg<MessageAccepted>().Message.Text);
    }

    [Fact]
    public void Write_is_acknowledged_after_InboxAckTimeout_when_an_inbox_never_answers()
    {
        var settings = new MessagingSettings
        {
            InboxAckTimeout = TimeSpan.FromMilliseconds(600),
            InboxRetryInterval = TimeSpan.FromMilliseconds(100),
            AskTimeout = TimeSpan.FromSeconds(5),
        };
        var chat = Start(settings);

        var sent = Stopwatch.StartNew();
        _client.Send(chat, Open(Buyer, Seller, "anyone?", Camera));
        BothSummaries(_inboxes);
        chat.Tell(new SummaryAcknowledged(Buyer, CameraChat, 2)); // the seller's inbox stays silent

        Assert.Equal("anyone?", _client.ExpectMsg<MessageAccepted>(TimeSpan.FromSeconds(5)).Message.Text);
        Assert.True(sent.Elapsed >= settings.InboxAckTimeout, $"acknowledged after {sent.Elapsed}, before the {settings.InboxAckTimeout} inbox wait was over");
    }

    [Fact]
    public void Unacknowledged_inbox_update_is_sent_again_until_acknowledged()
    {
        var chat = Start(Patient with { InboxRetryInterval = TimeSpan.FromMilliseconds(100) });

        _client.Send(chat, Open(Buyer, Seller, "hello", Camera));
        BothSummaries(_inboxes);
        chat.Tell(new SummaryAcknowledged(Buyer, CameraChat, 2));

        for (var retry = 0; retry < 3; retry++)
        {
            var again = _inboxes.ExpectMsg<RecordSummary>(TimeSpan.FromSeconds(2));
            Assert.Equal(Seller, again.UserId); // only the inbox that has not acknowledged
            Assert.Equal(2, again.Entry.Version);
        }

        chat.Tell(new SummaryAcknowledged(Seller, CameraChat, 2));
        _client.ExpectMsg<MessageAccepted>();
        _inboxes.ReceiveWhile(TimeSpan.FromMilliseconds(150), message => message); // a retry already in flight
        _inboxes.ExpectNoMsg(TimeSpan.FromMilliseconds(400));
    }

    [Fact]
    public void Inbox_updates_go_straight_to_the_inbox_entity_that_acknowledged_the_last_one()
    {
        var buyerInbox = CreateTestProbe("buyer-inbox");
        var sellerInbox = CreateTestProbe("seller-inbox");
        var chat = OpenedWithAcknowledgementsFrom(buyerInbox.Ref, sellerInbox.Ref);

        _client.Send(chat, Send(Seller, "yes, it is"));
        Assert.Equal((Buyer, 3L), Entry(buyerInbox.ExpectMsg<RecordSummary>()));
        Assert.Equal((Seller, 3L), Entry(sellerInbox.ExpectMsg<RecordSummary>()));
        _inboxes.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // not through the region
    }

    [Fact]
    public void Update_an_inbox_entity_stopped_without_acknowledging_is_sent_again_through_the_region()
    {
        var buyerInbox = CreateTestProbe("buyer-inbox");
        var chat = OpenedWithAcknowledgementsFrom(buyerInbox.Ref, _inboxes.Ref);

        _client.Send(chat, Send(Seller, "yes, it is"));
        Assert.Equal((Buyer, 3L), Entry(buyerInbox.ExpectMsg<RecordSummary>()));
        Assert.Equal((Seller, 3L), Entry(_inboxes.ExpectMsg<RecordSummary>()));
        chat.Tell(new SummaryAcknowledged(Seller, CameraChat, 3), _inboxes.Ref);
        Sys.Stop(buyerInbox.Ref); // passivated, or its node left, before it acknowledged

        Assert.Equal((Buyer, 3L), Entry(_inboxes.ExpectMsg<RecordSummary>()));
        chat.Tell(new SummaryAcknowledged(Buyer, CameraChat, 3), _inboxes.Ref);
        Assert.Equal("yes, it is", _client.ExpectMsg<MessageAccepted>().Message.Text);
    }

    /// <summary>A conversation whose opening both inboxes acknowledged, each from the given entity.</summary>
    private IActorRef OpenedWithAcknowledgementsFrom(IActorRef buyerInbox, IActorRef sellerInbox)
    {
        var chat = Start();
        _client.Send(chat, Open(Buyer, Seller, "hello", Camera));
        BothSummaries(_inboxes);
        chat.Tell(new SummaryAcknowledged(Buyer, CameraChat, 2), buyerInbox);
        chat.Tell(new SummaryAcknowledged(Seller, CameraChat, 2), sellerInbox);
        _client.ExpectMsg<MessageAccepted>();
        return chat;
    }

    private static (UserId User, long Version) Entry(RecordSummary record) => (record.UserId, record.Entry.Version);

    // ---- publishing, only after the write ----

    [Fact]
    public void New_message_is_published_to_the_conversation_and_the_recipient()
    {
        var chat = Start();
        AcknowledgeEverySummary(_inboxes);

        var accepted = Ask<MessageAccepted>(chat, Open(Buyer, Seller, "Is this still available?", Camera));

        var toConversation = _mediator.ExpectMsg<Publish>();
        var toRecipient = _mediator.ExpectMsg<Publish>();
        Assert.Equal($"conversation.{CameraChat}", toConversation.Topic);
        Assert.Equal($"user.{Seller}", toRecipient.Topic);
        // Each announcement names the topic it is published on.
        Assert.Equal(new ConversationTopics.Announcement($"conversation.{CameraChat}", new MessageSent(CameraChat, accepted.Message)), toConversation.Message);
        Assert.Equal(new ConversationTopics.Announcement($"user.{Seller}", new MessageSent(CameraChat, accepted.Message)), toRecipient.Message);
        _mediator.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // ConversationStarted is not announced
    }

    [Fact]
    public void Read_receipt_is_published_to_the_conversation_and_the_sender()
    {
        var chat = Start();
        AcknowledgeEverySummary(_inboxes);
        var question = Ask<MessageAccepted>(chat, Open(Buyer, Seller, "question", Camera)).Message;
        _mediator.ReceiveN(2);

        var marked = Ask<MessagesMarkedRead>(chat, MarkRead(Seller, question.Id));

        Expect.Sequence([question.Id], marked.MessageIds.ToArray());
        var topics = _mediator.ReceiveN(2).Cast<Publish>().ToList();
        Expect.Sequence([$"conversation.{CameraChat}", $"user.{Buyer}"], topics.Select(publish => publish.Topic));
        var read = Assert.IsType<MessagesRead>(Assert.IsType<ConversationTopics.Announcement>(topics[0].Message).Event);
        Assert.Equal(Seller, read.ReaderId);
        Expect.Sequence([question.Id], read.MessageIds.ToArray());
    }

    [Fact]
    public void Block_is_announced_only_to_the_other_participant()
    {
        var chat = Start();
        AcknowledgeEverySummary(_inboxes);
        Ask<MessageAccepted>(chat, Open(Buyer, Seller, "hello", Camera));
        _mediator.ReceiveN(2);

        Assert.Equal(new BlockChanged(CameraChat, true, Seller), Ask<BlockChanged>(chat, new SetBlocked(CameraChat, Seller, true)));

        var publish = _mediator.ExpectMsg<Publish>();
        Assert.Equal($"user.{Buyer}", publish.Topic);
        Assert.Equal(Seller, Assert.IsType<ConversationBlocked>(Assert.IsType<ConversationTopics.Announcement>(publish.Message).Event).BlockedBy);
        _mediator.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Rejected_command_is_answered_at_once_and_nothing_is_published_or_recorded()
    {
        var chat = Start();
        AcknowledgeEverySummary(_inboxes);
        Ask<MessageAccepted>(chat, Open(Buyer, Seller, "hello", Camera));
        _mediator.ReceiveN(2);
        _inboxes.ReceiveN(2);

        var fromStranger = Ask<Rejection>(chat, Send(Stranger, "let me in"));
        var empty = Ask<Rejection>(chat, Send(Buyer, "   "));

        Assert.Equal(RejectionReason.Forbidden, fromStranger.Reason);
        Assert.Equal(RejectionReason.Invalid, empty.Reason);
        _mediator.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        _inboxes.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Single(Ask<MessagePage>(chat, History(Buyer)).Messages);
    }

    [Fact]
    public void Command_that_changes_nothing_is_answered_at_once_without_waiting_for_inboxes()
    {
        var chat = Start();
        AcknowledgeEverySummary(_inboxes);
        Ask<MessageAccepted>(chat, Open(Buyer, Seller, "hello", Camera));
        Ask<BlockChanged>(chat, new SetBlocked(CameraChat, Buyer, true));
        _inboxes.SetAutoPilot(NoAutoPilot.Instance); // from here on, an ack wait would never end (Patient settings)
        _mediator.ReceiveN(3);
        _inboxes.ReceiveWhile(TimeSpan.FromMilliseconds(200), message => message);

        Assert.Equal(new BlockChanged(CameraChat, true, Buyer), Ask<BlockChanged>(chat, new SetBlocked(CameraChat, Buyer, true)));
        Assert.Empty(Ask<MessagesMarkedRead>(chat, MarkRead(Seller, MessageNo(12345))).MessageIds);
        _mediator.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        _inboxes.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Queries_are_answered_from_the_live_state()
    {
        var chat = Start();
        AcknowledgeEverySummary(_inboxes);
        var question = Ask<MessageAccepted>(chat, Open(Buyer, Seller, "question", Camera)).Message;
        var answer = Ask<MessageAccepted>(chat, Send(Seller, "answer")).Message;

        Expect.Sequence([question, answer], Ask<MessagePage>(chat, History(Buyer)).Messages);
        Assert.Equal(1, Ask<ConversationSummary>(chat, new GetSummary(CameraChat, Seller)).UnreadCount);
        Assert.Equal(RejectionReason.Forbidden, Ask<Rejection>(chat, History(Stranger)).Reason);
        Expect.Sequence([answer.Id], Ask<MessagesLocated>(chat, new LocateMessages(CameraChat, Seller, [answer.Id, MessageNo(4242)])).MessageIds);
        Assert.True(answer.CreatedAt > question.CreatedAt);
    }

    [Fact]
    public void Conversation_that_does_not_exist_is_not_found_and_sends_no_summaries()
    {
        var chat = Start();

        Assert.Equal(RejectionReason.NotFound, Ask<Rejection>(chat, History(Buyer)).Reason);
        Assert.Equal(RejectionReason.NotFound, Ask<Rejection>(chat, new GetSummary(CameraChat, Buyer)).Reason);
        _inboxes.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    // ---- recovery ----

    [Fact]
    public void Restarted_conversation_recovers_messages_read_flags_and_blocks()
    {
        AcknowledgeEverySummary(_inboxes);
        var chat = Start();
        var one = Ask<MessageAccepted>(chat, Open(Buyer, Seller, "one", Camera)).Message;
        var two = Ask<MessageAccepted>(chat, Send(Buyer, "two")).Message;
        Ask<MessageAccepted>(chat, Send(Seller, "three"));
        Ask<MessageAccepted>(chat, Send(Buyer, "four"));
        Assert.Equal(2, Ask<MessagesMarkedRead>(chat, MarkRead(Seller, one.Id, two.Id)).MessageIds.Length);
        Ask<BlockChanged>(chat, new SetBlocked(CameraChat, Buyer, true));
        var historyBefore = Ask<MessagePage>(chat, History(Seller)).Messages;
        var buyerBefore = Ask<ConversationSummary>(chat, new GetSummary(CameraChat, Buyer));
        var sellerBefore = Ask<ConversationSummary>(chat, new GetSummary(CameraChat, Seller));

        StopAndWait(chat);
        var inboxesAfter = CreateTestProbe();
        var restarted = Start(inboxes: inboxesAfter);

        Expect.Sequence(historyBefore, Ask<MessagePage>(restarted, History(Seller)).Messages);
        Expect.Sequence([true, true, false, false], Ask<MessagePage>(restarted, History(Buyer)).Messages.Select(message => message.Read));
        Assert.Equal(buyerBefore, Ask<ConversationSummary>(restarted, new GetSummary(CameraChat, Buyer)));
        Assert.Equal(sellerBefore, Ask<ConversationSummary>(restarted, new GetSummary(CameraChat, Seller)));
        Assert.Equal(1, sellerBefore.UnreadCount);
        Assert.True(buyerBefore.BlockedByMe);
        Assert.Equal(RejectionReason.Forbidden, Ask<Rejection>(restarted, Send(Seller, "five")).Reason);
    }

    [Fact]
    public void Restarted_conversation_sends_both_inboxes_its_current_summaries_again()
    {
        AcknowledgeEverySummary(_inboxes);
        var chat = Start();
        var one = Ask<MessageAccepted>(chat, Open(Buyer, Seller, "one", Camera)).Message;
        Ask<MessageAccepted>(chat, Send(Buyer, "two"));
        Ask<MessagesMarkedRead>(chat, MarkRead(Seller, one.Id));
        var buyerView = Ask<ConversationSummary>(chat, new GetSummary(CameraChat, Buyer));
        var sellerView = Ask<ConversationSummary>(chat, new GetSummary(CameraChat, Seller));

        StopAndWait(chat);
        var inboxesAfter = CreateTestProbe();
        Start(inboxes: inboxesAfter);

        var summaries = BothSummaries(inboxesAfter);
        Assert.Equal(buyerView, summaries[0].Entry.Summary);
        Assert.Equal(sellerView, summaries[1].Entry.Summary);
        Assert.All(summaries, record => Assert.Equal(4, record.Entry.Version)); // started, two sent, one read
        Assert.Single(summaries[1].Entry.UnreadMessageIds);
        Assert.Equal(1, sellerView.UnreadCount);
    }

    [Fact]
    public void Message_sent_after_a_restart_is_still_later_than_every_recovered_one()
    {
        AcknowledgeEverySummary(_inboxes);
        var chat = Start();
        ChatMessage last = null!;
        for (var n = 0; n < 5; n++)
            last = Ask<MessageAccepted>(chat, n == 0 ? Open(Buyer, Seller, "m0", Camera) : Send(Buyer, $"m{n}")).Message;

        StopAndWait(chat);
        var restarted = Start();
        var next = Ask<MessageAccepted>(restarted, Send(Seller, "after restart")).Message;

        Assert.True(next.CreatedAt > last.CreatedAt);
        Assert.NotEqual(last.Id, next.Id);
        Assert.Equal(6, Ask<MessagePage>(restarted, History(Buyer)).Messages.Length);
    }

    [Fact]
    public void Recovery_reads_the_latest_snapshot_and_only_the_events_after_it()
    {
        AcknowledgeEverySummary(_inboxes);
        var settings = Patient with { SnapshotEvery = 3 };
        var chat = Start(settings);
        var persistenceId = $"conversation-{CameraChat}";
        for (var n = 1; n <= 7; n++)
            Ask<MessageAccepted>(chat, n == 1 ? Open(Buyer, Seller, "message 1", Camera) : Send(n % 2 == 0 ? Seller : Buyer, $"message {n}"));
        var before = Ask<MessagePage>(chat, History(Buyer)).Messages;
        StopAndWait(chat);

        // Events 1..8 are written; snapshots were taken at 3 and 6, and the one at 3 was deleted when 6 was saved.
        var snapshots = Persistence.Instance.Apply(Sys).SnapshotStoreFor(null);
        snapshots.Tell(new LoadSnapshot(persistenceId, SnapshotSelectionCriteria.Latest, long.MaxValue), TestActor);
        Assert.Equal(6, ExpectMsg<LoadSnapshotResult>().Snapshot.Metadata.SequenceNr);
        AwaitAssert(() =>
        {
            snapshots.Tell(new LoadSnapshot(persistenceId, new SnapshotSelectionCriteria(5), long.MaxValue), TestActor);
            Assert.Null(ExpectMsg<LoadSnapshotResult>().Snapshot);
        });

        // Remove the events the snapshot covers: recovery can only rebuild the history from the snapshot and the tail.
        var journal = Persistence.Instance.Apply(Sys).JournalFor(null);
        journal.Tell(new DeleteMessagesTo(persistenceId, 6, TestActor));
        ExpectMsg<DeleteMessagesSuccess>();

        var restarted = Start(settings);
        var after = Ask<MessagePage>(restarted, History(Buyer)).Messages;

        Assert.Equal(7, after.Length);
        Expect.Sequence(before, after);
        Assert.Equal(4, Ask<ConversationSummary>(restarted, new GetSummary(CameraChat, Seller)).UnreadCount); // messages 1, 3, 5, 7
    }

    // ---- passivation ----

    [Fact]
    public void Idle_conversation_asks_its_parent_to_passivate_it()
    {
        var settings = Patient with { PassivateAfter = TimeSpan.FromMilliseconds(400) };
        var chat = ChildActorOf(PropsOf(settings, _inboxes.Ref, _mediator.Ref));
        AcknowledgeEverySummary(_inboxes);
        var lastUse = Stopwatch.StartNew();
        _client.Send(chat, Open(Buyer, Seller, "hello", Camera));
        _client.ExpectMsg<MessageAccepted>();

        var passivate = ExpectMsg<Passivate>(TimeSpan.FromSeconds(3));

        Assert.True(lastUse.Elapsed >= settings.PassivateAfter, $"passivated {lastUse.Elapsed} after its last use");
        Assert.IsType<StopEntity>(passivate.StopMessage);
        Assert.Equal(chat, LastSender);
    }
}
