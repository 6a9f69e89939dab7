using System.Collections.Immutable;
using System.Threading.Channels;
using Akka.Persistence.Sql.Config;
using Npgsql;
using NpgsqlTypes;

namespace Messaging.Host.Journal;

/// <summary>One event as Akka.Persistence.Sql stores it: a row of its <c>journal</c> table (tags as CSV).</summary>
public readonly record struct JournalRow(string PersistenceId, long SequenceNr, long Created, byte[] Message, string Tags, string Manifest, int SerializerId);

/// <summary>
/// Writes journal rows to PostgreSQL: every write that arrives while one statement is in flight goes into the next, up
/// to <c>batch-size</c> rows, and each batch is one prepared <c>INSERT ... SELECT FROM unnest(...)</c> on a connection
/// held for the purpose. A single statement is atomic on its own, so a batch costs one round trip, where the
/// library's path (Akka.Streams queue, linq2db, a transaction) costs two and about three times the CPU (BENCHMARKS.md).
/// Writes queued beyond <c>buffer-size</c> are refused at once, as the library refuses them.
/// </summary>
public sealed class JournalRowWriter : IAsyncDisposable
{
    private readonly Channel<PendingWrite> _queue;
    private readonly string _connectionString;
    private readonly string _insert;
    private readonly int _batchSize;
    private readonly Task _writing;

    // The columns of the batch being written, reused from batch to batch.
    private readonly List<PendingWrite> _batch = [];
    private readonly List<string> _persistenceIds = [];
    private readonly List<long> _sequenceNrs = [];
    private readonly List<long> _created = [];
    private readonly List<byte[]> _messages = [];
    private readonly List<string> _tags = [];
    private readonly List<string> _manifests = [];
    private readonly List<int> _serializerIds = [];

    public JournalRowWriter(string connectionString, JournalConfig config, string writerUuid)
    {
        _connectionString = connectionString;
        _batchSize = config.DaoConfig.BatchSize;
        _queue = Channel.CreateBounded<PendingWrite>(new BoundedChannelOptions(config.DaoConfig.BufferSize)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _insert = InsertStatement(config.TableConfig, writerUuid);
        _writing = Task.Run(WriteUntilCompleted);
    }

    /// <summary>
    /// Completes once every row is durable, with <paramref name="result"/> (the rejections of the writes the rows came
    /// from; null when there are none, as <c>AsyncWriteJournal</c> allows), or fails with the database's error: the rows
    /// of a call are written together.
    /// </summary>
    public Task<IImmutableList<Exception>> Write(IReadOnlyList<JournalRow> rows, IImmutableList<Exception> result)
    {
        var write = new PendingWrite(rows, result);
        return _queue.Writer.TryWrite(write)
            ? write.Completion.Task
            : Task.FromException<IImmutableList<Exception>>(new InvalidOperationException(
                $"The journal's write queue is full ({_queue.Reader.Count} writes waiting); the write was not attempted"));
    }

    /// <summary>Writes what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writing;
    }

    private static string InsertStatement(JournalTableConfig table, string writerUuid)
    {
        var columns = table.EventJournalTable.ColumnNames;
        var name = Quote(table.EventJournalTable.Name);
        if (!string.IsNullOrEmpty(table.SchemaName))
            name = Quote(table.SchemaName) + "." + name;
        var writer = "'" + writerUuid.Replace("'", "''") + "'";
        return $"""
            insert into {name} ({Quote(columns.PersistenceId)}, {Quote(columns.SequenceNumber)}, {Quote(columns.Created)}, {Quote(columns.Message)},
                {Quote(columns.Tags)}, {Quote(columns.Manifest)}, {Quote(columns.Identifier)}, {Quote(columns.Deleted)}, {Quote(columns.WriterUuid)})
            select persistence_id, sequence_nr, created, message, tags, manifest, serializer_id, false, {writer}
            from unnest($1::text[], $2::bigint[], $3::bigint[], $4::bytea[], $5::text[], $6::text[], $7::integer[])
                as row(persistence_id, sequence_nr, created, message, tags, manifest, serializer_id)
            """;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    private async Task WriteUntilCompleted()
    {
        NpgsqlConnection? connection = null;
        NpgsqlCommand? insert = null;
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            TakeBatch(reader);
            try
            {
                if (connection is null)
                    (connection, insert) = await Open();
                await insert!.ExecuteNonQueryAsync();
                foreach (var write in _batch)
                    write.Completion.TrySetResult(write.Result);
            }
            catch (Exception exception)
            {
                // The connection may be broken; the next batch opens a fresh one and prepares the statement again.
                if (connection is not null)
                    await connection.DisposeAsync();
                (connection, insert) = (null, null);
                foreach (var write in _batch)
                    write.Completion.TrySetException(exception);
            }
        }
        if (connection is not null)
            await connection.DisposeAsync();
    }

    /// <summary>Takes queued writes into the batch columns until <c>batch-size</c> rows (at least one write).</summary>
    private void TakeBatch(ChannelReader<PendingWrite> reader)
    {
        _batch.Clear();
        _persistenceIds.Clear();
        _sequenceNrs.Clear();
        _created.Clear();
        _messages.Clear();
        _tags.Clear();
        _manifests.Clear();
        _serializerIds.Clear();
        while (_persistenceIds.Count < _batchSize && reader.TryRead(out var write))
        {
            _batch.Add(write);
            foreach (var row in write.Rows)
            {
                _persistenceIds.Add(row.PersistenceId);
                _sequenceNrs.Add(row.SequenceNr);
                _created.Add(row.Created);
                _messages.Add(row.Message);
                _tags.Add(row.Tags);
                _manifests.Add(row.Manifest);
                _serializerIds.Add(row.SerializerId);
            }
        }
    }

    private async Task<(NpgsqlConnection, NpgsqlCommand)> Open()
    {
        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync();
            var insert = new NpgsqlCommand(_insert, connection)
            {
                Parameters =
                {
                    new NpgsqlParameter<List<string>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = _persistenceIds },
                    new NpgsqlParameter<List<long>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = _sequenceNrs },
                    new NpgsqlParameter<List<long>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = _created },
                    new NpgsqlParameter<List<byte[]>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, TypedValue = _messages },
                    new NpgsqlParameter<List<string>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = _tags },
                    new NpgsqlParameter<List<string>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = _manifests },
                    new NpgsqlParameter<List<int>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, TypedValue = _serializerIds },
                },
            };
            await insert.PrepareAsync();
            return (connection, insert);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private sealed record PendingWrite(IReadOnlyList<JournalRow> Rows, IImmutableList<Exception> Result)
    {
        // Continuations run on the writer's thread: they only hand the outcome to the journal's actors.
        public TaskCompletionSource<IImmutableList<Exception>> Completion { get; } = new();
    }
}
