using HdrHistogram;
using Messaging.Load.Results;

namespace Messaging.Load.Recording;

/// <summary>An HdrHistogram of latencies in microseconds (1 µs to 1 h, 3 significant digits), recorded from any thread.</summary>
public sealed class LatencyHistogram
{
    private static readonly long HighestMicroseconds = (long)TimeSpan.FromHours(1).TotalMicroseconds;

    private readonly LongHistogram _microseconds = new(HighestMicroseconds, 3);
    private readonly Lock _gate = new();

    public void Record(TimeSpan latency)
    {
        var microseconds = Math.Clamp((long)latency.TotalMicroseconds, 0, HighestMicroseconds);
        lock (_gate)
            _microseconds.RecordValue(microseconds);
    }

    public LatencySummary Summary()
    {
        lock (_gate)
            return LatencySummary.From(_microseconds);
    }
}
