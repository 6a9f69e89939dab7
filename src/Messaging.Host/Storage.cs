using System.Data.Common;
using Messaging.Host.Configuration;
using Microsoft.Data.Sqlite;

namespace Messaging.Host;

public static class Storage
{
    /// <summary>The zero-setup SQLite file lives under ./data/, which may not exist on a fresh clone.</summary>
    public static void PrepareSqliteFolder(StoreOptions store)
    {
        if (store.Kind != StoreKind.Sqlite)
            return;
        var file = new SqliteConnectionStringBuilder(store.ConnectionString).DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(file));
        if (!string.IsNullOrEmpty(folder))
            System.IO.Directory.CreateDirectory(folder);
    }

    /// <summary>
    /// Gives a journal table created before events were tagged its <c>tags</c> column. Akka.Persistence.Sql creates the
    /// table with that column only when tags are written into it (<c>tag-write-mode = Csv</c>, see HOCON-README), so a
    /// database from an earlier version would refuse every write. Run before the actor system starts; a database with
    /// no journal yet, or with the column, is left as it is (the journal creates its table itself).
    /// </summary>
    public static async Task AddJournalTagsColumn(DbDataSource dataSource, StoreKind kind, CancellationToken cancellationToken)
    {
        if (kind == StoreKind.Postgres)
        {
            await using var upgrade = dataSource.CreateCommand("alter table if exists journal add column if not exists tags text");
            await upgrade.ExecuteNonQueryAsync(cancellationToken);
            return;
        }
        // SQLite has no "add column if not exists": look first.
        await using var find = dataSource.CreateCommand(
            "select (select count(*) from sqlite_master where type = 'table' and name = 'journal'), (select count(*) from pragma_table_info('journal') where name = 'tags')");
        await using var reader = await find.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (journalExists, hasTags) = (reader.GetInt64(0) > 0, reader.GetInt64(1) > 0);
        if (!journalExists || hasTags)
            return;
        await using var add = dataSource.CreateCommand("alter table journal add column tags text");
        await add.ExecuteNonQueryAsync(cancellationToken);
    }
}
