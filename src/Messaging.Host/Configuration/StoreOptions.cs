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
