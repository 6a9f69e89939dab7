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
}
