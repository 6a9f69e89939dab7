namespace Messaging.Actors.Doors;

/// <summary>
/// Counts the work a node has in hand and refuses more past a limit, so overload is answered at once with
/// "busy, retry" rather than by queues that make every caller slow.
/// </summary>
public sealed class AdmissionGate(int capacity)
{
    private int _inFlight;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>A ticket to dispose when the work is done, or null when the node is at capacity.</summary>
    public Ticket? TryEnter()
    {
        if (Interlocked.Increment(ref _inFlight) <= capacity)
            return new Ticket(this);
        Interlocked.Decrement(ref _inFlight);
        return null;
    }

    public sealed class Ticket(AdmissionGate gate) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                Interlocked.Decrement(ref gate._inFlight);
        }
    }
}
