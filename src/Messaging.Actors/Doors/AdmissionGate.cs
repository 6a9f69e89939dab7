namespace Messaging.Actors.Doors;

/// <summary>
/// Counts the work a node has in hand and refuses more past a limit, so overload is answered at once with "busy,
/// retry" rather than by queues that make every caller slow. The limit adapts to how long the work takes
/// (additive increase, multiplicative decrease, as TCP does):
/// <list type="bullet">
/// <item>work finished within <c>latencyTarget</c> raises the limit by one for every limit's worth of it, towards
/// <c>ceiling</c>; while almost none of the recent work was slow, by one for every tenth of that;</item>
/// <item>once more than a tenth of the recent work (an average over about the last hundred) took longer, a slow finish
/// cuts the limit by a tenth, at most once per target interval (so one slow burst counts once), down to <c>floor</c>,
/// and only while the node holds at least half its limit: a few slow sends (say, a hundred new conversations a second
/// for one busy recipient) are a slow path, not a full node, and refusing others would not make them faster.</item>
/// </list>
/// Under overload the node then holds only as much as it finishes within the target, and what it accepts stays fast.
/// Each rule was measured (BENCHMARKS.md, "Admission that keeps overload under 250 ms"): raising by one for every
/// finished send outran the cuts, and at twice its capacity a node accepted sends that waited 400 ms; cutting on any one
/// slow finish, or regrowing slowly, let a short stall at a rate the node sustains keep the limit down for seconds.
/// </summary>
public sealed class AdmissionGate
{
    private const double Decrease = 0.9;
    private const double SlowShareLimit = 0.1;
    /// <summary>The weight of one finish in the average share of slow ones: about the last hundred count.</summary>
    private const double SlowShareWeight = 0.01;

    private readonly int _floor;
    private readonly int _ceiling;
    private readonly TimeSpan _latencyTarget;
    private readonly TimeProvider _clock;
    private readonly Lock _lock = new();
    private double _limit;
    private int _inFlight;
    /// <summary>Work finished within the target since the limit last changed.</summary>
    private int _finishedInTime;
    /// <summary>The share of recent work that took longer than the target (an exponentially weighted average).</summary>
    private double _slowShare;
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

    /// <summary>The node's one gate for sends (<see cref="MessagingSettings.MaxSendsInFlight"/>, <see cref="MessagingSettings.SendLatencyTarget"/>).</summary>
    public static AdmissionGate ForSends(MessagingSettings settings) => new(settings.MaxSendsInFlight, settings.SendLatencyTarget, TimeProvider.System);

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
            _slowShare += ((slow ? 1 : 0) - _slowShare) * SlowShareWeight;
            if (!slow)
            {
                if (++_finishedInTime >= FinishesPerRaise())
                {
                    _limit = Math.Min(_ceiling, _limit + 1);
                    _finishedInTime = 0;
                }
            }
            else if (busy && _slowShare > SlowShareLimit && _clock.GetElapsedTime(_lastDecrease, now) >= _latencyTarget)
            {
                _limit = Math.Max(_floor, _limit * Decrease);
                _lastDecrease = now;
                _finishedInTime = 0;
            }
        }
    }

    /// <summary>
    /// A limit's worth of work finished in time raises the limit by one; while almost none of the recent work was slow, a
    /// tenth of that does, so a limit cut by a stall comes back within a second instead of refusing sends for many.
    /// </summary>
    private int FinishesPerRaise() => _slowShare < SlowShareLimit / 10 ? Math.Max(1, (int)_limit / 10) : (int)_limit;

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
