using System.Data.Common;
using System.Globalization;

namespace Messaging.Host.Configuration;

public enum StoreKind
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Where journal, snapshots and the directory tables live (<c>Messaging__Store</c>, <c>ConnectionStrings__Messaging</c>),
/// and how many PostgreSQL connections the whole process may hold (<c>Messaging__StoreConnections</c>).
/// </summary>
public sealed record StoreOptions(StoreKind Kind, string ConnectionString, int Connections = StoreOptions.DefaultConnections)
{
    public const string DefaultSqliteConnectionString = "Data Source=./data/messaging.db";

    /// <summary>
    /// One budget for the process: nodes × budget must stay below PostgreSQL's max_connections (100 by default, a few
    /// reserved for superusers), so a burst (every inbox saving its snapshot as a node stops, a list of uncached users)
    /// waits for a connection of its own node instead of taking the server's last ones from the others.
    /// </summary>
    public const int DefaultConnections = 24;

    /// <summary>The directory's share of the budget (a third: its queries are few and short, batched per list).</summary>
    public int DirectoryConnections => Math.Max(1, Connections / 3);

    /// <summary>The journal's and snapshot store's share (one pool: they use the same connection string).</summary>
    public int JournalConnections => Connections - DirectoryConnections;

    /// <summary>The connection string with a pool of at most <paramref name="connections"/> (PostgreSQL only).</summary>
    public string WithPoolOf(int connections)
    {
        if (Kind != StoreKind.Postgres)
            return ConnectionString;
        var builder = new DbConnectionStringBuilder { ConnectionString = ConnectionString };
        builder["Maximum Pool Size"] = connections;
        return builder.ConnectionString;
    }

    /// <summary>linq2db provider names Akka.Persistence.Sql expects.</summary>
    public string ProviderName => Kind == StoreKind.Postgres ? "PostgreSQL.15" : "SQLite.MS";

    public StoreOptions Validate()
    {
        if (Connections < 2)
            throw new InvalidOperationException($"Messaging:StoreConnections must be at least 2 (one for the journal, one for the directory), was {Connections}");
        if (Kind == StoreKind.Postgres && NamesPoolSize(ConnectionString))
            throw new InvalidOperationException(
                "ConnectionStrings:Messaging must not name a Maximum Pool Size: the process's connections are set by Messaging:StoreConnections and split between journal and directory");
        return this;
    }

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
        var budget = configuration["Messaging:StoreConnections"];
        var connections = DefaultConnections;
        if (!string.IsNullOrWhiteSpace(budget) && !int.TryParse(budget, NumberStyles.None, CultureInfo.InvariantCulture, out connections))
            throw new InvalidOperationException($"Messaging:StoreConnections must be a whole number, was '{budget}'");
        return new StoreOptions(kind, connectionString, connections).Validate();
    }

    private static bool NamesPoolSize(string connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return builder.ContainsKey("Maximum Pool Size") || builder.ContainsKey("Max Pool Size");
    }
}
