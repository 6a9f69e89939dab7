using System.Collections.Immutable;
using Akka.Persistence.Journal;

namespace Messaging.Actors.Conversations;

/// <summary>
/// Tags every conversation event on its way into the journal, so that a projection (the spec's <c>conversations</c>,
/// <c>messages</c> and <c>conversation_blocks</c> tables) can follow all of them, in journal order, with one
/// <c>EventsByTag</c> query. Inbox events are not tagged: they are the inboxes' own bookkeeping, rebuilt from these.
/// Bound to <see cref="IConversationEvent"/> in the journal's configuration.
/// </summary>
public sealed class ConversationEventTagger : IWriteEventAdapter
{
    public const string Tag = "conversation";

    private static readonly IImmutableSet<string> Tags = ImmutableHashSet.Create(Tag);

    public string Manifest(object evt) => string.Empty;

    public object ToJournal(object evt) => new Tagged(evt, Tags);
}
