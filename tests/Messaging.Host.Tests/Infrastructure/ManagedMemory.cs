namespace Messaging.Host.Tests.Infrastructure;

/// <summary>The in-process host's managed memory, for tests that check what a run leaves behind (they run alone, so nothing else allocates meanwhile).</summary>
public static class ManagedMemory
{
    /// <summary>Bytes of managed heap in use after a full, blocking, compacting collection and the finalizers it queued.</summary>
    public static long AfterFullCollection()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
