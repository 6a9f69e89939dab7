using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;

namespace Messaging.Actors;

/// <summary>
/// What every sharded persistent entity here does alike: passivates when idle, snapshots every N events and
/// then deletes only the snapshots older than the new one (journal events are never deleted).
/// </summary>
public abstract class EntityActor : ReceivePersistentActor
{
    private readonly MessagingSettings _settings;
    private long _lastSnapshotSequenceNr;

    protected EntityActor(MessagingSettings settings)
    {
        _settings = settings;
        Context.SetReceiveTimeout(settings.PassivateAfter);

        Recover<SnapshotOffer>(offer =>
        {
            _lastSnapshotSequenceNr = offer.Metadata.SequenceNr;
            RestoreSnapshot(offer.Snapshot);
        });
        Command<ReceiveTimeout>(_ => Context.Parent.Tell(new Passivate(PoisonPill.Instance)));
        Command<SaveSnapshotSuccess>(saved =>
        {
            _lastSnapshotSequenceNr = saved.Metadata.SequenceNr;
            DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(failed => Log.Warning(failed.Cause, "Snapshot of {0} at {1} failed; recovery replays more events", PersistenceId, failed.Metadata.SequenceNr));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failed => Log.Warning(failed.Cause, "Deleting old snapshots of {0} failed", PersistenceId));
    }

    protected abstract void RestoreSnapshot(object snapshot);

    protected abstract object TakeSnapshot();

    /// <summary>Call after events are persisted and applied.</summary>
    protected void SnapshotIfDue()
    {
        if (LastSequenceNr - _lastSnapshotSequenceNr >= _settings.SnapshotEvery)
        {
            _lastSnapshotSequenceNr = LastSequenceNr;
            SaveSnapshot(TakeSnapshot());
        }
    }
}
