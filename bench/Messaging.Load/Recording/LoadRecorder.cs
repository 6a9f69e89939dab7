using System.Collections.Concurrent;
using Messaging.Load.Results;
using Messaging.Load.Scheduling;
using Messaging.Load.Transport;

namespace Messaging.Load.Recording;

/// <summary>
/// Everything heard about the sends of one run: each latency is taken from the send's due time in the schedule (not from
/// when it actually left), so a client or server that falls behind shows it. Sequence numbers outside the run (late
/// answers to an earlier run) are ignored; a second answer of the same kind to one send counts as a duplicate.
/// </summary>
public sealed class LoadRecorder : ILoadEvents
{
    private const int AnsweredFlag = 1; // RECEIPT or refusal
    private const int DeliveredFlag = 2;

    private readonly SendSchedule _schedule;
    private readonly long _firstSequence;
    private readonly long _startTimestamp;
    private readonly TimeProvider _clock;
    private readonly int[] _flags;
    private readonly LatencyHistogram _delivery = new();
    private readonly LatencyHistogram _receipt = new();
    private readonly LatencyHistogram _lag = new();
    private readonly ConcurrentDictionary<string, long> _refusals = new();
    private readonly ConcurrentDictionary<string, long> _errorFrames = new();
    private long _sent;
    private long _acknowledged;
    private long _delivered;
    private long _refused;
    private long _duplicates;
    private long _disconnects;
    private long _lastAcknowledged;
    private long _lastDelivered;

    public LoadRecorder(SendSchedule schedule, long firstSequence, long startTimestamp, TimeProvider clock)
    {
        _schedule = schedule;
        _firstSequence = firstSequence;
        _startTimestamp = _lastAcknowledged = _lastDelivered = startTimestamp;
        _clock = clock;
        _flags = new int[schedule.Count];
    }

    public long Sent => Interlocked.Read(ref _sent);
    public long AcknowledgedCount => Interlocked.Read(ref _acknowledged);
    public long DeliveredCount => Interlocked.Read(ref _delivered);
    public long RefusedCount => Interlocked.Read(ref _refused);
    public long Duplicates => Interlocked.Read(ref _duplicates);
    public long Disconnects => Interlocked.Read(ref _disconnects);
    public IReadOnlyDictionary<string, long> Refusals => new SortedDictionary<string, long>(_refusals);
    public IReadOnlyDictionary<string, long> ErrorFrames => new SortedDictionary<string, long>(_errorFrames);
    public LatencySummary DeliveryLatency => _delivery.Summary();
    public LatencySummary ReceiptLatency => _receipt.Summary();
    public LatencySummary ScheduleLag => _lag.Summary();
    public TimeSpan UntilLastAcknowledged => _clock.GetElapsedTime(_startTimestamp, Interlocked.Read(ref _lastAcknowledged));
    public TimeSpan UntilLastDelivered => _clock.GetElapsedTime(_startTimestamp, Interlocked.Read(ref _lastDelivered));

    /// <summary>The sequence number of the run's send <paramref name="index"/>.</summary>
    public long SequenceOf(long index) => _firstSequence + index;

    /// <summary>Every send has its answers: stored and delivered, or refused (on the relay: delivered).</summary>
    public bool IsSettled(bool expectReceipts)
    {
        var sent = Sent;
        return expectReceipts
            ? AcknowledgedCount + RefusedCount == sent && DeliveredCount == AcknowledgedCount
            : DeliveredCount == sent;
    }

    /// <summary>The driver issued send <paramref name="index"/>; how late that was against its due time is the generator's own lag.</summary>
    public void Issued(long index, long timestamp)
    {
        Interlocked.Increment(ref _sent);
        _lag.Record(SinceDue(index, timestamp));
    }

    public void Acknowledged(long sequence, long timestamp) =>
        Answered(sequence, timestamp, AnsweredFlag, ref _acknowledged, _receipt, ref _lastAcknowledged);

    public void Delivered(long sequence, long timestamp) =>
        Answered(sequence, timestamp, DeliveredFlag, ref _delivered, _delivery, ref _lastDelivered);

    public void Refused(long sequence, int code, string reason, long timestamp)
    {
        // A refusal without a usable receipt id cannot be placed in a run; it is counted all the same.
        if (sequence >= 0 && !Claim(sequence, AnsweredFlag, out _))
            return;
        Interlocked.Increment(ref _refused);
        _refusals.AddOrUpdate($"{code} {reason}", 1, (_, count) => count + 1);
    }

    public void ErrorFrame(string message) => _errorFrames.AddOrUpdate(message, 1, (_, count) => count + 1);

    public void Disconnected() => Interlocked.Increment(ref _disconnects);

    /// <summary>Counts the first answer of its kind to a send of this run and records its latency from the due time.</summary>
    private void Answered(long sequence, long timestamp, int flag, ref long count, LatencyHistogram latency, ref long latest)
    {
        if (!Claim(sequence, flag, out var index))
            return;
        Interlocked.Increment(ref count);
        latency.Record(SinceDue(index, timestamp));
        RaiseTo(ref latest, timestamp);
    }

    private bool Claim(long sequence, int flag, out long index)
    {
        index = sequence - _firstSequence;
        if (index < 0 || index >= _flags.Length)
            return false;
        if ((Interlocked.Or(ref _flags[index], flag) & flag) == 0)
            return true;
        Interlocked.Increment(ref _duplicates);
        return false;
    }

    private TimeSpan SinceDue(long index, long timestamp) =>
        _clock.GetElapsedTime(_schedule.DueTimestamp(_startTimestamp, index, _clock.TimestampFrequency), timestamp);

    private static void RaiseTo(ref long latest, long timestamp)
    {
        var seen = Interlocked.Read(ref latest);
        while (timestamp > seen)
        {
            var previous = Interlocked.CompareExchange(ref latest, timestamp, seen);
            if (previous == seen)
                return;
            seen = previous;
        }
    }
}
