using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Messaging.Host.Configuration;
using Npgsql;

namespace Messaging.Host.Tests;

/// <summary>
/// The PostgreSQL journal writes rows itself and leaves reading them to Akka.Persistence.Sql. Spoken to in the
/// journal protocol, as a persistent actor speaks to it, on a schema of its own on the test database.
/// </summary>
public sealed class PostgresWriteJournalTests : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private static readonly string Schema = $"journal_{Guid.NewGuid():N}";

    /// <summary>The test schema, under an application name of its own so a test can find this journal's connections.</summary>
    private static readonly string ConnectionString =
        new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString) { SearchPath = Schema, ApplicationName = Schema }.ConnectionString;

    private readonly IActorRef _journal;

    public PostgresWriteJournalTests() : base(JournalConfig(), nameof(PostgresWriteJournalTests))
    {
        _journal = Persistence.Instance.Apply(Sys).JournalFor(null);
    }

    /// <summary>The host's journal configuration on the test schema (and a write queue of <paramref name="bufferSize"/>, if given).</summary>
    private static Config JournalConfig(int? bufferSize = null)
    {
        CreateSchema();
        var journal = ConfigurationFactory.ParseString(AkkaSetup.PersistenceHocon(new StoreOptions(StoreKind.Postgres, ConnectionString)));
        return bufferSize is { } size
            ? ConfigurationFactory.ParseString($"akka.persistence.journal.sql.buffer-size = {size}").WithFallback(journal)
            : journal;
    }

    private static void CreateSchema()
    {
        using var dataSource = NpgsqlDataSource.Create(TestDatabase.ConnectionString);
        using var command = dataSource.CreateCommand($"create schema if not exists {Schema}");
        command.ExecuteNonQuery();
    }

    public Task InitializeAsync() => TestDatabase.EnsureReachable();

    public async Task DisposeAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(TestDatabase.ConnectionString);
        await using var command = dataSource.CreateCommand($"drop schema if exists {Schema} cascade");
        await command.ExecuteNonQueryAsync();
    }

    private static string NewPersistenceId() => $"entity-{Guid.NewGuid():N}";

    private static AtomicWrite Event(string persistenceId, long sequenceNr, object payload) =>
        new(new Persistent(payload, sequenceNr, persistenceId, writerGuid: "test-writer"));

    private void Write(IActorRef writer, params AtomicWrite[] writes) =>
        _journal.Tell(new WriteMessages(writes, writer, actorInstanceId: 1));

    private IReadOnlyList<object> ExpectWriteReplies(Akka.TestKit.TestProbe writer, int events)
    {
        writer.ExpectMsg<WriteMessagesSuccessful>();
        return Enumerable.Range(0, events).Select(_ => writer.ReceiveOne(TimeSpan.FromSeconds(10))!).ToList();
    }

    private async Task<long> Scalar(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    [Fact]
    public void Events_it_writes_are_replayed_by_the_librarys_journal_in_order_with_their_payloads()
    {
        var persistenceId = NewPersistenceId();
        var writer = CreateTestProbe();
        Write(writer.Ref, Event(persistenceId, 1, "first"), Event(persistenceId, 2, "second"));
        ExpectWriteReplies(writer, 2);
        Write(writer.Ref, Event(persistenceId, 3, "third"));
        ExpectWriteReplies(writer, 1);

        var recovering = CreateTestProbe();
        _journal.Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, persistenceId, recovering.Ref));

        var replayed = Enumerable.Range(0, 3).Select(_ => recovering.ExpectMsg<ReplayedMessage>().Persistent).ToList();
        Assert.Equal([(1L, "first"), (2L, "second"), (3L, "third")], replayed.Select(p => (p.SequenceNr, (string)p.Payload)));
        Assert.Equal(3, recovering.ExpectMsg<RecoverySuccess>().HighestSequenceNr);
    }

    [Fact]
    public async Task A_row_is_the_librarys_row_with_tags_as_csv_and_the_payloads_serializer()
    {
        var persistenceId = NewPersistenceId();
        var writer = CreateTestProbe();
        var before = DateTime.UtcNow.Ticks;
        Write(writer.Ref, Event(persistenceId, 1, new Tagged("hello", ImmutableHashSet.Create("conversation"))));
        Assert.IsType<WriteMessageSuccess>(Assert.Single(ExpectWriteReplies(writer, 1)));

        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand(
            "select sequence_number, tags, identifier, manifest, deleted, writer_uuid, created, message from journal where persistence_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = persistenceId });
        await using var row = await command.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        var serializer = Sys.Serialization.FindSerializerFor("hello");
        Assert.Equal((1L, ";conversation;", serializer.Identifier, false), (row.GetInt64(0), row.GetString(1), row.GetInt32(2), row.GetBoolean(4)));
        Assert.Equal(Akka.Serialization.Serialization.ManifestFor(serializer, "hello"), row.IsDBNull(3) ? "" : row.GetString(3));
        Assert.Matches("^[0-9a-f]{32}$", row.GetString(5));
        Assert.InRange(row.GetInt64(6), before, DateTime.UtcNow.Ticks);
        Assert.Equal(serializer.ToBinary("hello"), (byte[])row.GetValue(7));
        Assert.False(await row.ReadAsync());
    }

    [Fact]
    public async Task Writes_of_many_entities_sent_at_once_are_all_acknowledged_and_stored_in_sequence_order()
    {
        var prefix = $"many-{Guid.NewGuid():N}-";
        var writers = Enumerable.Range(0, 200).Select(_ => CreateTestProbe()).ToList();
        for (var entity = 0; entity < writers.Count; entity++)
            Write(writers[entity].Ref, Event(prefix + entity, 1, $"a{entity}"), Event(prefix + entity, 2, $"b{entity}"));

        foreach (var writer in writers)
            Assert.All(ExpectWriteReplies(writer, 2), reply => Assert.IsType<WriteMessageSuccess>(reply));
        Assert.Equal(400, await Scalar($"select count(*) from journal where persistence_id like '{prefix}%'"));
        // Within an entity, the later event has the later global ordering (what a projection follows).
        Assert.Equal(0, await Scalar($"""
            select count(*) from journal first join journal second on first.persistence_id = second.persistence_id
            where first.persistence_id like '{prefix}%' and first.sequence_number = 1 and second.sequence_number = 2
              and second.ordering < first.ordering
            """));
    }

    [Fact]
    public void A_write_the_database_refuses_fails_that_write_and_the_next_one_is_stored()
    {
        var persistenceId = NewPersistenceId();
        var writer = CreateTestProbe();
        Write(writer.Ref, Event(persistenceId, 1, "first"));
        ExpectWriteReplies(writer, 1);

        // A second writer of the same entity (a zombie after a partition) reuses sequence number 1: the unique key refuses it.
        Write(writer.Ref, Event(persistenceId, 1, "again"));
        var failed = writer.ExpectMsg<WriteMessagesFailed>();
        Assert.Equal(PostgresErrorCodes.UniqueViolation, Assert.IsType<PostgresException>(failed.Cause).SqlState);
        Assert.Equal("again", writer.ExpectMsg<WriteMessageFailure>().Persistent.Payload);

        Write(writer.Ref, Event(persistenceId, 2, "second"));
        Assert.Equal("second", Assert.IsType<WriteMessageSuccess>(Assert.Single(ExpectWriteReplies(writer, 1))).Persistent.Payload);
    }

    [Fact]
    public async Task After_its_connection_is_cut_the_write_on_it_fails_and_the_next_one_is_stored_on_a_new_connection()
    {
        var persistenceId = NewPersistenceId();
        var writer = CreateTestProbe();
        Write(writer.Ref, Event(persistenceId, 1, "first"));
        ExpectWriteReplies(writer, 1);

        // The database ends the writer's session (a restart, a failover, an administrator): its socket is dead.
        Assert.Equal(1, await Scalar($"""
            select count(pg_terminate_backend(pid)) from pg_stat_activity
            where application_name = '{Schema}' and query like 'insert into%'
            """));
        Write(writer.Ref, Event(persistenceId, 2, "lost"));
        Assert.Equal(PostgresErrorCodes.AdminShutdown, Assert.IsType<PostgresException>(writer.ExpectMsg<WriteMessagesFailed>().Cause).SqlState);
        writer.ExpectMsg<WriteMessageFailure>();
        Write(writer.Ref, Event(persistenceId, 2, "stored"));
        ExpectWriteReplies(writer, 1);

        var recovering = CreateTestProbe();
        _journal.Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, persistenceId, recovering.Ref));
        Assert.Equal("first", recovering.ExpectMsg<ReplayedMessage>().Persistent.Payload);
        Assert.Equal("stored", recovering.ExpectMsg<ReplayedMessage>().Persistent.Payload);
        Assert.Equal(2, recovering.ExpectMsg<RecoverySuccess>().HighestSequenceNr);
    }

    [Fact]
    public async Task An_event_that_cannot_be_serialised_is_rejected_and_the_writes_beside_it_are_stored()
    {
        var persistenceId = NewPersistenceId();
        var writer = CreateTestProbe();
        Write(writer.Ref, Event(persistenceId, 1, "storable"), Event(persistenceId, 2, new Unserialisable()));

        var replies = ExpectWriteReplies(writer, 2);

        Assert.Equal("storable", Assert.IsType<WriteMessageSuccess>(replies[0]).Persistent.Payload);
        Assert.IsType<InvalidOperationException>(Assert.IsType<WriteMessageRejected>(replies[1]).Cause.GetBaseException());
        Assert.Equal(1, await Scalar($"select count(*) from journal where persistence_id = '{persistenceId}'"));
    }

    [Fact]
    public void Recovery_started_while_a_write_is_in_flight_sees_that_write()
    {
        var persistenceId = NewPersistenceId();
        var writer = CreateTestProbe();
        var recovering = CreateTestProbe();

        Write(writer.Ref, Event(persistenceId, 1, "first"), Event(persistenceId, 2, "second"));
        _journal.Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, persistenceId, recovering.Ref));

        recovering.ExpectMsg<ReplayedMessage>();
        recovering.ExpectMsg<ReplayedMessage>();
        Assert.Equal(2, recovering.ExpectMsg<RecoverySuccess>().HighestSequenceNr);
    }

    [Fact]
    public async Task A_write_beyond_the_queues_buffer_size_is_refused_and_the_queued_ones_are_stored()
    {
        // A journal of its own with room for one queued write, held up by a lock on its table.
        using var system = ActorSystem.Create("small-buffer", JournalConfig(bufferSize: 1));
        var journal = Persistence.Instance.Apply(system).JournalFor(null);
        var writer = CreateTestProbe(system);
        var (first, second, third) = (NewPersistenceId(), NewPersistenceId(), NewPersistenceId());
        journal.Tell(new WriteMessages([Event(first, 1, "warm-up")], writer.Ref, 1));
        writer.ExpectMsg<WriteMessagesSuccessful>();
        writer.ExpectMsg<WriteMessageSuccess>();

        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var locker = await dataSource.OpenConnectionAsync();
        await using var transaction = await locker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("lock table journal in exclusive mode", locker, transaction))
            await lockTable.ExecuteNonQueryAsync();
        journal.Tell(new WriteMessages([Event(first, 2, "in flight")], writer.Ref, 1));
        await AwaitConditionAsync(async () => await Scalar(
            "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like 'insert into%'") == 1);
        journal.Tell(new WriteMessages([Event(second, 1, "queued")], writer.Ref, 1));
        journal.Tell(new WriteMessages([Event(third, 1, "refused")], writer.Ref, 1));

        await transaction.RollbackAsync();

        var replies = Enumerable.Range(0, 6).Select(_ => writer.ReceiveOne(TimeSpan.FromSeconds(10))).ToList();
        Assert.Equal(["in flight", "queued"], replies.OfType<WriteMessageSuccess>().Select(success => (string)success.Persistent.Payload));
        Assert.Contains("queue is full", Assert.Single(replies.OfType<WriteMessagesFailed>()).Cause.Message);
        Assert.Equal("refused", Assert.Single(replies.OfType<WriteMessageFailure>()).Persistent.Payload);
    }

    private sealed class Unserialisable
    {
        public string Value => throw new InvalidOperationException("this event cannot be stored");
    }
}
