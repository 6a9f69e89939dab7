using System.Runtime.InteropServices;

namespace Messaging.Load.Scheduling;

/// <summary>
/// Blocks the calling thread for about the given time with microsecond resolution (usleep), not the millisecond
/// resolution of Thread.Sleep and timers. Waits are at least <see cref="Shortest"/>, so a driver at a high rate sends in
/// small batches instead of waking for every send, and at most <see cref="Longest"/>, so cancellation is noticed.
/// </summary>
public static class PreciseSleep
{
    public static readonly TimeSpan Shortest = TimeSpan.FromMicroseconds(100);
    public static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(100);

    public static void Sleep(TimeSpan wait)
    {
        var bounded = wait < Shortest ? Shortest : wait > Longest ? Longest : wait;
        _ = USleep((uint)bounded.TotalMicroseconds);
    }

    [DllImport("libc", EntryPoint = "usleep")]
    private static extern int USleep(uint microseconds);
}
