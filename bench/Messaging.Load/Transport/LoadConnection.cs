using System.Net.WebSockets;
using System.Threading.Channels;

namespace Messaging.Load.Transport;

/// <summary>
/// One client WebSocket. Frames to send wait in a queue drained by a writer loop, so whoever schedules sends never
/// waits on a socket (open loop); a reader loop cuts what arrives into frames for the handler.
/// </summary>
public sealed class LoadConnection : IAsyncDisposable
{
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(2);

    private readonly ClientWebSocket _socket;
    private readonly IFrameHandler _handler;
    private readonly TimeProvider _clock;
    private readonly Channel<ReadOnlyMemory<byte>> _outbox =
        Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private readonly Task _writer;
    private volatile bool _closing;
    private ITimer? _heartBeats;

    private LoadConnection(ClientWebSocket socket, IFrameHandler handler, TimeProvider clock)
    {
        _socket = socket;
        _handler = handler;
        _clock = clock;
        _reader = Task.Run(ReadLoop);
        _writer = Task.Run(WriteLoop);
    }

    public bool IsOpen => _socket.State == WebSocketState.Open;

    public static async Task<LoadConnection> OpenAsync(Uri uri, string? subProtocol, IFrameHandler handler, TimeProvider clock, CancellationToken cancellationToken)
    {
        Loopback.Require(uri);
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero; // liveness is STOMP's heart-beat, not WebSocket pings
        if (subProtocol is not null)
            socket.Options.AddSubProtocol(subProtocol);
        try
        {
            await socket.ConnectAsync(uri, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new LoadConnection(socket, handler, clock);
    }

    /// <summary>Queues a frame (its own WebSocket message) and returns at once.</summary>
    public void Enqueue(ReadOnlyMemory<byte> frame) => _outbox.Writer.TryWrite(frame);

    /// <summary>Sends a STOMP heart-beat every <paramref name="interval"/> until the connection is disposed.</summary>
    public void BeatEvery(TimeSpan interval) =>
        _heartBeats = _clock.CreateTimer(_ => Enqueue(StompFrames.HeartBeat), null, interval, interval);

    public async ValueTask DisposeAsync()
    {
        _closing = true;
        _heartBeats?.Dispose();
        _outbox.Writer.TryComplete();
        // Queued frames go out first (a close may not overlap a send), within the grace.
        if (await Task.WhenAny(_writer, Task.Delay(CloseGrace)) != _writer)
            await _stop.CancelAsync();
        await _writer;
        if (_socket.State == WebSocketState.Open)
        {
            using var grace = new CancellationTokenSource(CloseGrace);
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, grace.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The server went first; the socket is finished either way.
            }
        }
        await _stop.CancelAsync();
        await _reader;
        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task WriteLoop()
    {
        try
        {
            await foreach (var frame in _outbox.Reader.ReadAllAsync(_stop.Token))
                await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, _stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // Closed or cancelled: the reader reports the end of the connection.
        }
    }

    private async Task ReadLoop()
    {
        var splitter = new FrameSplitter();
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync(splitter.FreeSpace, _stop.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                    break;
                var receivedAt = _clock.GetTimestamp();
                splitter.Advance(received.Count);
                while (splitter.TryTake(out var frame))
                    _handler.OnFrame(new ReceivedFrame(frame), receivedAt);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or InvalidDataException)
        {
            // Ends the connection; reported below unless this side is closing it.
        }
        if (!_closing)
            _handler.OnClosed();
    }
}
