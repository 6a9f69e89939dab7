using Messaging.Load.Transport;

namespace Messaging.Load.Scenarios;

/// <summary>Where one sender's messages go: into a known conversation, or to a recipient (creating the conversation).</summary>
public sealed record SendRoute(LoadConnection From, Guid RecipientId, Guid? ConversationId)
{
    public void Send(long sequence) => From.Enqueue(StompFrames.Send(sequence, RecipientId, ConversationId));
}
