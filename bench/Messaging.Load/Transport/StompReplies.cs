using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Messaging.Load.Transport;

/// <summary>
/// What the server says to one STOMP client: CONNECTED and the subscriptions' RECEIPT during the handshake; then
/// RECEIPTs of sends, notifications of messages received, refusals on the errors queue and ERROR frames.
/// </summary>
public sealed class StompReplies(ILoadEvents events) : IFrameHandler
{
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static readonly byte[] ErrorsDestination = Encoding.UTF8.GetBytes(StompFrames.Errors);
    private static readonly byte[] SubscribedReceipt = Encoding.UTF8.GetBytes(StompFrames.SubscribedReceipt);

    public Task Connected => _connected.Task;

    public Task Subscribed => _subscribed.Task;

    public void OnFrame(ReceivedFrame frame, long receivedAt)
    {
        if (frame.Is("MESSAGE"u8))
            OnMessage(frame, receivedAt);
        else if (frame.Is("RECEIPT"u8))
            OnReceipt(frame, receivedAt);
        else if (frame.Is("CONNECTED"u8))
            _connected.TrySetResult();
        else if (frame.Is("ERROR"u8))
        {
            var message = frame.TryHeader("message"u8, out var header) ? Encoding.UTF8.GetString(header) : "ERROR without a message header";
            events.ErrorFrame(message);
            Fail(new InvalidOperationException($"the server sent ERROR: {message} {Encoding.UTF8.GetString(frame.Body)}"));
        }
    }

    public void OnClosed()
    {
        events.Disconnected();
        Fail(new InvalidOperationException("the server closed the connection"));
    }

    private void OnMessage(ReceivedFrame frame, long receivedAt)
    {
        if (frame.TryHeader("destination"u8, out var destination) && destination.SequenceEqual(ErrorsDestination))
            OnRefusal(frame.Body, receivedAt);
        else if (MessageText.TryReadSequence(frame.Body, out var sequence))
            events.Delivered(sequence, receivedAt);
    }

    private void OnReceipt(ReceivedFrame frame, long receivedAt)
    {
        if (!frame.TryHeader("receipt-id"u8, out var receiptId))
            return;
        if (Utf8Parser.TryParse(receiptId, out long sequence, out var consumed) && consumed == receiptId.Length)
            events.Acknowledged(sequence, receivedAt);
        else if (receiptId.SequenceEqual(SubscribedReceipt))
            _subscribed.TrySetResult();
    }

    /// <summary><c>{"type":"ERROR","code":429,"message":"...","receiptId":"17"}</c>: the receipt id is the refused send's sequence.</summary>
    private void OnRefusal(ReadOnlySpan<byte> body, long receivedAt)
    {
        var reader = new Utf8JsonReader(body);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var code = root.TryGetProperty("code", out var codeValue) && codeValue.TryGetInt32(out var number) ? number : 0;
        var reason = root.TryGetProperty("message", out var messageValue) ? messageValue.GetString() ?? "" : "";
        var sequence = root.TryGetProperty("receiptId", out var receiptValue) && long.TryParse(receiptValue.GetString(), out var parsed) ? parsed : -1;
        events.Refused(sequence, code, reason, receivedAt);
    }

    private void Fail(Exception reason)
    {
        _connected.TrySetException(reason);
        _subscribed.TrySetException(reason);
    }
}
