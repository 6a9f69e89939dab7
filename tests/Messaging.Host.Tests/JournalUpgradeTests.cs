using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Messaging.Host.Tests;

/// <summary>
/// A database written by a version from before conversation events were tagged has a journal table without a
/// <c>tags</c> column. The host adds it at start, and writes go on.
/// </summary>
public sealed class JournalUpgradeTests
{
    private const string JournalBeforeTagsOnPostgres = """
        create table journal (
          ordering bigint generated always as identity primary key,
          created bigint not null, deleted boolean not null, persistence_id text not null, sequence_number bigint not null,
          message bytea not null, manifest text, identifier integer, writer_uuid text,
          constraint journal_uq unique (persistence_id, sequence_number))
        """;

    private const string JournalBeforeTagsOnSqlite = """
        create table journal (
          ordering integer primary key autoincrement,
          created bigint not null, deleted boolean not null, persistence_id text not null, sequence_number bigint not null,
          message blob not null, manifest text, identifier integer, writer_uuid text,
          unique (persistence_id, sequence_number))
        """;

    [Fact]
    public async Task A_postgres_journal_from_before_tags_gets_the_column_and_takes_tagged_writes()
    {
        await TestDatabase.EnsureReachable();
        var schema = $"upgrade_{Guid.NewGuid():N}";
        // The host's tables resolve to a schema of their own, holding a journal as an earlier version created it.
        var connectionString = new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString) { SearchPath = schema }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(TestDatabase.ConnectionString);
        await Execute(dataSource, $"create schema {schema}; set search_path to {schema}; {JournalBeforeTagsOnPostgres}");
        try
        {
            Guid conversationId;
            await using (var host = await MessagingHost.StartPostgres(connectionString: connectionString))
                conversationId = await SendOneMessage(host);

            await using var schemaSource = NpgsqlDataSource.Create(connectionString);
            Assert.All(await TagsOf(schemaSource, conversationId), tags => Assert.Contains("conversation", tags));
        }
        finally
        {
            await Execute(dataSource, $"drop schema {schema} cascade");
        }
    }

    [Fact]
    public async Task A_sqlite_journal_from_before_tags_gets_the_column_and_takes_tagged_writes()
    {
        var file = TestDatabase.NewSqliteFile();
        await using var dataSource = SqliteFactory.Instance.CreateDataSource($"Data Source={file}");
        try
        {
            await Execute(dataSource, JournalBeforeTagsOnSqlite);

            Guid conversationId;
            await using (var host = await MessagingHost.StartSqlite(file))
                conversationId = await SendOneMessage(host);

            Assert.All(await TagsOf(dataSource, conversationId), tags => Assert.Contains("conversation", tags));
        }
        finally
        {
            TestDatabase.DeleteSqliteFile(file);
        }
    }

    /// <summary>Starts a conversation with one message; its id.</summary>
    private static async Task<Guid> SendOneMessage(MessagingHost host)
    {
        var buyer = await host.CreateUser();
        var seller = await host.CreateUser();
        return (await buyer.SendTo(seller, "still there?", await host.CreateProduct())).Guid("conversationId");
    }

    /// <summary>The tags column of the conversation's rows: its started event and its message.</summary>
    private static async Task<List<string>> TagsOf(DbDataSource dataSource, Guid conversationId)
    {
        await using var command = dataSource.CreateCommand($"select tags from journal where persistence_id = 'conversation-{conversationId}'");
        await using var reader = await command.ExecuteReaderAsync();
        var tags = new List<string>();
        while (await reader.ReadAsync())
            tags.Add(reader.GetString(0));
        Assert.Equal(2, tags.Count);
        return tags;
    }

    private static async Task Execute(DbDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
