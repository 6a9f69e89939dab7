using static Messaging.Actors.Conversations.ConversationEvents;

namespace Messaging.Actors.Conversations;

/// <summary>The DistributedPubSub topics events are published on; socket sessions on any node subscribe to them.</summary>
public static class ConversationTopics
{
    public static string Conversation(ConversationId id) => $"conversation.{id}";

    public static string User(UserId id) => $"user.{id}";

    /// <summary>A typing notice goes to the conversation topic and the other participant; sessions drop their own user's.</summary>
    public static IEnumerable<string> For(ConversationNotifications.UserTyping typing, ConversationState state) =>
        [Conversation(typing.ConversationId), User(state.OtherParticipant(typing.UserId))];

    /// <summary>Where a persisted event is announced, following the spec: the conversation topic, and the user who must hear of it.</summary>
    public static IEnumerable<string> For(IConversationEvent evt, ConversationState state) => evt switch
    {
        MessageSent sent => [Conversation(sent.ConversationId), User(sent.Message.RecipientId)],
        MessagesRead read => [Conversation(read.ConversationId), User(state.OtherParticipant(read.ReaderId))],
        ConversationBlocked blocked => [User(state.OtherParticipant(blocked.BlockedBy))],
        ConversationUnblocked unblocked => [User(state.OtherParticipant(unblocked.UnblockedBy))],
        _ => [],
    };
}
