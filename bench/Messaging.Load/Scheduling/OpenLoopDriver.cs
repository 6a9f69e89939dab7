namespace Messaging.Load.Scheduling;

/// <summary>
/// Plays a <see cref="SendSchedule"/> by the clock: each send is issued when it is due, never waiting for any reply, so
/// a slow server shows up as latency (measured from the due time) instead of as fewer sends. A driver that fell behind
/// issues everything overdue at once. It runs on a thread of its own and sleeps between sends with
/// <paramref name="sleep"/>: <see cref="PreciseSleep"/> in real runs, where Task.Delay's millisecond timers would make
/// every send a millisecond or two late; tests pass one that advances a fake clock.
/// </summary>
public sealed class OpenLoopDriver(TimeProvider clock, Action<TimeSpan> sleep)
{
    public static OpenLoopDriver RealTime() => new(TimeProvider.System, PreciseSleep.Sleep);

    /// <param name="send">Issues send <c>index</c> for sender <c>sender</c>; must not block.</param>
    public Task RunAsync(SendSchedule schedule, long startTimestamp, Action<long, int> send, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() => Run(schedule, startTimestamp, send, cancellationToken),
            cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    public void Run(SendSchedule schedule, long startTimestamp, Action<long, int> send, CancellationToken cancellationToken)
    {
        for (long index = 0; index < schedule.Count; index++)
        {
            var due = schedule.DueTimestamp(startTimestamp, index, clock.TimestampFrequency);
            TimeSpan wait;
            while ((wait = clock.GetElapsedTime(clock.GetTimestamp(), due)) > TimeSpan.Zero)
            {
                cancellationToken.ThrowIfCancellationRequested();
                sleep(wait);
            }
            send(index, schedule.SenderOf(index));
        }
    }
}
