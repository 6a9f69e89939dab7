using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;

namespace Messaging.Actors;

/// <summary>
/// Asks a sharded entity to stop: the message passivation and shard hand-off send, so an entity can finish what it
/// must (an inbox saves its in-memory summaries) before it stops.
/// </summary>
public sealed class StopEntity
{
    public static readonly StopEntity Instance = new();
    private StopEntity() { }
}

/// <summary>The kinds of sharded entity.</summary>
public enum EntityType
{
    Conversation,
    Inbox,
}

/// <summary>
/// What every sharded persistent entity here does alike: passivates when idle, snapshots every N events and
/// then deletes only the snapshots older than the new one (journal events are never deleted); counts itself among the
/// active entities and times its journal writes.
/// </summary>
/// <remarks>
/// Idleness is checked by one periodic timer against the time of the last message, not with a receive timeout: Akka
/// reschedules a receive timeout on every message (five objects that live in the scheduler's wheel until it would have
/// fired), which was 7% of all the bytes the server allocated under load.
/// </remarks>
public abstract class EntityActor : ReceivePersistentActor, IWithTimers
{
    /// <summary>Checks per <see cref="MessagingSettings.PassivateAfter"/>: an idle entity passivates at most a quarter of it late.</summary>
    private const int IdleChecksPerPassivation = 4;

    /// <summary>Not activity itself: like Akka's receive timeout, a message marked so does not count as use.</summary>
    private sealed class CheckIdle : INotInfluenceReceiveTimeout
    {
        public static readonly CheckIdle Instance = new();
        private CheckIdle() { }
    }

    private readonly MessagingSettings _settings;
    private readonly MessagingMetrics _metrics;
    private readonly EntityType _type;
    private bool _stopWhenSnapshotSettled;
    private long _lastMessageAt = Stopwatch.GetTimestamp();

    protected EntityActor(MessagingSettings settings, MessagingMetrics metrics, EntityType type)
    {
        _settings = settings;
        _metrics = metrics;
        _type = type;

        Recover<SnapshotOffer>(offer =>
        {
            LastSnapshotSequenceNr = offer.Metadata.SequenceNr;
            RestoreSnapshot(offer.Snapshot);
        });
        Command<CheckIdle>(_ =>
        {
            if (Stopwatch.GetElapsedTime(_lastMessageAt) >= _settings.PassivateAfter)
                Context.Parent.Tell(new Passivate(StopEntity.Instance));
        });
        Command<StopEntity>(_ => OnStopRequested());
        HandleSnapshotResults();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        base.PreStart();
        _metrics.EntityStarted(_type);
        Timers.StartPeriodicTimer(nameof(CheckIdle), CheckIdle.Instance, _settings.PassivateAfter / IdleChecksPerPassivation);
    }

    protected override bool AroundReceive(Receive receive, object message)
    {
        // The timer's wrapper of CheckIdle carries the mark too.
        if (message is not INotInfluenceReceiveTimeout)
            _lastMessageAt = Stopwatch.GetTimestamp();
        return base.AroundReceive(receive, message);
    }

    protected override void PostStop()
    {
        _metrics.EntityStopped(_type);
        base.PostStop();
    }

    /// <summary>Call from a persist handler with the <see cref="System.Diagnostics.Stopwatch"/> timestamp taken before the persist call.</summary>
    protected void JournalWritten(long persistCalledAt) => _metrics.JournalWritten(_type, persistCalledAt);

    /// <summary>The sequence number of the newest snapshot recovered or saved (0 when none).</summary>
    protected long LastSnapshotSequenceNr { get; private set; }

    /// <summary>A saved snapshot deletes the older ones; when the entity is stopping, the outcome of both lets it stop.</summary>
    private void HandleSnapshotResults()
    {
        Command<SaveSnapshotSuccess>(saved =>
        {
            LastSnapshotSequenceNr = saved.Metadata.SequenceNr;
            if (!DeleteSnapshotsBefore(saved.Metadata))
                StopIfSnapshotSettled();
        });
        Command<SaveSnapshotFailure>(failed =>
        {
            Log.Warning(failed.Cause, "Snapshot of {PersistenceId} at {SequenceNr} failed; recovery replays more events", PersistenceId, failed.Metadata.SequenceNr);
            StopIfSnapshotSettled();
        });
        Command<DeleteSnapshotsSuccess>(_ => StopIfSnapshotSettled());
        Command<DeleteSnapshotsFailure>(failed =>
        {
            Log.Warning(failed.Cause, "Deleting old snapshots of {PersistenceId} failed", PersistenceId);
            StopIfSnapshotSettled();
        });
    }

    /// <summary>
    /// Deletes the snapshots older than <paramref name="saved"/>; false when there can be none. A criteria of sequence
    /// number 0 would not mean "none": snapshot stores read it as "no upper bound" and delete the new one too.
    /// </summary>
    private bool DeleteSnapshotsBefore(SnapshotMetadata saved)
    {
        if (saved.SequenceNr <= 1)
            return false;
        DeleteSnapshots(new SnapshotSelectionCriteria(saved.SequenceNr - 1));
        return true;
    }

    protected abstract void RestoreSnapshot(object snapshot);

    protected abstract object TakeSnapshot();

    /// <summary>Passivation or hand-off: stops at once unless the entity has something to save first.</summary>
    protected virtual void OnStopRequested() => Context.Stop(Self);

    /// <summary>A message that reached the entity after it decided to stop. Dropped unless the entity passes it on.</summary>
    protected virtual void OnMessageWhileStopping(object message, IActorRef sender) { }

    /// <summary>
    /// Saves a snapshot of the current state and stops once it is saved and the older ones deleted (or either failed:
    /// the next recovery then replays more). Anything else meanwhile is not handled here, so nothing is acknowledged
    /// that the snapshot misses: it goes to <see cref="OnMessageWhileStopping"/>.
    /// </summary>
    protected void SnapshotThenStop()
    {
        _stopWhenSnapshotSettled = true;
        TakeSnapshotNow();
        Become(() =>
        {
            HandleSnapshotResults();
            CommandAny(message => OnMessageWhileStopping(message, Sender));
        });
    }

    private void StopIfSnapshotSettled()
    {
        if (_stopWhenSnapshotSettled)
            Context.Stop(Self);
    }

    /// <summary>Call after events are persisted and applied. True when a snapshot of the current state is being saved.</summary>
    protected bool SnapshotIfDue()
    {
        if (LastSequenceNr - LastSnapshotSequenceNr < _settings.SnapshotEvery)
            return false;
        TakeSnapshotNow();
        return true;
    }

    private void TakeSnapshotNow()
    {
        LastSnapshotSequenceNr = LastSequenceNr;
        SaveSnapshot(TakeSnapshot());
    }
}
