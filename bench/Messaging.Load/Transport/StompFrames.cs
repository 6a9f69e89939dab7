using System.Text;

namespace Messaging.Load.Transport;

/// <summary>The frames a load client sends, encoded once each as the bytes of one WebSocket message.</summary>
public static class StompFrames
{
    public const string Notifications = "/user/queue/notifications";
    public const string Errors = "/user/queue/errors";

    /// <summary>The receipt asked for with the last SUBSCRIBE: when it comes, the client is fully set up.</summary>
    public const string SubscribedReceipt = "subscribed";

    /// <summary>A heart-beat is a lone end-of-line.</summary>
    public static readonly ReadOnlyMemory<byte> HeartBeat = "\n"u8.ToArray();

    public static byte[] Connect(string token, TimeSpan heartBeat)
    {
        var milliseconds = (long)heartBeat.TotalMilliseconds;
        return Encode($"CONNECT\naccept-version:1.2\nhost:localhost\nheart-beat:{milliseconds},{milliseconds}\nAuthorization:Bearer {token}\n\n");
    }

    public static byte[] Subscribe(string id, string destination, string? receipt = null) =>
        Encode(receipt is null
            ? $"SUBSCRIBE\nid:{id}\ndestination:{destination}\n\n"
            : $"SUBSCRIBE\nid:{id}\ndestination:{destination}\nreceipt:{receipt}\n\n");

    /// <summary>
    /// SEND to <c>/app/message.send</c> whose receipt id is the sequence number. Into a known conversation by its id;
    /// otherwise by recipient, which creates the conversation on first use.
    /// </summary>
    public static byte[] Send(long sequence, Guid recipientId, Guid? conversationId)
    {
        var target = conversationId is { } id ? $"\"conversationId\":\"{id}\"" : $"\"recipientId\":\"{recipientId}\"";
        return Encode($"SEND\ndestination:/app/message.send\ncontent-type:application/json\nreceipt:{sequence}\n\n{{{target},\"text\":\"{MessageText.For(sequence)}\"}}");
    }

    private static byte[] Encode(string frameWithoutNul)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(frameWithoutNul) + 1];
        Encoding.UTF8.GetBytes(frameWithoutNul, bytes);
        return bytes; // the last byte stays 0: the frame's NUL
    }
}
