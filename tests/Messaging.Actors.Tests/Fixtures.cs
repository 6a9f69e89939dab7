using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit;
using Messaging.Actors.Conversations;
using static Messaging.Actors.Conversations.ConversationCommands;
using static Messaging.Actors.Conversations.ConversationQueries;
using static Messaging.Actors.Conversations.ConversationReplies;

namespace Messaging.Actors.Tests;

/// <summary>The people and things of the marketplace every spec talks about.</summary>
public static class Fixtures
{
    // Buyer < Seller as UUIDs, so the buyer is ParticipantA of every conversation between them.
    public static readonly UserId Buyer = new(Guid.Parse("11111111-1111-4111-8111-111111111111"));
    public static readonly UserId Seller = new(Guid.Parse("22222222-2222-4222-8222-222222222222"));
    public static readonly UserId OtherBuyer = new(Guid.Parse("33333333-3333-4333-8333-333333333333"));
    public static readonly UserId Stranger = new(Guid.Parse("44444444-4444-4444-8444-444444444444"));

    public static readonly ProductId Camera = new(Guid.Parse("aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"));
    public static readonly ProductId Lens = new(Guid.Parse("bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"));

    public static readonly SenderProfile BuyerProfile = new("Jane Smith", "jane@example.com");
    public static readonly SenderProfile SellerProfile = new("John Doe", "john@example.com");

    public static readonly DateTimeOffset T0 = new(2025, 11, 10, 14, 30, 0, TimeSpan.Zero);

    /// <summary>The conversation of <see cref="Buyer"/> and <see cref="Seller"/> about the <see cref="Camera"/>.</summary>
    public static readonly ConversationId CameraChat = ConversationIdentity.For(Camera, Buyer, Seller);

    public static SenderProfile ProfileOf(UserId user) => user == Buyer ? BuyerProfile : user == Seller ? SellerProfile : new SenderProfile(null, null);

    public static MessageId MessageNo(int n) => new(Guid.Parse($"00000000-0000-7000-8000-{n:D12}"));

    public static SendMessage Send(UserId from, string text, ConversationId? conversation = null, UserId? to = null, ProductId? product = null) =>
        new(conversation ?? CameraChat, from, to, product, text, ProfileOf(from));

    /// <summary>The opening message: names the recipient and the product, as a client does before the conversation exists.</summary>
    public static SendMessage Open(UserId from, UserId to, string text, ProductId? product) =>
        new(ConversationIdentity.For(product, from, to), from, to, product, text, ProfileOf(from));

    public static MarkRead MarkRead(UserId reader, params MessageId[] ids) => new(CameraChat, reader, [..ids]);

    public static GetMessages History(UserId viewer, int limit = 100, MessageId? before = null, ConversationId? conversation = null) =>
        new(conversation ?? CameraChat, viewer, limit, before);
}

/// <summary>
/// Drives a <see cref="ConversationState"/> the way the actor does: decide, apply every event, hand back the reply.
/// The clock stands still unless a test moves it; message ids are numbered 1, 2, 3...
/// </summary>
public sealed class ConversationDriver(ConversationId id)
{
    private int _nextMessage = 1;

    public ConversationState State { get; private set; } = ConversationState.Empty(id);

    public DateTimeOffset Now { get; set; } = Fixtures.T0;

    public ImmutableArray<IConversationEvent> LastEvents { get; private set; } = [];

    public static ConversationDriver CameraChat() => new(Fixtures.CameraChat);

    public IMessagingReply Execute(IWithConversationId command)
    {
        var decision = State.Process(command, Now, Fixtures.MessageNo(_nextMessage));
        if (decision.Reply is MessageAccepted)
            _nextMessage++;
        foreach (var evt in decision.Events)
            State = State.Apply(evt);
        LastEvents = decision.Events;
        return decision.Reply;
    }

    /// <summary>Sends and insists it was accepted.</summary>
    public ChatMessage Say(UserId from, string text)
    {
        var command = State.Started ? Fixtures.Send(from, text, State.Id) : Fixtures.Open(from, OtherOf(from), text, Fixtures.Camera);
        var reply = Execute(command);
        return Assert.IsType<MessageAccepted>(reply).Message;
    }

    public ImmutableArray<ChatMessage> HistoryOf(UserId viewer, int limit = 100, MessageId? before = null) =>
        Assert.IsType<MessagePage>(State.Answer(Fixtures.History(viewer, limit, before, State.Id))).Messages;

    public ConversationSummary SummaryOf(UserId viewer) => Assert.IsType<ConversationSummary>(State.Answer(new GetSummary(State.Id, viewer)));

    private static UserId OtherOf(UserId user) => user == Fixtures.Buyer ? Fixtures.Seller : Fixtures.Buyer;
}

/// <summary>
/// Compares sequences by their elements. Needed because <see cref="ImmutableArray{T}"/> is equatable by reference,
/// so <c>Assert.Equal</c> of two such arrays (or of a collection expression and one) compares identity, not content.
/// </summary>
public static class Expect
{
    public static void Sequence<T>(IEnumerable<T> expected, IEnumerable<T> actual) => Assert.Equal(expected.ToList(), actual.ToList());
}

public static class JournalInspection
{
    /// <summary>The events the journal holds for <paramref name="persistenceId"/>, oldest first.</summary>
    public static List<object> JournalOf(this TestKitBase kit, string persistenceId)
    {
        var reader = kit.CreateTestProbe();
        Persistence.Instance.Apply(kit.Sys).JournalFor(null).Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, persistenceId, reader.Ref), ActorRefs.NoSender);
        var events = new List<object>();
        while (reader.ExpectMsg<object>() is ReplayedMessage replayed)
            events.Add(replayed.Persistent.Payload);
        return events;
    }
}
