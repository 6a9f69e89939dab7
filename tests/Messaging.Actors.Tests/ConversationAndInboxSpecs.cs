using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit;
using Messaging.Actors.Conversations;
using Messaging.Actors.Inbox;
using Xunit.Abstractions;
using static Messaging.Actors.Conversations.ConversationQueries;
using static Messaging.Actors.Conversations.ConversationReplies;
using static Messaging.Actors.Inbox.InboxQueries;
using static Messaging.Actors.Inbox.InboxReplies;
using static Messaging.Actors.Tests.Fixtures;

namespace Messaging.Actors.Tests;

/// <summary>
/// Real conversation and inbox entities wired together through two small stand-ins for the shard regions (routing
/// with the production message extractors). Pins read-your-writes and the unread count that never drifts.
/// </summary>
public sealed class ConversationAndInboxSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly MessagingSettings Settings = new()
    {
        InboxAckTimeout = TimeSpan.FromSeconds(5),
        InboxRetryInterval = TimeSpan.FromMilliseconds(200),
        AskTimeout = TimeSpan.FromSeconds(10),
    };

    private readonly TestProbe _mediator;
    private readonly TestProbe _client;
    private IActorRef _conversations = ActorRefs.Nobody;
    private IActorRef _inboxes = ActorRefs.Nobody;

    public ConversationAndInboxSpecs(ITestOutputHelper output) : base(TestConfig.Config, nameof(ConversationAndInboxSpecs), output)
    {
        _mediator = CreateTestProbe("mediator");
        _client = CreateTestProbe("client");
        StartRegions();
    }

    /// <summary>Creates each entity on first message, like a shard region; ignores passivation requests.</summary>
    private sealed class Region : ReceiveActor
    {
        public Region(Func<object, string?> entityId, Func<string, Props> props)
        {
            ReceiveAny(message =>
            {
                if (entityId(message) is not { } id)
                    return;
                var child = Context.Child(id);
                if (child.IsNobody())
                    child = Context.ActorOf(props(id), id);
                child.Forward(message);
            });
        }
    }

    private int _generation;

    /// <summary>Starts both regions afresh; every entity recovers from the journal on its next message.</summary>
    private void StartRegions()
    {
        _generation++;
        var conversationExtractor = new ConversationMessageExtractor(Settings.ShardCount);
        var inboxExtractor = new UserInboxMessageExtractor(Settings.ShardCount);
        Func<object, string?> inboxIdOf = inboxExtractor.EntityId;
        Func<object, string?> conversationIdOf = conversationExtractor.EntityId;
        Func<string, Props> inboxProps = id => UserInboxActor.PropsFor(id, Settings, () => _conversations, () => _inboxes, TestMeters.Unobserved);
        _inboxes = Sys.ActorOf(Props.Create(() => new Region(inboxIdOf, inboxProps)), $"user-{_generation}");
        var inboxes = _inboxes;
        var mediator = _mediator.Ref;
        Func<string, Props> conversationProps = id => ConversationActor.PropsFor(id, Settings, inboxes, mediator, TimeProvider.System, TestMeters.Unobserved);
        _conversations = Sys.ActorOf(Props.Create(() => new Region(conversationIdOf, conversationProps)), $"conversation-{_generation}");
    }

    private void RestartRegions()
    {
        foreach (var region in new[] { _conversations, _inboxes })
        {
            Watch(region);
            Sys.Stop(region);
            ExpectTerminated(region);
        }
        StartRegions();
    }

    private T Ask<T>(IActorRef region, object message)
    {
        _client.Send(region, message);
        return _client.ExpectMsg<T>(TimeSpan.FromSeconds(5));
    }

    private ImmutableArray<ConversationSummary> InboxOf(UserId user) => Ask<ConversationList>(_inboxes, new GetConversations(user)).Conversations;

    private ChatMessage Say(UserId from, string text, ConversationId? conversation = null, UserId? to = null, ProductId? product = null) =>
        Ask<MessageAccepted>(_conversations, Send(from, text, conversation, to, product)).Message;

    [Fact]
    public void Once_a_send_is_acknowledged_both_inboxes_list_it_with_the_right_unread_counts()
    {
        var sent = Say(Buyer, "Is this still available?", to: Seller, product: Camera);

        var sellerInbox = Assert.Single(InboxOf(Seller));
        var buyerInbox = Assert.Single(InboxOf(Buyer));
        Assert.Equal(new ConversationSummary(CameraChat, Camera, Buyer, "Is this still available?", sent.CreatedAt, 1, false, false), sellerInbox);
        Assert.Equal(new ConversationSummary(CameraChat, Camera, Seller, "Is this still available?", sent.CreatedAt, 0, false, false), buyerInbox);

        var reply = Say(Seller, "Yes!");
        Assert.Equal((1, "Yes!"), (Assert.Single(InboxOf(Buyer)).UnreadCount, Assert.Single(InboxOf(Buyer)).LastMessage));
        Assert.Equal((1, reply.CreatedAt), (Assert.Single(InboxOf(Seller)).UnreadCount, Assert.Single(InboxOf(Seller)).LastMessageAt));
    }

    [Fact]
    public void A_message_in_a_conversation_both_inboxes_hold_is_one_journal_write()
    {
        var first = Ask<MessageAccepted>(_conversations, Open(Buyer, Seller, "first", Camera)).Message;
        for (var n = 2; n <= 10; n++)
            Say(n % 2 == 0 ? Seller : Buyer, $"message {n}", first.ConversationId);

        Assert.Equal(11, this.JournalOf($"conversation-{first.ConversationId}").Count); // started + 10 sent
        Assert.Single(this.JournalOf($"inbox-{Buyer}"));  // the conversation became known: once
        Assert.Single(this.JournalOf($"inbox-{Seller}"));
        Assert.Equal(5, InboxOf(Buyer).Single().UnreadCount);
    }

    [Fact]
    public void Mark_read_through_the_inbox_is_reflected_in_the_conversation_and_in_both_inboxes()
    {
        var one = Say(Buyer, "one", to: Seller, product: Camera);
        var two = Say(Buyer, "two");
        Say(Buyer, "three");
        var mine = Say(Seller, "my own");

        var marked = Ask<MarkedRead>(_inboxes, new InboxCommands.MarkRead(Seller, [one.Id, two.Id, mine.Id]));

        Assert.Equal(2, marked.UpdatedCount);
        Assert.Equal(1, Assert.Single(InboxOf(Seller)).UnreadCount);
        Assert.Equal(1, Assert.Single(InboxOf(Buyer)).UnreadCount); // "my own" is still unread by the buyer
        Assert.Equal([true, true, false, false], Ask<MessagePage>(_conversations, History(Seller)).Messages.Select(message => message.Read).ToArray());
        Assert.Equal(0, Ask<MarkedRead>(_inboxes, new InboxCommands.MarkRead(Seller, [one.Id, two.Id])).UpdatedCount);
    }

    [Fact]
    public void Unread_counts_equal_the_conversation_after_a_restart_of_every_entity()
    {
        var first = Say(Buyer, "one", to: Seller, product: Camera);
        Say(Buyer, "two");
        Say(Seller, "three");
        Say(OtherBuyer, "other buyer here", ConversationIdentity.For(Camera, OtherBuyer, Seller), Seller, Camera);
        Ask<MarkedRead>(_inboxes, new InboxCommands.MarkRead(Seller, [first.Id]));
        var sellerBefore = InboxOf(Seller);

        RestartRegions();

        Expect.Sequence(sellerBefore, InboxOf(Seller));
        Assert.Equal([1, 1], InboxOf(Seller).Select(summary => summary.UnreadCount).ToArray());
        Assert.Equal(
            Ask<ConversationSummary>(_conversations, new GetSummary(CameraChat, Seller)),
            InboxOf(Seller).Single(summary => summary.ConversationId == CameraChat));
        Assert.Equal(1, Assert.Single(InboxOf(Buyer)).UnreadCount);
    }

    [Fact]
    public void Inbox_lists_conversations_most_recent_first_as_messages_arrive()
    {
        var otherChat = ConversationIdentity.For(Camera, OtherBuyer, Seller);
        Say(Buyer, "first", to: Seller, product: Camera);
        Say(OtherBuyer, "second", otherChat, Seller, Camera);
        Assert.Equal([otherChat, CameraChat], InboxOf(Seller).Select(summary => summary.ConversationId).ToArray());

        Say(Buyer, "third");

        Assert.Equal([CameraChat, otherChat], InboxOf(Seller).Select(summary => summary.ConversationId).ToArray());
    }

    [Fact]
    public void Stranger_can_not_mark_read_messages_of_a_conversation_they_are_not_in()
    {
        var question = Say(Buyer, "question", to: Seller, product: Camera);
        Say(OtherBuyer, "hello", ConversationIdentity.For(Camera, OtherBuyer, Seller), Seller, Camera); // OtherBuyer has an inbox

        var rejection = Ask<Rejection>(_inboxes, new InboxCommands.MarkRead(OtherBuyer, [question.Id]));

        Assert.Equal(RejectionReason.Forbidden, rejection.Reason);
        Assert.Equal(2, InboxOf(Seller).Sum(summary => summary.UnreadCount));
        Assert.False(Assert.Single(Ask<MessagePage>(_conversations, History(Seller)).Messages).Read);
    }

    [Fact]
    public void Blocking_shows_in_both_inboxes()
    {
        Say(Buyer, "hello", to: Seller, product: Camera);

        Ask<BlockChanged>(_conversations, new ConversationCommands.SetBlocked(CameraChat, Seller, true));

        var seller = Assert.Single(InboxOf(Seller));
        var buyer = Assert.Single(InboxOf(Buyer));
        Assert.Equal((true, true), (seller.IsBlocked, seller.BlockedByMe));
        Assert.Equal((true, false), (buyer.IsBlocked, buyer.BlockedByMe));
    }

    [Fact]
    public void Every_persisted_new_message_is_published_once_in_order()
    {
        Say(Buyer, "one", to: Seller, product: Camera);
        Say(Seller, "two");
        Say(Buyer, "three");

        var published = _mediator.ReceiveN(6).Cast<Publish>().Where(publish => publish.Topic == $"conversation.{CameraChat}").ToList();

        Assert.Equal(["one", "two", "three"], published.Select(publish => ((ConversationEvents.MessageSent)((ConversationTopics.Announcement)publish.Message).Event).Message.Text).ToArray());
    }
}
