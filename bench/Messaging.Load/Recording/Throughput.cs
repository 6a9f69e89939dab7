namespace Messaging.Load.Recording;

public static class Throughput
{
    /// <summary>
    /// Completions per second over the run: the scheduled window, stretched to the last completion when the target
    /// fell behind, so a backlog that drains after the schedule ended does not count as keeping up.
    /// </summary>
    public static double PerSecond(long completed, TimeSpan scheduled, TimeSpan untilLastCompletion)
    {
        var window = scheduled > untilLastCompletion ? scheduled : untilLastCompletion;
        return window > TimeSpan.Zero ? completed / window.TotalSeconds : 0;
    }
}
