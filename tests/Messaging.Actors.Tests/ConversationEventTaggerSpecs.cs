using Akka.Persistence.Journal;
using Messaging.Actors.Conversations;
using static Messaging.Actors.Conversations.ConversationEvents;

namespace Messaging.Actors.Tests;

public sealed class ConversationEventTaggerSpecs
{
    private static readonly ConversationId Conversation = new(Guid.NewGuid());

    [Fact]
    public void A_conversation_event_goes_to_the_journal_tagged_conversation_and_unchanged()
    {
        var blocked = new ConversationBlocked(Conversation, new UserId(Guid.NewGuid()), DateTimeOffset.UnixEpoch);

        var tagged = Assert.IsType<Tagged>(new ConversationEventTagger().ToJournal(blocked));

        Assert.Same(blocked, tagged.Payload);
        Assert.Equal(["conversation"], tagged.Tags);
    }

    [Fact]
    public void The_tagger_adds_no_manifest_of_its_own()
    {
        var read = new MessagesRead(Conversation, new UserId(Guid.NewGuid()), [new MessageId(Guid.NewGuid())], DateTimeOffset.UnixEpoch);

        Assert.Equal("", new ConversationEventTagger().Manifest(read));
    }
}
