namespace Messaging.Load.Scheduling;

/// <summary>
/// When each send of an open-loop run is due, fixed before the run starts: <see cref="Count"/> sends evenly spaced at
/// 1/<see cref="Rate"/> from the start, taken by the senders in turn. Flat out, every send is due at the start.
/// </summary>
public sealed record SendSchedule(long Count, double Rate, int Senders)
{
    public static SendSchedule AtRate(double rate, TimeSpan duration, int senders) =>
        rate > 0 && senders > 0
            ? new SendSchedule((long)Math.Round(rate * duration.TotalSeconds), rate, senders)
            : throw new ArgumentOutOfRangeException(nameof(rate), "a schedule needs a positive rate and at least one sender");

    public static SendSchedule FlatOut(long count, int senders) => new(count, double.PositiveInfinity, senders);

    public bool IsFlatOut => double.IsPositiveInfinity(Rate);

    /// <summary>How long the schedule runs: from the start to just after the last send is due.</summary>
    public TimeSpan Duration => IsFlatOut ? TimeSpan.Zero : TimeSpan.FromSeconds(Count / Rate);

    /// <summary>
    /// The clock timestamp at which send <paramref name="index"/> is due, for a run started at <paramref name="start"/>:
    /// index / Rate seconds later, to the nearest tick (multiplying first keeps it exact).
    /// </summary>
    public long DueTimestamp(long start, long index, long timestampFrequency) =>
        IsFlatOut ? start : start + (long)Math.Round(index * (double)timestampFrequency / Rate);

    public int SenderOf(long index) => (int)(index % Senders);
}
