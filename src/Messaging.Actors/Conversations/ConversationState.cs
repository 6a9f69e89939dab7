using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using static Messaging.Actors.Conversations.ConversationCommands;
using static Messaging.Actors.Conversations.ConversationEvents;
using static Messaging.Actors.Conversations.ConversationQueries;
using static Messaging.Actors.Conversations.ConversationReplies;

namespace Messaging.Actors.Conversations;

/// <summary>What a command decided: the reply to give once <see cref="Events"/> are durable (none means nothing changed).</summary>
public sealed record Decision(IMessagingReply Reply, ImmutableArray<IConversationEvent> Events)
{
    public static Decision Reject(Rejection rejection) => new(rejection, []);
}

/// <summary>
/// Everything one conversation knows, and every rule about it. Pure: the actor feeds it commands and events,
/// and it never does I/O, so the rules are tested without actors.
/// </summary>
public sealed record ConversationState
{
    public const int MaxTextLength = 10_000;

    public required ConversationId Id { get; init; }
    public bool Started { get; private init; }
    public ProductId? ProductId { get; private init; }
    public UserId ParticipantA { get; private init; }
    public UserId ParticipantB { get; private init; }
    public DateTimeOffset CreatedAt { get; private init; }
    /// <summary>Every message in order, each with its read flag as it is now (a copy).</summary>
    public IReadOnlyList<ChatMessage> Messages => MessagesAsReadNow;
    /// <summary>Who blocked the conversation and when. Sending is refused while anyone has.</summary>
    public ImmutableDictionary<UserId, DateTimeOffset> Blocks { get; private init; } = ImmutableDictionary<UserId, DateTimeOffset>.Empty;

    /// <summary>The messages as they were sent: whether each is read is in <see cref="Unread"/>, which a read changes.</summary>
    private MessageLog Log { get; init; } = MessageLog.CreateEmpty();
    private ImmutableDictionary<UserId, ImmutableHashSet<MessageId>> Unread { get; init; } = ImmutableDictionary<UserId, ImmutableHashSet<MessageId>>.Empty;

    private ImmutableArray<ChatMessage> MessagesAsReadNow => [..Log.Select(AsReadNow)];

    public static ConversationState Empty(ConversationId id) => new() { Id = id };

    public bool IsParticipant(UserId user) => Started && (user == ParticipantA || user == ParticipantB);

    public UserId OtherParticipant(UserId user) => user == ParticipantA ? ParticipantB : ParticipantA;

    public ImmutableHashSet<MessageId> UnreadFor(UserId user) => Unread.GetValueOrDefault(user, []);

    /// <summary>The newest message as it was sent: only its text and time are read, so its read flag is not worked out.</summary>
    private ChatMessage? LastSent => Log.Count == 0 ? null : Log[^1];

    public ConversationSummary SummaryFor(UserId viewer) => new(
        Id,
        ProductId,
        OtherParticipant(viewer),
        LastSent?.Text,
        LastSent?.CreatedAt,
        UnreadFor(viewer).Count,
        IsBlocked: !Blocks.IsEmpty,
        BlockedByMe: Blocks.ContainsKey(viewer));

    /// <summary>Decides a command. <paramref name="now"/> and <paramref name="newMessageId"/> come from the actor, so this stays pure.</summary>
    public Decision Process(IWithConversationId command, DateTimeOffset now, MessageId newMessageId) => command switch
    {
        SendMessage send => Send(send, now, newMessageId),
        MarkRead markRead => Read(markRead, now),
        SetBlocked setBlocked => Block(setBlocked, now),
        _ => throw new ArgumentException($"{command.GetType().Name} is not a conversation command", nameof(command)),
    };

    /// <summary>Answers a query from the current state.</summary>
    public IMessagingReply Answer(IWithConversationId query) => query switch
    {
        GetMessages get => Page(get),
        GetSummary get => (IMessagingReply?)Visible(get.ViewerId) ?? SummaryFor(get.ViewerId),
        LocateMessages locate => new MessagesLocated(Id, IsParticipant(locate.ViewerId)
            ? [..locate.MessageIds.Where(id => Log.TryGetPosition(id, out _)).Distinct()]
            : []),
        _ => throw new ArgumentException($"{query.GetType().Name} is not a conversation query", nameof(query)),
    };

    public ConversationState Apply(IConversationEvent evt) => evt switch
    {
        ConversationStarted started => (started.InitiatorId.Value.CompareTo(started.RecipientId.Value) < 0
            ? this with { ParticipantA = started.InitiatorId, ParticipantB = started.RecipientId }
            : this with { ParticipantA = started.RecipientId, ParticipantB = started.InitiatorId }) with
        {
            Started = true,
            ProductId = started.ProductId,
            CreatedAt = started.At,
        },
        MessageSent sent => this with
        {
            Log = Log.Append(sent.Message),
            Unread = sent.Message.Read ? Unread : Unread.SetItem(sent.Message.RecipientId, UnreadFor(sent.Message.RecipientId).Add(sent.Message.Id)),
        },
        MessagesRead read => this with
        {
            Unread = Unread.SetItem(read.ReaderId, UnreadFor(read.ReaderId).Except(read.MessageIds)),
        },
        ConversationBlocked blocked => this with { Blocks = Blocks.SetItem(blocked.BlockedBy, blocked.At) },
        ConversationUnblocked unblocked => this with { Blocks = Blocks.Remove(unblocked.UnblockedBy) },
        _ => throw new ArgumentException($"{evt.GetType().Name} is not a conversation event", nameof(evt)),
    };

    /// <summary>Null when <paramref name="user"/> may tell the other participant they are typing.</summary>
    public Rejection? MayType(UserId user) =>
        Visible(user) ?? (Blocks.IsEmpty ? null : Rejection.Forbidden("conversation is blocked"));

    /// <summary>Null when the text is acceptable: 1 to 10,000 characters (Unicode scalar values), not only white space.</summary>
    public static Rejection? ValidateText(string? text)
    {
        if (text is null || text.EnumerateRunes().All(IsInvisible))
            return Rejection.Invalid("text must not be empty");
        var length = text.Length <= MaxTextLength ? text.Length : text.EnumerateRunes().Count();
        return length > MaxTextLength ? Rejection.Invalid($"text must be at most {MaxTextLength} characters") : null;
    }

    /// <summary>White space, control and format characters (NUL, U+200B, U+FEFF…) show nothing: text of only these is empty.</summary>
    private static bool IsInvisible(Rune rune) =>
        Rune.IsWhiteSpace(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format;

    private Rejection? Visible(UserId viewer) =>
        !Started ? Rejection.NotFound("conversation not found")
        : !IsParticipant(viewer) ? Rejection.Forbidden("not a participant of this conversation")
        : null;

    private Decision Send(SendMessage send, DateTimeOffset now, MessageId newMessageId)
    {
        if (ValidateText(send.Text) is { } invalidText)
            return Decision.Reject(invalidText);
        if (send.RecipientId == send.SenderId)
            return Decision.Reject(Rejection.Invalid("cannot send a message to yourself"));

        ImmutableArray<IConversationEvent> opening = [];
        var state = this;
        if (!Started)
        {
            // Only the id derived from (product, sender, recipient) may be started, so an id a client made up never becomes a conversation.
            if (send.RecipientId is not { } recipient || ConversationIdentity.For(send.ProductId, send.SenderId, recipient) != Id)
                return Decision.Reject(Rejection.NotFound("conversation not found"));
            var started = new ConversationStarted(Id, send.ProductId, send.SenderId, recipient, now);
            opening = [started];
            state = Apply(started);
        }
        else if (!IsParticipant(send.SenderId))
            return Decision.Reject(Rejection.Forbidden("not a participant of this conversation"));
        // A retry of a stored send is answered with what was stored, whatever happened since (a block, say).
        else if (send.ClientMessageId is { } clientMessageId && Log.TryGetPosition(send.SenderId, clientMessageId, out var stored))
            return new Decision(new MessageAccepted(AsReadNow(Log[stored])), []);
        else if (send.RecipientId is { } recipient && recipient != OtherParticipant(send.SenderId))
            return Decision.Reject(Rejection.Invalid("recipientId is not the other participant of this conversation"));
        else if (send.ProductId is { } product && product != ProductId)
            return Decision.Reject(Rejection.Invalid("productId is not the product of this conversation"));
        else if (!Blocks.IsEmpty)
            return Decision.Reject(Rejection.Forbidden("conversation is blocked"));

        var message = new ChatMessage(
            newMessageId,
            Id,
            send.SenderId,
            state.OtherParticipant(send.SenderId),
            state.ProductId,
            send.Text,
            NextTimestamp(now),
            Read: false,
            send.Sender.Name,
            send.Sender.Email,
            send.ClientMessageId);
        return new Decision(new MessageAccepted(message), opening.Add(new MessageSent(Id, message)));
    }

    /// <summary>Message times strictly increase within a conversation, at the millisecond precision they are shown with.</summary>
    private DateTimeOffset NextTimestamp(DateTimeOffset now)
    {
        var truncated = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
        return LastSent is { } last && truncated <= last.CreatedAt ? last.CreatedAt.AddMilliseconds(1) : truncated;
    }

    private Decision Read(MarkRead markRead, DateTimeOffset now)
    {
        if (Visible(markRead.ReaderId) is { } hidden)
            return Decision.Reject(hidden.Reason == RejectionReason.NotFound ? Rejection.Forbidden("not a participant of this conversation") : hidden);
        var unread = UnreadFor(markRead.ReaderId);
        ImmutableArray<MessageId> updated = [..markRead.MessageIds.Distinct().Where(unread.Contains)];
        var reply = new MessagesMarkedRead(Id, updated);
        return updated.IsEmpty ? new Decision(reply, []) : new Decision(reply, [new MessagesRead(Id, markRead.ReaderId, updated, now)]);
    }

    private Decision Block(SetBlocked setBlocked, DateTimeOffset now)
    {
        if (Visible(setBlocked.UserId) is { } hidden)
            return Decision.Reject(hidden);
        var reply = new BlockChanged(Id, setBlocked.Block, setBlocked.UserId);
        var alreadyBlocked = Blocks.ContainsKey(setBlocked.UserId);
        if (setBlocked.Block == alreadyBlocked)
            return new Decision(reply, []);
        IConversationEvent change = setBlocked.Block
            ? new ConversationBlocked(Id, setBlocked.UserId, now)
            : new ConversationUnblocked(Id, setBlocked.UserId, now);
        return new Decision(reply, [change]);
    }

    private IMessagingReply Page(GetMessages get)
    {
        if (Visible(get.ViewerId) is { } hidden)
            return hidden;
        if (get.Limit < 1)
            return Rejection.Invalid("limit must be at least 1");
        var end = Log.Count;
        if (get.Before is { } before)
        {
            if (!Log.TryGetPosition(before, out end))
                return Rejection.Invalid("before is not a message of this conversation");
        }
        var start = Math.Max(0, end - get.Limit);
        return new MessagePage([..Enumerable.Range(start, end - start).Select(position => AsReadNow(Log[position]))]);
    }

    /// <summary>The message with the read flag it has now: set once its recipient has read it.</summary>
    private ChatMessage AsReadNow(ChatMessage message)
    {
        var read = !UnreadFor(message.RecipientId).Contains(message.Id);
        return message.Read == read ? message : message with { Read = read };
    }

    public ConversationSnapshot ToSnapshot() => new(
        Id, Started, ProductId, ParticipantA, ParticipantB, CreatedAt, MessagesAsReadNow,
        [..Blocks.Select(block => new BlockRecord(block.Key, block.Value))]);

    public static ConversationState FromSnapshot(ConversationSnapshot snapshot)
    {
        var state = new ConversationState
        {
            Id = snapshot.ConversationId,
            Started = snapshot.Started,
            ProductId = snapshot.ProductId,
            ParticipantA = snapshot.ParticipantA,
            ParticipantB = snapshot.ParticipantB,
            CreatedAt = snapshot.CreatedAt,
            Blocks = snapshot.Blocks.ToImmutableDictionary(block => block.BlockedBy, block => block.At),
        };
        return snapshot.Messages.Aggregate(state, (current, message) => current.Apply(new MessageSent(snapshot.ConversationId, message)));
    }
}

public sealed record BlockRecord(UserId BlockedBy, DateTimeOffset At);

/// <summary>The stored form of <see cref="ConversationState"/>: plain data, so the in-memory indexes can change freely.</summary>
public sealed record ConversationSnapshot(
    ConversationId ConversationId,
    bool Started,
    ProductId? ProductId,
    UserId ParticipantA,
    UserId ParticipantB,
    DateTimeOffset CreatedAt,
    ImmutableArray<ChatMessage> Messages,
    ImmutableArray<BlockRecord> Blocks) : IWithConversationId;
