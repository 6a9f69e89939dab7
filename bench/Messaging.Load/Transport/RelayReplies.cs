namespace Messaging.Load.Transport;

/// <summary>On the relay every frame that arrives is a peer's message, forwarded verbatim: its body names the send.</summary>
public sealed class RelayReplies(ILoadEvents events) : IFrameHandler
{
    public void OnFrame(ReceivedFrame frame, long receivedAt)
    {
        if (MessageText.TryReadSequence(frame.Body, out var sequence))
            events.Delivered(sequence, receivedAt);
    }

    public void OnClosed() => events.Disconnected();
}
