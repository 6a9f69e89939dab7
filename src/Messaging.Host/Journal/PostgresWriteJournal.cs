using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Config;
using Akka.Persistence.Sql.Journal;

namespace Messaging.Host.Journal;

/// <summary>
/// Akka.Persistence.Sql's journal with its writes done by <see cref="JournalRowWriter"/> on PostgreSQL. The rows are
/// the library's own (same table, columns, tags CSV and serializer ids), so recovery, deletion, table creation and
/// the read journal (projections) stay the library's, unchanged.
/// </summary>
public sealed class PostgresWriteJournal : SqlWriteJournal
{
    private readonly JournalRowWriter _writer;
    private readonly string _tagSeparator;
    private readonly Akka.Serialization.Serialization _serialization;

    /// <summary>
    /// The last write of each persistence id still in flight: a restarted entity's recovery reads its highest sequence
    /// number only once its previous incarnation's write has finished, so it cannot reuse that write's numbers.
    /// </summary>
    private readonly ConcurrentDictionary<string, Task> _writesInFlight = new();

    public PostgresWriteJournal(Akka.Configuration.Config journalConfig) : base(journalConfig)
    {
        var config = new JournalConfig(journalConfig.WithFallback(SqlPersistence.DefaultJournalConfiguration));
        _tagSeparator = config.PluginConfig.TagSeparator;
        _serialization = Context.System.Serialization;
        _writer = new JournalRowWriter(config.ConnectionString, config, Guid.NewGuid().ToString("N"));
    }

    protected override void PostStop()
    {
        base.PostStop();
        // Writes already queued still complete; nothing waits for them here, as an actor must not block.
        _ = _writer.DisposeAsync().AsTask();
    }

    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        if (_writesInFlight.TryGetValue(persistenceId, out var inFlight))
            await inFlight.ContinueWith(static _ => { }, TaskContinuationOptions.ExecuteSynchronously);
        return await base.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken);
    }

    /// <remarks>
    /// The circuit breaker's <paramref name="cancellationToken"/> is not passed on: a batch carries the writes of many
    /// entities, and one caller's timeout must not cancel the others' (the library's journal does not either).
    /// </remarks>
    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages as IReadOnlyList<AtomicWrite> ?? messages.ToList();
        var created = DateTime.UtcNow.Ticks;
        var rows = new List<JournalRow>();
        Exception?[]? rejections = null;
        for (var index = 0; index < writes.Count; index++)
        {
            var rowsBefore = rows.Count;
            try
            {
                foreach (var representation in (IImmutableList<IPersistentRepresentation>)writes[index].Payload)
                    rows.Add(RowOf(representation, created));
            }
            catch (Exception exception)
            {
                // Not storable (it did not serialise): this write alone is rejected, as the journal protocol asks.
                rows.RemoveRange(rowsBefore, rows.Count - rowsBefore);
                rejections ??= new Exception?[writes.Count];
                rejections[index] = exception;
            }
        }
        // Null when nothing was rejected, as AsyncWriteJournal allows.
        var result = rejections?.ToImmutableList() as IImmutableList<Exception>;
        if (rows.Count == 0)
            return Task.FromResult(result!);
        // One persistent actor sends one WriteMessages at a time, so all of these writes have its persistence id.
        var persistenceId = writes[0].PersistenceId;
        var written = _writer.Write(rows, result!);
        _writesInFlight[persistenceId] = written;
        written.ContinueWith(finished => _writesInFlight.TryRemove(KeyValuePair.Create(persistenceId, (Task)finished)),
            TaskContinuationOptions.ExecuteSynchronously);
        return written;
    }

    private JournalRow RowOf(IPersistentRepresentation representation, long created)
    {
        var (payload, tags) = representation.Payload is Tagged tagged
            ? (tagged.Payload, tagged.Tags.Count == 0 ? "" : _tagSeparator + string.Join(_tagSeparator, tagged.Tags) + _tagSeparator)
            : (representation.Payload, "");
        var serializer = _serialization.FindSerializerFor(payload);
        return new JournalRow(
            representation.PersistenceId,
            representation.SequenceNr,
            representation.Timestamp == 0 ? created : representation.Timestamp,
            serializer.ToBinary(payload),
            tags,
            Akka.Serialization.Serialization.ManifestFor(serializer, payload),
            serializer.Identifier);
    }
}
