using Akka.Actor;
using Messaging.Actors.Conversations;

namespace Messaging.Actors.Inbox;

/// <summary>
/// Carries out a mark-read request across the caller's conversations. Runs outside the inbox actor (its result
/// is piped back), and only asks conversations, which stay the authority on what is read.
/// </summary>
public static class MarkReadFanOut
{
    /// <param name="budget">How long all of it may take, so the answer arrives before the door stops waiting.</param>
    public static async Task<IMessagingReply> Run(
        IActorRef conversations, UserId reader, MarkReadPlan plan, IReadOnlyCollection<ConversationId> readerConversations, TimeSpan budget)
    {
        var deadline = DateTimeOffset.UtcNow + budget;
        TimeSpan Remaining() => deadline - DateTimeOffset.UtcNow is var left && left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1);
        try
        {
            var groups = plan.Known.ToDictionary(entry => entry.Key, entry => entry.Value);
            if (!plan.Unknown.IsEmpty)
            {
                // Ids the inbox does not list as unread: already read, sent by the reader, or not the reader's at all.
                var located = await Task.WhenAll(readerConversations.Select(id =>
                    conversations.Ask<ConversationReplies.MessagesLocated>(new ConversationQueries.LocateMessages(id, reader, plan.Unknown), Remaining())));
                foreach (var found in located.Where(found => !found.MessageIds.IsEmpty))
                    groups[found.ConversationId] = groups.GetValueOrDefault(found.ConversationId, []).AddRange(found.MessageIds);
                if (plan.Unknown.Except(located.SelectMany(found => found.MessageIds)).Any())
                    return Rejection.Forbidden("messageIds include messages that are not in your conversations");
            }

            var results = await Task.WhenAll(groups.Select(group =>
                conversations.Ask<IMessagingReply>(new ConversationCommands.MarkRead(group.Key, reader, group.Value), Remaining())));
            return results.OfType<Rejection>().FirstOrDefault()
                   ?? (IMessagingReply)new InboxReplies.MarkedRead(results.OfType<ConversationReplies.MessagesMarkedRead>().Sum(marked => marked.MessageIds.Length));
        }
        catch (AskTimeoutException)
        {
            // Whatever was marked is durable; marking again is harmless, so the caller may simply retry.
            return Rejection.Unavailable("a conversation did not answer in time; retry shortly");
        }
    }
}
