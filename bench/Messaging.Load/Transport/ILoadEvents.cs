namespace Messaging.Load.Transport;

/// <summary>What the connections of a run hear about its sends; timestamps are the clock's, taken as the frame arrived.</summary>
public interface ILoadEvents
{
    /// <summary>The RECEIPT of a send: the server has stored it.</summary>
    void Acknowledged(long sequence, long timestamp);

    /// <summary>The recipient got the message (a notification, or the relayed frame).</summary>
    void Delivered(long sequence, long timestamp);

    /// <summary>The server refused a send on the sender's errors queue; the connection stays open.</summary>
    void Refused(long sequence, int code, string reason, long timestamp);

    /// <summary>A STOMP ERROR frame, after which the server closes the connection.</summary>
    void ErrorFrame(string message);

    /// <summary>The server closed a connection, or it failed, while the run still used it.</summary>
    void Disconnected();
}

/// <summary>Reads the frames arriving on one connection.</summary>
public interface IFrameHandler
{
    void OnFrame(ReceivedFrame frame, long receivedAt);

    /// <summary>The connection ended without this side closing it.</summary>
    void OnClosed();
}
