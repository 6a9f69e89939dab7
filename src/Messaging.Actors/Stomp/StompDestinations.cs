using System.Text.Json;
using Messaging.Actors.Conversations;
using Messaging.Actors.Doors;
using static Messaging.Actors.Conversations.ConversationEvents;

namespace Messaging.Actors.Stomp;

public enum DestinationKind
{
    ConversationTopic,
    UserNotifications,
    UserErrors,
}

/// <summary>A destination a client may subscribe to, and the pub/sub topic that feeds it (none for the errors queue).</summary>
public sealed record Destination(DestinationKind Kind, string Name, string? Topic, ConversationId? ConversationId)
{
    public const string Notifications = "/user/queue/notifications";
    public const string Errors = "/user/queue/errors";
    public const string ConversationPrefix = "/topic/conversation.";

    /// <summary>Resolves a SUBSCRIBE destination for <paramref name="user"/>; <c>/user/...</c> always means the connected user, as in Spring.</summary>
    public static Destination? Parse(string? name, UserId user) => name switch
    {
        Notifications => new Destination(DestinationKind.UserNotifications, name, ConversationTopics.User(user), null),
        Errors => new Destination(DestinationKind.UserErrors, name, null, null),
        not null when name.StartsWith(ConversationPrefix, StringComparison.Ordinal) && Guid.TryParse(name.AsSpan(ConversationPrefix.Length), out var id) =>
            new Destination(DestinationKind.ConversationTopic, name, ConversationTopics.Conversation(new ConversationId(id)), new ConversationId(id)),
        _ => null,
    };
}

/// <summary>The destinations a client SENDs to; each takes the JSON request its REST twin takes (typing has none).</summary>
public static class AppDestinations
{
    public const string MessageSend = "/app/message.send";
    public const string TypingStart = "/app/typing.start";
    public const string MessagesRead = "/app/messages.read";
    public const string ConversationBlock = "/app/conversation.block";
}

/// <summary>Turns what a conversation published into the JSON body a subscriber of a destination sees, or null when it sees nothing.</summary>
public static class StompEvents
{
    public static byte[]? Body(DestinationKind kind, object published, UserId viewer) => (kind, published) switch
    {
        (DestinationKind.ConversationTopic, MessageSent sent) =>
            Json(new NewMessageEvent(sent.ConversationId.Value, MessageResponse.From(sent.Message))),
        (DestinationKind.UserNotifications, MessageSent sent) =>
            Json(new NewMessageNotification(sent.ConversationId.Value,
                new MessagePreview(sent.Message.Id.Value, sent.Message.Text, sent.Message.SenderId.Value, sent.Message.SenderName))),
        (DestinationKind.ConversationTopic or DestinationKind.UserNotifications, MessagesRead read) =>
            Json(new MessageReadEvent(read.ConversationId.Value, [..read.MessageIds.Select(id => id.Value)], read.ReaderId.Value)),
        // Nobody is told about their own typing, also not on a topic they share with the other participant.
        (DestinationKind.ConversationTopic or DestinationKind.UserNotifications, ConversationNotifications.UserTyping typing) when typing.UserId != viewer =>
            Json(new UserTypingEvent(typing.ConversationId.Value, typing.UserId.Value)),
        (DestinationKind.UserNotifications, ConversationBlocked blocked) =>
            Json(new BlockEvent(BlockEvent.Blocked, blocked.ConversationId.Value, blocked.BlockedBy.Value)),
        (DestinationKind.UserNotifications, ConversationUnblocked unblocked) =>
            Json(new BlockEvent(BlockEvent.Unblocked, unblocked.ConversationId.Value, unblocked.UnblockedBy.Value)),
        _ => null,
    };

    public static byte[] Error(int code, string message, string? receiptId) => Json(new ErrorEvent(code, message, receiptId));

    private static byte[] Json<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, DoorJson.Options);
}
