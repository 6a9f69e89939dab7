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

    /// <summary>How long a client may take to answer our close (after an ERROR, say) before the connection is dropped.</summary>
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(5);

    private readonly Channel<ReadOnlyMemory<byte>> _outgoing = Channel.CreateBounded<ReadOnlyMemory<byte>>(
        new BoundedChannelOptions(queueCapacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Completed when reading may go on; null while it may.</summary>
    private TaskCompletionSource? _paused;

    public bool TrySend(ReadOnlyMemory<byte> bytes) => _outgoing.Writer.TryWrite(bytes);

    public void Close() => _outgoing.Writer.TryComplete();

    public void SetReceiving(bool receiving)
    {
        if (receiving)
            Interlocked.Exchange(ref _paused, null)?.TrySetResult();
        else
            Interlocked.CompareExchange(ref _paused, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);
    }

    /// <summary>Pumps both directions until either side closes, then tells the session.</summary>
    public async Task Run(IActorRef session, CancellationToken aborted)
    {
        // Cancelled a little after our side closes, so a client that never answers the close cannot keep the connection.
        using var receiving = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var writing = Write(aborted, receiving);
        try
        {
            while (socket.State == WebSocketState.Open && !writing.IsCompleted)
            {
                if (Volatile.Read(ref _paused) is { } paused)
                    await paused.Task.WaitAsync(receiving.Token);
                // Wait for data without holding a buffer, so an idle connection costs none.
                var ready = await socket.ReceiveAsync(Memory<byte>.Empty, receiving.Token);
                if (ready.MessageType == WebSocketMessageType.Close)
                    break;
                if (ready.EndOfMessage)
                    continue; // an empty message
                var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferBytes);
                try
                {
                    var received = await socket.ReceiveAsync(buffer.AsMemory(), receiving.Token);
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
            // The client went away; nothing to answer.
        }
        finally
        {
            session.Tell(StompSession.TransportClosed.Instance);
            Close();
            await writing;
        }
    }

    private async Task Write(CancellationToken aborted, CancellationTokenSource receiving)
    {
        try
        {
            await foreach (var bytes in _outgoing.Reader.ReadAllAsync(aborted))
                await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, aborted);
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", aborted);
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException)
        {
            // The client went away mid-write.
        }
        finally
        {
            receiving.CancelAfter(CloseGrace);
        }
    }
}
