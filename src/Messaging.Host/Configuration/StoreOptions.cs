using System.Data.Common;

namespace Messaging.Host.Configuration;

public enum StoreKind
{
    Sqlite,
    Postgres,
}

/// <summary>Where journal, snapshots and the directory tables live: <c>Messaging__Store</c> and <c>ConnectionStrings__Messaging</c>.</summary>
public sealed record StoreOptions(StoreKind Kind, string ConnectionString)
{
    public const string DefaultSqliteConnectionString = "Data Source=./data/messaging.db";

    /// <summary>
    /// PostgreSQL connections one node may hold for the journal and snapshots (one pool), and for the directory (another),
    /// unless the connection string names its own Maximum Pool Size. Together they stay well under PostgreSQL's default
    /// max_connections of 100 for a few nodes, so a burst (every inbox saving its snapshot as a node stops, a list of
    /// uncached users) waits for a connection of its own node instead of taking the server's last ones from the others.
    /// </summary>
    public const int JournalConnections = 16;

    /// <inheritdoc cref="JournalConnections"/>
    public const int DirectoryConnections = 8;

    /// <summary>The connection string with a pool of at most <paramref name="connections"/> (PostgreSQL only), unless it names one itself.</summary>
    public string WithPoolOf(int connections)
    {
        if (Kind != StoreKind.Postgres)
            return ConnectionString;
        var builder = new DbConnectionStringBuilder { ConnectionString = ConnectionString };
        if (builder.ContainsKey("Maximum Pool Size") || builder.ContainsKey("Max Pool Size"))
            return ConnectionString;
        builder["Maximum Pool Size"] = connections;
        return builder.ConnectionString;
    }

    /// <summary>linq2db provider names Akka.Persistence.Sql expects.</summary>
    public string ProviderName => Kind == StoreKind.Postgres ? "PostgreSQL.15" : "SQLite.MS";

    public static StoreOptions From(IConfiguration configuration)
    {
        var store = configuration["Messaging:Store"];
        var kind = store?.Trim().ToLowerInvariant() switch
        {
            null or "" or "sqlite" => StoreKind.Sqlite,
            "postgres" or "postgresql" => StoreKind.Postgres,
            _ => throw new InvalidOperationException($"Messaging:Store must be 'sqlite' or 'postgres', was '{store}'"),
        };
        var connectionString = configuration.GetConnectionString("Messaging");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = kind == StoreKind.Sqlite
                ? DefaultSqliteConnectionString
                : throw new InvalidOperationException("Messaging:Store is postgres but ConnectionStrings:Messaging is not set");
        }
        return new StoreOptions(kind, connectionString);
    }
}
