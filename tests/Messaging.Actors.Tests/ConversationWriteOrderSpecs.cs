using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.TestKit;
using Akka.TestKit;
using Messaging.Actors.Conversations;
using Xunit.Abstractions;
using static Messaging.Actors.Conversations.ConversationEvents;
using static Messaging.Actors.Conversations.ConversationReplies;
using static Messaging.Actors.Inbox.InboxCommands;
using static Messaging.Actors.Inbox.InboxReplies;
using static Messaging.Actors.Tests.Fixtures;

namespace Messaging.Actors.Tests;

/// <summary>
/// Invariant 1, nothing is acknowledged or broadcast before it is persisted, pinned with a journal whose writes the
/// test holds back or fails (Akka.Persistence.TestKit's TestJournal).
/// </summary>
public sealed class ConversationWriteOrderSpecs : Akka.TestKit.Xunit2.TestKit
{
    // serialize-messages is off here only: Akka.Persistence's own write-failure messages carry exceptions that the
    // verification serializer can not copy. What crosses our serializer is covered by the other actor specs.
    private static readonly Config JournalUnderTestControl = ConfigurationFactory.ParseString("""
        akka.actor.serialize-messages = off
        akka.persistence.journal {
          plugin = "akka.persistence.journal.test"
          test {
            class = "Akka.Persistence.TestKit.TestJournal, Akka.Persistence.TestKit"
            plugin-dispatcher = "akka.actor.default-dispatcher"
          }
        }
        """);

    private static readonly MessagingSettings Patient = new()
    {
        InboxAckTimeout = TimeSpan.FromSeconds(20),
        InboxRetryInterval = TimeSpan.FromSeconds(20),
        AskTimeout = TimeSpan.FromSeconds(30),
    };

    private readonly TestProbe _inboxes;
    private readonly TestProbe _mediator;
    private readonly TestProbe _client;
    private readonly ITestJournal _journal;

    public ConversationWriteOrderSpecs(ITestOutputHelper output)
        : base(JournalUnderTestControl.WithFallback(TestConfig.Config), nameof(ConversationWriteOrderSpecs), output)
    {
        _inboxes = CreateTestProbe("inboxes");
        _mediator = CreateTestProbe("mediator");
        _client = CreateTestProbe("client");
        _journal = TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(null));
    }

    private IActorRef Start() =>
        Sys.ActorOf(ConversationActor.PropsFor(CameraChat.ToString(), Patient, _inboxes.Ref, _mediator.Ref, TimeProvider.System, TestMeters.Unobserved));

    /// <summary>Holds every write until the test opens it.</summary>
    private sealed class Gate : IJournalInterceptor
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Open { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task InterceptAsync(IPersistentRepresentation message)
        {
            Reached.TrySetResult();
            await Open.Task;
        }
    }

    [Fact]
    public async Task Nothing_is_published_recorded_or_acknowledged_while_the_write_is_in_flight()
    {
        var chat = Start();
        var gate = new Gate();
        await _journal.OnWrite.SetInterceptorAsync(gate);

        _client.Send(chat, Open(Buyer, Seller, "Is this still available?", Camera));
        await gate.Reached.Task.WaitAsync(TimeSpan.FromSeconds(3));

        await _mediator.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        await _inboxes.ExpectNoMsgAsync(TimeSpan.Zero);
        await _client.ExpectNoMsgAsync(TimeSpan.Zero);

        gate.Open.SetResult();

        var version = (await _inboxes.ExpectMsgAsync<RecordSummary>()).Entry.Version;
        await _inboxes.ExpectMsgAsync<RecordSummary>();
        chat.Tell(new SummaryAcknowledged(Buyer, CameraChat, version));
        chat.Tell(new SummaryAcknowledged(Seller, CameraChat, version));
        var published = await _mediator.ExpectMsgAsync<Publish>();
        Assert.Equal($"conversation.{CameraChat}", published.Topic);
        Assert.IsType<MessageSent>(Assert.IsType<ConversationTopics.Announcement>(published.Message).Event);
        Assert.Equal("Is this still available?", (await _client.ExpectMsgAsync<MessageAccepted>()).Message.Text);
    }

    [Fact]
    public async Task Events_are_published_with_the_reply_only_once_both_inboxes_hold_the_write()
    {
        var chat = Start();
        _client.Send(chat, Open(Buyer, Seller, "Is this still available?", Camera));
        var version = (await _inboxes.ExpectMsgAsync<RecordSummary>()).Entry.Version;
        await _inboxes.ExpectMsgAsync<RecordSummary>();

        chat.Tell(new SummaryAcknowledged(Buyer, CameraChat, version));
        await _mediator.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300)); // the seller's inbox does not list it yet
        await _client.ExpectNoMsgAsync(TimeSpan.Zero);
        chat.Tell(new SummaryAcknowledged(Seller, CameraChat, version));

        Assert.Equal([$"conversation.{CameraChat}", $"user.{Seller}"],
            new[] { await _mediator.ExpectMsgAsync<Publish>(), await _mediator.ExpectMsgAsync<Publish>() }.Select(published => published.Topic).ToArray());
        await _client.ExpectMsgAsync<MessageAccepted>();
    }

    [Fact]
    public async Task Retry_of_a_send_whose_inboxes_have_not_answered_waits_for_them_and_is_not_published_again()
    {
        var chat = Start();
        var send = Open(Buyer, Seller, "Is this still available?", Camera) with { ClientMessageId = "web-1" };
        _client.Send(chat, send);
        var version = (await _inboxes.ExpectMsgAsync<RecordSummary>()).Entry.Version;
        await _inboxes.ExpectMsgAsync<RecordSummary>();

        _client.Send(chat, send); // the client gave up waiting and tries again
        await _client.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        chat.Tell(new SummaryAcknowledged(Buyer, CameraChat, version));
        chat.Tell(new SummaryAcknowledged(Seller, CameraChat, version));

        var original = (await _client.ExpectMsgAsync<MessageAccepted>()).Message;
        Assert.Equal(original, (await _client.ExpectMsgAsync<MessageAccepted>()).Message);
        await _mediator.ExpectMsgAsync<Publish>();
        await _mediator.ExpectMsgAsync<Publish>();
        await _mediator.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300)); // one message, announced once
    }

    [Fact]
    public async Task Failed_write_is_never_published_acknowledged_or_remembered()
    {
        var chat = Start();
        Watch(chat);
        await _journal.OnWrite.Fail();

        _client.Send(chat, Open(Buyer, Seller, "lost in the void", Camera));

        await ExpectTerminatedAsync(chat); // Akka.Persistence stops an entity whose write failed; it recovers on next use
        await _mediator.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        await _inboxes.ExpectNoMsgAsync(TimeSpan.Zero);
        await _client.ExpectNoMsgAsync(TimeSpan.Zero);

        await _journal.OnWrite.Pass();
        var again = Start();
        _client.Send(again, History(Buyer));
        Assert.Equal(RejectionReason.NotFound, (await _client.ExpectMsgAsync<Rejection>()).Reason);
    }
}
