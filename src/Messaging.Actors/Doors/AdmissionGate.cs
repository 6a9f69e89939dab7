namespace Messaging.Actors.Doors;

/// <summary>
/// Counts the work a node has in hand and refuses more past a limit, so overload is answered at once with "busy,
/// retry" rather than by queues that make every caller slow. The limit adapts to how long the work takes
/// (additive increase, multiplicative decrease, as TCP does): while work finishes within <c>latencyTarget</c> the
/// limit grows towards <c>ceiling</c>; when it takes longer, the limit shrinks by a tenth (at most once per target
/// interval, so one slow burst counts once), down to <c>floor</c>. Under overload the node then holds only as much
/// as it finishes within the target, and what it accepts stays fast. Slow work lowers the limit only while the node
/// holds at least half of it: a few slow sends (say, a hundred new conversations a second for one busy recipient) are a
/// slow path, not a full node, and refusing others would not make them faster.
/// </summary>
public sealed class AdmissionGate
{
    private const double Decrease = 0.9;

    private readonly int _floor;
    private readonly int _ceiling;
    private readonly TimeSpan _latencyTarget;
    private readonly TimeProvider _clock;
    private readonly Lock _lock = new();
    private double _limit;
    private int _inFlight;
    private long _lastDecrease;

    public AdmissionGate(int ceiling, TimeSpan latencyTarget, TimeProvider clock, int floor = 16)
    {
        _ceiling = ceiling;
        _floor = Math.Min(floor, ceiling);
        _latencyTarget = latencyTarget;
        _clock = clock;
        _limit = ceiling;
        _lastDecrease = clock.GetTimestamp() - (long)(latencyTarget.TotalSeconds * clock.TimestampFrequency);
    }

    public int InFlight
    {
        get { lock (_lock) return _inFlight; }
    }

    /// <summary>How much work the gate admits at once now.</summary>
    public int Limit
    {
        get { lock (_lock) return (int)_limit; }
    }

    /// <summary>A ticket to dispose when the work is done, or null when the node is at its limit.</summary>
    public Ticket? TryEnter()
    {
        lock (_lock)
        {
            if (_inFlight >= (int)_limit)
                return null;
            _inFlight++;
        }
        return new Ticket(this, _clock.GetTimestamp());
    }

    private void Exit(long startedAt)
    {
        var now = _clock.GetTimestamp();
        var slow = _clock.GetElapsedTime(startedAt, now) > _latencyTarget;
        lock (_lock)
        {
            var busy = _inFlight >= _limit / 2;
            _inFlight--;
            if (!slow)
                _limit = Math.Min(_ceiling, _limit + 1);
            else if (busy && _clock.GetElapsedTime(_lastDecrease, now) >= _latencyTarget)
            {
                _limit = Math.Max(_floor, _limit * Decrease);
                _lastDecrease = now;
            }
        }
    }

    public sealed class Ticket(AdmissionGate gate, long startedAt) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                gate.Exit(startedAt);
        }
    }
}
