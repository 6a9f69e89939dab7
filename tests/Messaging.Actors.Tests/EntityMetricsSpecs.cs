using Akka.Actor;
using Akka.TestKit;
using Messaging.Actors.Conversations;
using Messaging.Actors.Inbox;
using Xunit.Abstractions;
using static Messaging.Actors.Conversations.ConversationCommands;
using static Messaging.Actors.Conversations.ConversationReplies;
using static Messaging.Actors.Inbox.InboxCommands;
using static Messaging.Actors.Inbox.InboxReplies;
using static Messaging.Actors.Tests.Fixtures;

namespace Messaging.Actors.Tests;

/// <summary>What the entities count: themselves while in memory, their journal writes, the delay of publishing, rate-limit refusals.</summary>
public sealed class EntityMetricsSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly MessagingSettings Settings = new() { InboxAckTimeout = TimeSpan.FromSeconds(5), AskTimeout = TimeSpan.FromSeconds(20) };

    private readonly TestMeters _meters = new();
    private readonly TestProbe _inboxes;
    private readonly TestProbe _conversations;
    private readonly TestProbe _client;

    public EntityMetricsSpecs(ITestOutputHelper output) : base(TestConfig.Config, nameof(EntityMetricsSpecs), output)
    {
        _inboxes = CreateTestProbe("inboxes");
        _conversations = CreateTestProbe("conversations");
        _client = CreateTestProbe("client");
    }

    protected override void AfterAll()
    {
        _meters.Dispose();
        base.AfterAll();
    }

    /// <summary>The camera chat, its inboxes a probe that acknowledges every summary as a healthy inbox region does.</summary>
    private IActorRef StartConversation()
    {
        _inboxes.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is RecordSummary record)
                sender.Tell(new SummaryAcknowledged(record.UserId, record.Entry.Summary.ConversationId, record.Entry.Version));
            return AutoPilot.KeepRunning;
        }));
        return Sys.ActorOf(ConversationActor.PropsFor(CameraChat.ToString(), Settings, _inboxes.Ref, CreateTestProbe().Ref, TimeProvider.System, _meters.Metrics));
    }

    private IActorRef StartSellersInbox(MessagingSettings settings) =>
        Sys.ActorOf(UserInboxActor.PropsFor(Seller.ToString(), settings, () => _conversations.Ref, () => CreateTestProbe().Ref, _meters.Metrics));

    private void StopAndWait(IActorRef actor)
    {
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);
    }

    [Fact]
    public void Conversation_write_records_its_journal_write_and_once_both_inboxes_hold_it_its_publish_delay()
    {
        using var journal = _meters.Collect<double>("messaging.journal.write.duration");
        using var published = _meters.Collect<double>("messaging.publish.duration");
        var chat = StartConversation();

        _client.Send(chat, Open(Buyer, Seller, "Is this still available?", Camera));
        _client.ExpectMsg<MessageAccepted>();

        // One write of two events (ConversationStarted and MessageSent): one journal write, one publication.
        Assert.InRange(TestMeters.Single(journal, ("messaging.entity.type", "conversation")), 0, 10);
        Assert.InRange(TestMeters.Single(published), 0, Settings.InboxAckTimeout.TotalSeconds);
    }

    [Fact]
    public void Conversation_counts_as_active_from_its_start_until_it_stops()
    {
        using var active = _meters.Collect<long>("messaging.entities.active");
        var chat = StartConversation();
        _client.Send(chat, Open(Buyer, Seller, "hello", Camera));
        _client.ExpectMsg<MessageAccepted>();

        Assert.Equal(1, TestMeters.Single(active, ("messaging.entity.type", "conversation")));
        StopAndWait(chat);
        Assert.Equal(0, TestMeters.Total(active));
    }

    [Fact]
    public void Inbox_recording_a_new_conversation_records_one_journal_write_of_an_inbox()
    {
        using var journal = _meters.Collect<double>("messaging.journal.write.duration");
        using var active = _meters.Collect<long>("messaging.entities.active");
        var inbox = StartSellersInbox(Settings);

        _client.Send(inbox, new RecordSummary(Seller, UserInboxStateSpecs.Entry(CameraChat, 2, T0)));
        _client.ExpectMsg<SummaryAcknowledged>();

        Assert.InRange(TestMeters.Single(journal, ("messaging.entity.type", "inbox")), 0, 10);
        Assert.Equal(1, TestMeters.Single(active, ("messaging.entity.type", "inbox")));
    }

    [Fact]
    public void Inbox_refusing_a_message_past_the_rate_limit_counts_one_refusal_of_the_message_limit()
    {
        using var limited = _meters.Collect<long>("messaging.rate_limit.refusals");
        var inbox = StartSellersInbox(Settings with { MessagesPerMinute = 1 });

        _client.Send(inbox, Send(Seller, "first"));
        _conversations.ExpectMsg<SendMessage>();
        Assert.Empty(limited.GetMeasurementSnapshot());
        _client.Send(inbox, Send(Seller, "second"));

        Assert.Equal(RejectionReason.TooManyRequests, _client.ExpectMsg<Rejection>().Reason);
        Assert.Equal(1, TestMeters.Single(limited, ("messaging.rate_limit", "message")));
    }
}
