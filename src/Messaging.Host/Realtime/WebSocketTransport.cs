using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Akka.Actor;
using Messaging.Actors.Stomp;

namespace Messaging.Host.Realtime;

/// <summary>
/// Carries one STOMP session over a raw WebSocket: received bytes go to the session as they arrive (the decoder
/// joins and splits frames), outgoing frames wait in a bounded queue drained by one writer.
/// </summary>
public sealed class WebSocketTransport(WebSocket socket, int queueCapacity) : IStompTransport
{
    private const int ReceiveBufferBytes = 16 * 1024;

    private readonly Channel<ReadOnlyMemory<byte>> _outgoing = Channel.CreateBounded<ReadOnlyMemory<byte>>(
        new BoundedChannelOptions(queueCapacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>
    /// Cancelled when our side starts closing, which starts the <see cref="CloseDeadline"/>. Never disposed: the session
    /// may close after the pumps are done, and a source without a timer holds nothing worth freeing early.
    /// </summary>
    private readonly CancellationTokenSource _closing = new();

    /// <summary>Completed when reading may go on; null while it may.</summary>
    private TaskCompletionSource? _paused;

    public bool TrySend(ReadOnlyMemory<byte> bytes) => _outgoing.Writer.TryWrite(bytes);

    public void Close()
    {
        _outgoing.Writer.TryComplete();
        _closing.Cancel();
    }

    public void SetReceiving(bool receiving)
    {
        if (receiving)
            Interlocked.Exchange(ref _paused, null)?.TrySetResult();
        else
            Interlocked.CompareExchange(ref _paused, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);
    }

    /// <summary>Pumps both directions until either side closes (or the close grace runs out), then tells the session.</summary>
    public async Task Run(IActorRef session, CancellationToken aborted)
    {
        using var deadline = new CloseDeadline(_closing.Token, aborted);
        var writing = Write(deadline.Token);
        try
        {
            while (socket.State == WebSocketState.Open && !writing.IsCompleted)
            {
                if (Volatile.Read(ref _paused) is { } paused)
                    await paused.Task.WaitAsync(deadline.Token);
                // Wait for data without holding a buffer, so an idle connection costs none.
                var ready = await socket.ReceiveAsync(Memory<byte>.Empty, deadline.Token);
                if (ready.MessageType == WebSocketMessageType.Close)
                    break;
                if (ready.EndOfMessage)
                    continue; // an empty message
                var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferBytes);
                try
                {
                    var received = await socket.ReceiveAsync(buffer.AsMemory(), deadline.Token);
                    if (received.MessageType == WebSocketMessageType.Close)
                        break;
                    session.Tell(new StompSession.Received(buffer.AsSpan(0, received.Count).ToArray()));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException)
        {
            // The client went away, or did not take what we sent it within the close grace; nothing to answer.
        }
        finally
        {
            session.Tell(StompSession.TransportClosed.Instance);
            Close();
            await writing;
            // A write cut short leaves frames queued: drop them now rather than when the transport is collected.
            while (_outgoing.Reader.TryRead(out _)) { }
        }
    }

    private async Task Write(CancellationToken deadline)
    {
        try
        {
            await foreach (var bytes in _outgoing.Reader.ReadAllAsync(deadline))
                await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, deadline);
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", deadline);
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException)
        {
            // The client went away mid-write, or stopped reading and the close grace ran out (cancelling aborts the socket).
        }
        finally
        {
            // The reader waits for the client's close no longer than the grace.
            Close();
        }
    }
}
