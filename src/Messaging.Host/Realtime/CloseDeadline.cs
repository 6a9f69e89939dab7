namespace Messaging.Host.Realtime;

/// <summary>
/// A token for the pumps of one connection: cancelled when the client goes away, or <see cref="Grace"/> after our side
/// starts closing. A client that stops reading leaves our write stuck in the socket; only this cancellation ends
/// it, which aborts the connection and lets what was queued for the client be collected.
/// </summary>
internal sealed class CloseDeadline : IDisposable
{
    /// <summary>How long a client may take to take what is queued and answer our close before the connection is dropped.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _expired;
    private readonly CancellationTokenRegistration _closing;

    public CloseDeadline(CancellationToken closing, CancellationToken aborted)
    {
        _expired = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        _closing = closing.Register(() => _expired.CancelAfter(Grace));
    }

    public CancellationToken Token => _expired.Token;

    public void Dispose()
    {
        // The registration first: disposing it waits for a callback in flight, so the source is never used disposed.
        _closing.Dispose();
        _expired.Dispose();
    }
}
