using System.Collections.Immutable;
using System.Diagnostics;
using Akka.Actor;
using Akka.Hosting;
using Messaging.Actors;
using Messaging.Actors.Conversations;
using Messaging.Actors.Inbox;
using static Messaging.Actors.Conversations.ConversationReplies;

namespace Messaging.Actors.Doors;

/// <summary>Either a value or the reason it was refused.</summary>
public readonly record struct Outcome<T>(T? Value, Rejection? Rejection)
{
    public static implicit operator Outcome<T>(T value) => new(value, null);
    public static implicit operator Outcome<T>(Rejection rejection) => new(default, rejection);
}

/// <summary>
/// What a door (REST today, STOMP next) does before and after asking an entity: parse ids, resolve a recipient
/// and product in the directory, derive the conversation id. Knows no HTTP; every rule stays in the entities.
/// </summary>
public sealed class ConversationGateway(
    IRequiredActor<ConversationActor> conversations,
    IRequiredActor<UserInboxActor> inboxes,
    IDirectory directory,
    AdmissionGate sends,
    MessagingSettings settings,
    MessagingMetrics metrics,
    IStoreHealth? store = null)
{
    public const int MaxMarkReadIds = 1000;
    public const int MaxClientMessageIdLength = 100;

    /// <summary>Sends, and counts the send as accepted or refused for its <paramref name="door"/>.</summary>
    public async Task<Outcome<ChatMessage>> Send(Caller me, SendMessageRequest request, Door door, CancellationToken cancellationToken)
    {
        var startedAt = Stopwatch.GetTimestamp();
        Outcome<ChatMessage> outcome;
        try
        {
            outcome = await SendUncounted(me, request, cancellationToken);
        }
        catch (AskTimeoutException)
        {
            metrics.SendRefused(door, RejectionReason.Unavailable); // what both doors answer
            throw;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            metrics.SendFailed(door);
            throw;
        }
        if (outcome.Rejection is { } rejection)
            metrics.SendRefused(door, rejection.Reason);
        else
            metrics.SendAccepted(door, startedAt);
        return outcome;
    }

    private async Task<Outcome<ChatMessage>> SendUncounted(Caller me, SendMessageRequest request, CancellationToken cancellationToken)
    {
        if (ConversationState.ValidateText(request.Text) is { } invalidText)
            return invalidText;
        if (request.ClientMessageId is { } clientMessageId && (clientMessageId.Length is 0 or > MaxClientMessageIdLength || clientMessageId.Any(char.IsControl)))
            return Rejection.Invalid($"clientMessageId must be 1 to {MaxClientMessageIdLength} characters, none of them control characters");
        if (!TryParseOptional<ConversationId>(request.ConversationId, "conversationId", out var conversationId, out var invalid)
            || !TryParseOptional<UserId>(request.RecipientId, "recipientId", out var recipientId, out invalid)
            || !TryParseOptional<ProductId>(request.ProductId, "productId", out var productId, out invalid))
            return invalid!;
        if (conversationId is null && recipientId is null)
            return Rejection.Invalid("conversationId or recipientId is required");
        if (recipientId == me.Id)
            return Rejection.Invalid("cannot send a message to yourself");
        if (store?.Problem is not null)
            return Rejection.StoreUnavailable; // before the directory lookups, which would wait for the store too
        using var admitted = sends.TryEnter();
        if (admitted is null)
            return Rejection.Unavailable("the server is at capacity; retry shortly");
        if (await FindCounterpart(recipientId, productId, cancellationToken) is { } missing)
            return missing;

        var sender = await directory.FindUser(me.Id, cancellationToken);
        var command = new ConversationCommands.SendMessage(
            conversationId ?? ConversationIdentity.For(productId, me.Id, recipientId!.Value),
            me.Id, recipientId, productId, request.Text!,
            new SenderProfile(sender?.Name ?? me.Name, sender?.Email ?? me.Email),
            request.ClientMessageId);
        return await Ask(inboxes.ActorRef, command, cancellationToken) switch
        {
            MessageAccepted accepted => accepted.Message,
            var other => Refusal(other),
        };
    }

    /// <summary>Tells the other participant that <paramref name="me"/> is typing (rate limited, throttled, never stored).</summary>
    public async Task<Outcome<bool>> StartTyping(Caller me, string? conversationIdText, CancellationToken cancellationToken)
    {
        if (!TryParseRequired<ConversationId>(conversationIdText, "conversationId", out var conversationId, out var invalid))
            return invalid!;
        return await Ask(inboxes.ActorRef, new ConversationCommands.StartTyping(conversationId, me.Id), cancellationToken) switch
        {
            TypingAccepted accepted => accepted.Relayed,
            var other => Refusal(other),
        };
    }

    /// <summary>History by conversation id, or by recipient (and product): a conversation not started yet has no messages.</summary>
    public async Task<Outcome<ImmutableArray<ChatMessage>>> History(
        Caller me, string? conversationIdText, string? recipientIdText, string? productIdText, string? limitText, string? beforeText, CancellationToken cancellationToken)
    {
        if (!TryParseOptional<ConversationId>(conversationIdText, "conversationId", out var conversationId, out var invalid)
            || !TryParseOptional<UserId>(recipientIdText, "recipientId", out var recipientId, out invalid)
            || !TryParseOptional<ProductId>(productIdText, "productId", out var productId, out invalid)
            || !TryParseOptional<MessageId>(beforeText, "before", out var before, out invalid))
            return invalid!;
        var limit = settings.HistoryPageSize;
        if (limitText is not null && (!int.TryParse(limitText, out limit) || limit < 1 || limit > settings.HistoryPageSize))
            return Rejection.Invalid($"limit must be a whole number from 1 to {settings.HistoryPageSize}");

        var byRecipient = conversationId is null;
        if (!byRecipient && recipientId is not null && await CheckRecipient(me, conversationId!.Value, recipientId.Value, cancellationToken) is { } mismatch)
            return mismatch;
        if (byRecipient)
        {
            if (recipientId is null)
                return Rejection.Invalid("conversationId or recipientId is required");
            if (recipientId == me.Id)
                return Rejection.Invalid("recipientId must be another user");
            if (await FindCounterpart(recipientId, productId, cancellationToken) is { } missing)
                return missing;
            conversationId = ConversationIdentity.For(productId, me.Id, recipientId.Value);
        }

        return await Ask(conversations.ActorRef, new ConversationQueries.GetMessages(conversationId!.Value, me.Id, limit, before), cancellationToken) switch
        {
            MessagePage page => page.Messages,
            Rejection { Reason: RejectionReason.NotFound } when byRecipient => ImmutableArray<ChatMessage>.Empty,
            var other => Refusal(other),
        };
    }

    public async Task<Outcome<int>> MarkRead(Caller me, MarkReadRequest request, CancellationToken cancellationToken)
    {
        if (request.MessageIds is not { Count: > 0 } raw)
            return Rejection.Invalid("messageIds must be a non-empty array");
        if (raw.Count > MaxMarkReadIds)
            return Rejection.Invalid($"at most {MaxMarkReadIds} messageIds per request");
        var ids = ImmutableArray.CreateBuilder<MessageId>(raw.Count);
        foreach (var text in raw)
        {
            if (!Guid.TryParse(text, out var id))
                return Rejection.Invalid($"messageIds contains an invalid UUID: '{text}'");
            ids.Add(new MessageId(id));
        }
        return await Ask(inboxes.ActorRef, new InboxCommands.MarkRead(me.Id, ids.MoveToImmutable()), cancellationToken) switch
        {
            InboxReplies.MarkedRead marked => marked.UpdatedCount,
            var other => Refusal(other),
        };
    }

    public async Task<Outcome<BlockChanged>> SetBlocked(Caller me, string conversationIdText, BlockRequest request, CancellationToken cancellationToken)
    {
        if (!TryParseRequired<ConversationId>(conversationIdText, "conversationId", out var conversationId, out var invalid))
            return invalid!;
        if (request.Block is not { } block)
            return Rejection.Invalid("block (true or false) is required");
        return await Ask(conversations.ActorRef, new ConversationCommands.SetBlocked(conversationId, me.Id, block), cancellationToken) switch
        {
            BlockChanged changed => changed,
            var other => Refusal(other),
        };
    }

    /// <summary>Null when <paramref name="me"/> is a participant of the conversation (the check behind a topic subscription).</summary>
    public async Task<Rejection?> CheckParticipant(Caller me, ConversationId conversationId, CancellationToken cancellationToken) =>
        await Ask(conversations.ActorRef, new ConversationQueries.GetSummary(conversationId, me.Id), cancellationToken) as Rejection;

    public async Task<Outcome<ConversationView>> Conversation(Caller me, string conversationIdText, CancellationToken cancellationToken)
    {
        if (!TryParseRequired<ConversationId>(conversationIdText, "conversationId", out var conversationId, out var invalid))
            return invalid!;
        return await Ask(conversations.ActorRef, new ConversationQueries.GetSummary(conversationId, me.Id), cancellationToken) switch
        {
            ConversationSummary summary => await View(summary, cancellationToken),
            var other => Refusal(other),
        };
    }

    public async Task<Outcome<ImmutableArray<ConversationView>>> Conversations(Caller me, CancellationToken cancellationToken)
    {
        if (await Ask(inboxes.ActorRef, new InboxQueries.GetConversations(me.Id), cancellationToken) is not InboxReplies.ConversationList list)
            return Rejection.StoreUnavailable;
        // One directory lookup for all the names and one for all the products, not one per conversation.
        var users = await directory.FindUsers([..list.Conversations.Select(summary => summary.ParticipantId)], cancellationToken);
        var products = await directory.FindProducts([..list.Conversations.Select(summary => summary.ProductId).OfType<ProductId>()], cancellationToken);
        return list.Conversations.Select(summary => new ConversationView(
            summary, summary.ProductId is { } product ? products.GetValueOrDefault(product) : null, users.GetValueOrDefault(summary.ParticipantId))).ToImmutableArray();
    }

    private async Task<ConversationView> View(ConversationSummary summary, CancellationToken cancellationToken) => new(
        summary,
        summary.ProductId is { } product ? await directory.FindProduct(product, cancellationToken) : null,
        await directory.FindUser(summary.ParticipantId, cancellationToken));

    /// <summary>A recipientId next to a conversationId must name its other participant, as a send requires (400 otherwise).</summary>
    private async Task<Rejection?> CheckRecipient(Caller me, ConversationId conversationId, UserId recipientId, CancellationToken cancellationToken) =>
        await Ask(conversations.ActorRef, new ConversationQueries.GetSummary(conversationId, me.Id), cancellationToken) switch
        {
            ConversationSummary summary when summary.ParticipantId == recipientId => null,
            ConversationSummary => Rejection.Invalid("recipientId is not the other participant of this conversation"),
            var other => Refusal(other),
        };

    private async Task<Rejection?> FindCounterpart(UserId? recipientId, ProductId? productId, CancellationToken cancellationToken)
    {
        if (recipientId is { } recipient && await directory.FindUser(recipient, cancellationToken) is null)
            return Rejection.NotFound("recipient not found");
        if (productId is { } product && await directory.FindProduct(product, cancellationToken) is null)
            return Rejection.NotFound("product not found");
        return null;
    }

    /// <summary>
    /// Asks an entity. While the store does not answer, entities can neither persist nor recover: the request is refused
    /// at once, over either door, instead of waiting out its AskTimeout.
    /// </summary>
    private Task<IMessagingReply> Ask(IActorRef entities, object message, CancellationToken cancellationToken) =>
        store?.Problem is null
            ? entities.Ask<IMessagingReply>(message, settings.AskTimeout, cancellationToken)
            : Task.FromResult<IMessagingReply>(Rejection.StoreUnavailable);

    private static Rejection Refusal(IMessagingReply reply) =>
        reply as Rejection ?? throw new InvalidOperationException($"unexpected reply {reply.GetType().Name}");

    private static bool TryParseOptional<T>(string? text, string field, out T? id, out Rejection? invalid) where T : struct, IGuidId<T>
    {
        id = null;
        invalid = null;
        if (string.IsNullOrEmpty(text))
            return true; // an empty value is an absent one, as frontends send "productId": "" or ?productId=
        if (TryParseRequired<T>(text, field, out var parsed, out invalid))
            id = parsed;
        return invalid is null;
    }

    private static bool TryParseRequired<T>(string? text, string field, out T id, out Rejection? invalid) where T : struct, IGuidId<T>
    {
        var ok = Guid.TryParse(text, out var value);
        id = T.From(value);
        invalid = ok ? null : Rejection.Invalid($"{field} must be a UUID");
        return ok;
    }
}
