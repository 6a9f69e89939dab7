using Akka.Cluster.Tools.PublishSubscribe;
using static Messaging.Actors.Conversations.ConversationEvents;

namespace Messaging.Actors.Conversations;

/// <summary>The DistributedPubSub topics events are published on; socket sessions on any node subscribe to them.</summary>
public static class ConversationTopics
{
    /// <summary>
    /// An event (or a typing notice) as published on one topic. It names the topic, so a session subscribed to
    /// several topics subscribes itself to each and still knows which one carried what it hears.
    /// </summary>
    public sealed record Announcement(string Topic, object Event) : IMessagingReply;

    public static string Conversation(ConversationId id) => $"conversation.{id}";

    public static string User(UserId id) => $"user.{id}";

    /// <summary>A typing notice goes to the conversation topic and the other participant; sessions drop their own user's.</summary>
    public static IEnumerable<Publish> Announce(ConversationNotifications.UserTyping typing, ConversationState state) =>
        Announce(typing, [Conversation(typing.ConversationId), User(state.OtherParticipant(typing.UserId))]);

    /// <summary>Where a persisted event is announced, following the spec: the conversation topic, and the user who must hear of it.</summary>
    public static IEnumerable<Publish> Announce(IConversationEvent evt, ConversationState state) => evt switch
    {
        MessageSent sent => Announce(evt, [Conversation(sent.ConversationId), User(sent.Message.RecipientId)]),
        MessagesRead read => Announce(evt, [Conversation(read.ConversationId), User(state.OtherParticipant(read.ReaderId))]),
        ConversationBlocked blocked => Announce(evt, [User(state.OtherParticipant(blocked.BlockedBy))]),
        ConversationUnblocked unblocked => Announce(evt, [User(state.OtherParticipant(unblocked.UnblockedBy))]),
        _ => [],
    };

    private static IEnumerable<Publish> Announce(object evt, string[] topics) =>
        topics.Select(topic => new Publish(topic, new Announcement(topic, evt)));
}
