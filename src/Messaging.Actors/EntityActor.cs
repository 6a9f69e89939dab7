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

/// <summary>
/// What every sharded persistent entity here does alike: passivates when idle, snapshots every N events and
/// then deletes only the snapshots older than the new one (journal events are never deleted).
/// </summary>
public abstract class EntityActor : ReceivePersistentActor
{
    private readonly MessagingSettings _settings;

    protected EntityActor(MessagingSettings settings)
    {
        _settings = settings;
        Context.SetReceiveTimeout(settings.PassivateAfter);

        Recover<SnapshotOffer>(offer =>
        {
            LastSnapshotSequenceNr = offer.Metadata.SequenceNr;
            RestoreSnapshot(offer.Snapshot);
        });
        Command<ReceiveTimeout>(_ => Context.Parent.Tell(new Passivate(StopEntity.Instance)));
        Command<StopEntity>(_ => OnStopRequested());
        Command<SaveSnapshotSuccess>(saved =>
        {
            LastSnapshotSequenceNr = saved.Metadata.SequenceNr;
            DeleteSnapshotsBefore(saved.Metadata);
        });
        Command<SaveSnapshotFailure>(failed => Log.Warning(failed.Cause, "Snapshot of {0} at {1} failed; recovery replays more events", PersistenceId, failed.Metadata.SequenceNr));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failed => Log.Warning(failed.Cause, "Deleting old snapshots of {0} failed", PersistenceId));
    }

    /// <summary>The sequence number of the newest snapshot recovered or saved (0 when none).</summary>
    protected long LastSnapshotSequenceNr { get; private set; }

    /// <summary>
    /// Deletes the snapshots older than <paramref name="saved"/>; false when there can be none. A criteria of sequence
    /// number 0 would not mean "none": snapshot stores read it as "no upper bound" and delete the new one too.
    /// </summary>
    protected bool DeleteSnapshotsBefore(SnapshotMetadata saved)
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

    /// <summary>Call after events are persisted and applied. True when a snapshot of the current state is being saved.</summary>
    protected bool SnapshotIfDue()
    {
        if (LastSequenceNr - LastSnapshotSequenceNr < _settings.SnapshotEvery)
            return false;
        TakeSnapshotNow();
        return true;
    }

    protected void TakeSnapshotNow()
    {
        LastSnapshotSequenceNr = LastSequenceNr;
        SaveSnapshot(TakeSnapshot());
    }
}
