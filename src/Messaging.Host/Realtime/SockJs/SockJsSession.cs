using System.Threading.Channels;
using Messaging.Actors.Stomp;

namespace Messaging.Host.Realtime.SockJs;

/// <summary>The application behind a SockJS server: told of each session as it opens.</summary>
public interface ISockJsApplication
{
    /// <summary>A new session, opened by <paramref name="request"/> (its query and cookies may carry credentials).</summary>
    ISockJsReceiver Open(SockJsSession session, HttpContext request);
}

/// <summary>The application's side of one session.</summary>
public interface ISockJsReceiver
{
    /// <summary>One message from the client, as UTF-8.</summary>
    void Received(ReadOnlyMemory<byte> message);

    /// <summary>The session is over; called once.</summary>
    void Closed();
}

/// <summary>
/// One SockJS session, whatever transport carries it: messages for the client wait in a bounded queue until a
/// receiving request (or the session's WebSocket) takes them; at most one receives at a time. As an
/// <see cref="IStompTransport"/> it carries a STOMP session, but it knows nothing of STOMP.
/// </summary>
public sealed class SockJsSession : IStompTransport
{
    private static readonly ISockJsReceiver Nobody = new NoReceiver();

    private readonly Channel<ReadOnlyMemory<byte>> _outgoing;

    private ISockJsReceiver _receiver = Nobody;

    /// <summary>Set once, when the session closes; receivers then get its <c>c</c> frame.</summary>
    private SockJsClose? _close;

    /// <summary>1 while a request or socket receives this session's frames.</summary>
    private int _receiving;

    /// <summary><see cref="Environment.TickCount64"/> when the last receiver left.</summary>
    private long _idleSince = Environment.TickCount64;

    private int _ended;

    /// <summary>Whether the open frame went out; only the one receiver touches it.</summary>
    private bool _opened;

    /// <summary>Cancelled when the session closes (never disposed: it has no timer, and closing may come at any time).</summary>
    private readonly CancellationTokenSource _closing = new();

    /// <summary>Completed when the application receives again; null while it does.</summary>
    private TaskCompletionSource? _paused;

    internal SockJsSession(int queueCapacity) =>
        _outgoing = Channel.CreateBounded<ReadOnlyMemory<byte>>(
            new BoundedChannelOptions(queueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public bool TrySend(ReadOnlyMemory<byte> bytes) => _outgoing.Writer.TryWrite(bytes);

    /// <summary>What is queued still goes out, then <c>c[3000,"Go away!"]</c>.</summary>
    public void Close() => CloseWith(SockJsClose.GoAway);

    public void SetReceiving(bool receiving)
    {
        if (receiving)
            Interlocked.Exchange(ref _paused, null)?.TrySetResult();
        else
            Interlocked.CompareExchange(ref _paused, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);
    }

    internal bool IsEnded => Volatile.Read(ref _ended) == 1;

    /// <summary>Cancelled once the session closes: a receiver then has <see cref="CloseDeadline.Grace"/> to take the rest.</summary>
    internal CancellationToken Closing => _closing.Token;

    internal void Start(ISockJsApplication application, HttpContext request) => _receiver = application.Open(this, request);

    internal void Deliver(ReadOnlyMemory<byte> message)
    {
        if (!IsEnded)
            _receiver.Received(message);
    }

    /// <summary>Waits while the application has paused receiving; false when it still has after <paramref name="limit"/>.</summary>
    internal async Task<bool> WaitWhileReceivingPaused(TimeSpan limit, CancellationToken aborted)
    {
        if (Volatile.Read(ref _paused) is not { } paused)
            return true;
        try
        {
            await paused.Task.WaitAsync(limit, aborted);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    internal Task WaitWhileReceivingPaused(CancellationToken aborted) =>
        Volatile.Read(ref _paused) is { } paused ? paused.Task.WaitAsync(aborted) : Task.CompletedTask;

    internal void CloseWith(SockJsClose close)
    {
        Interlocked.CompareExchange(ref _close, close, null);
        _outgoing.Writer.TryComplete();
        _closing.Cancel();
    }

    /// <summary>The receiving request was cut: the session closes with 1002 and the application is told.</summary>
    internal void Interrupt()
    {
        CloseWith(SockJsClose.Interrupted);
        End();
    }

    /// <summary>Tells the application the session is over, once; nothing more is queued.</summary>
    internal void End()
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
            return;
        CloseWith(SockJsClose.GoAway);
        _receiver.Closed();
    }

    internal bool TryAttach() => Interlocked.CompareExchange(ref _receiving, 1, 0) == 0;

    internal void Detach()
    {
        Volatile.Write(ref _idleSince, Environment.TickCount64);
        Volatile.Write(ref _receiving, 0);
    }

    /// <summary>Whether no one has received for at least <paramref name="delay"/> (the sweeper's test).</summary>
    internal bool IdleFor(TimeSpan delay, long now) =>
        Volatile.Read(ref _receiving) == 0 && now - Volatile.Read(ref _idleSince) >= (long)delay.TotalMilliseconds;

    /// <summary>
    /// The next frame for the attached receiver: the open frame first, then all queued messages as one <c>a</c> frame,
    /// the close frame once closed and drained, or a heartbeat when nothing came within <paramref name="heartbeat"/>.
    /// </summary>
    internal async Task<string> NextFrame(TimeSpan heartbeat, CancellationToken aborted)
    {
        if (!_opened)
        {
            _opened = true;
            return SockJsFrames.Open;
        }
        if (TryTakeFrame() is { } ready)
            return ready;
        using var silence = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        silence.CancelAfter(heartbeat);
        try
        {
            await _outgoing.Reader.WaitToReadAsync(silence.Token);
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            return SockJsFrames.Heartbeat;
        }
        return TryTakeFrame() ?? SockJsFrames.Heartbeat;
    }

    /// <summary>Queued messages, one by one, for the raw WebSocket; null once the session is closed and drained.</summary>
    internal async Task<ReadOnlyMemory<byte>?> NextMessage(CancellationToken aborted)
    {
        while (await _outgoing.Reader.WaitToReadAsync(aborted))
        {
            if (_outgoing.Reader.TryRead(out var message))
                return message;
        }
        return null;
    }

    internal SockJsClose CloseReason => Volatile.Read(ref _close) ?? SockJsClose.GoAway;

    private string? TryTakeFrame()
    {
        List<ReadOnlyMemory<byte>>? messages = null;
        while (_outgoing.Reader.TryRead(out var message))
            (messages ??= []).Add(message);
        if (messages is not null)
            return SockJsFrames.Messages(messages);
        return _outgoing.Reader.Completion.IsCompleted ? SockJsFrames.Close(CloseReason) : null;
    }

    private sealed class NoReceiver : ISockJsReceiver
    {
        public void Received(ReadOnlyMemory<byte> message) { }

        public void Closed() { }
    }
}
