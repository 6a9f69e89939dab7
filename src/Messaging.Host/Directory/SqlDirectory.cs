using System.Data.Common;
using Messaging.Actors;
using Messaging.Actors.Doors;
using Messaging.Host.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;

namespace Messaging.Host.Directory;

/// <summary>
/// The marketplace's <c>users</c> and <c>products</c> tables, read-only and through a cache. The service creates
/// them when missing so it runs on an empty database; a marketplace points it at its own.
/// Lookups are batched (one query for every uncached id a list needs) and hold at most the directory's share of
/// the process's connections at once, so a burst of lists waits here instead of exhausting PostgreSQL.
/// </summary>
public sealed class SqlDirectory(DbDataSource dataSource, StoreKind kind, int connections, IMemoryCache cache) : IDirectory, IDisposable
{
    private static readonly TimeSpan Found = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Missing = TimeSpan.FromSeconds(2);

    /// <summary>How long a lookup waits for one of the directory's connections before the store counts as unavailable.</summary>
    private static readonly TimeSpan ConnectionWait = TimeSpan.FromSeconds(3);

    /// <summary>Ids per query on SQLite, whose <c>in (...)</c> list is bound parameter by parameter (PostgreSQL takes one array).</summary>
    private const int SqliteIdsPerQuery = 500;

    private static readonly Table<UserId, UserProfile> Users = new("users", "name, email",
        (id, row) => new UserProfile(id, row.GetString(1), row.GetString(2)));

    private static readonly Table<ProductId, ProductInfo> Products = new("products", "title, image_url",
        (id, row) => new ProductInfo(id, row.GetString(1), row.IsDBNull(2) ? null : row.GetString(2)));

    private readonly SemaphoreSlim _connections = new(connections, connections);
    private long _lookups;

    /// <summary>Lookup queries sent to the database so far: how well lookups are cached and batched.</summary>
    public long LookupQueries => Interlocked.Read(ref _lookups);

    public static DbDataSource CreateDataSource(StoreOptions store) => store.Kind == StoreKind.Postgres
        ? NpgsqlDataSource.Create(store.WithPoolOf(store.DirectoryConnections))
        : SqliteFactory.Instance.CreateDataSource(store.ConnectionString);

    public static SqlDirectory Create(DbDataSource dataSource, StoreOptions store, IMemoryCache cache) =>
        new(dataSource, store.Kind, store.DirectoryConnections, cache);

    public async Task<UserProfile?> FindUser(UserId id, CancellationToken cancellationToken) =>
        cache.TryGetValue(Users.Key(id), out UserProfile? hit) ? hit : (await Load(Users, [id], cancellationToken)).GetValueOrDefault(id);

    public async Task<ProductInfo?> FindProduct(ProductId id, CancellationToken cancellationToken) =>
        cache.TryGetValue(Products.Key(id), out ProductInfo? hit) ? hit : (await Load(Products, [id], cancellationToken)).GetValueOrDefault(id);

    public Task<IReadOnlyDictionary<UserId, UserProfile>> FindUsers(IReadOnlyCollection<UserId> ids, CancellationToken cancellationToken) =>
        Cached(Users, ids, cancellationToken);

    public Task<IReadOnlyDictionary<ProductId, ProductInfo>> FindProducts(IReadOnlyCollection<ProductId> ids, CancellationToken cancellationToken) =>
        Cached(Products, ids, cancellationToken);

    /// <summary>Whether the database answers at all (readiness).</summary>
    public Task Ping(CancellationToken cancellationToken) => WithConnection(async () =>
    {
        await using var command = dataSource.CreateCommand("select 1");
        return await command.ExecuteScalarAsync(cancellationToken);
    }, cancellationToken);

    /// <summary>Creates the directory tables if missing (and, on SQLite, switches the file to WAL so readers never block the journal).</summary>
    public async Task EnsureSchema(CancellationToken cancellationToken)
    {
        var uuid = kind == StoreKind.Postgres ? "uuid" : "text";
        var sql = $"""
            create table if not exists users (id {uuid} primary key, name text not null, email text not null);
            create table if not exists products (id {uuid} primary key, title text not null, image_url text);
            """;
        if (kind == StoreKind.Sqlite)
            sql = "pragma journal_mode = wal;\n" + sql;
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task UpsertUser(UserProfile user, CancellationToken cancellationToken) =>
        await Execute("insert into users (id, name, email) values (@id, @a, @b) on conflict (id) do update set name = excluded.name, email = excluded.email",
            user.Id.Value, user.Name, user.Email, cancellationToken);

    public async Task UpsertProduct(ProductInfo product, CancellationToken cancellationToken) =>
        await Execute("insert into products (id, title, image_url) values (@id, @a, @b) on conflict (id) do update set title = excluded.title, image_url = excluded.image_url",
            product.Id.Value, product.Title, product.ImageUrl, cancellationToken);

    public void Dispose() => _connections.Dispose();

    private Task Execute(string sql, Guid id, string a, string? b, CancellationToken cancellationToken) => WithConnection(async () =>
    {
        await using var command = dataSource.CreateCommand(sql);
        AddParameter(command, "id", IdValue(id));
        AddParameter(command, "a", a);
        AddParameter(command, "b", (object?)b ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }, cancellationToken);

    private async Task<IReadOnlyDictionary<TId, T>> Cached<TId, T>(Table<TId, T> table, IReadOnlyCollection<TId> ids, CancellationToken cancellationToken)
        where TId : struct, IGuidId<TId> where T : class
    {
        var found = new Dictionary<TId, T>(ids.Count);
        var uncached = new List<TId>();
        foreach (var id in ids.Distinct())
        {
            if (!cache.TryGetValue(table.Key(id), out T? hit))
                uncached.Add(id);
            else if (hit is not null)
                found[id] = hit;
        }
        if (uncached.Count > 0)
        {
            foreach (var (id, value) in await Load(table, uncached, cancellationToken))
                found[id] = value;
        }
        return found;
    }

    /// <summary>Reads <paramref name="ids"/> from the table (one query on PostgreSQL) and caches each, found or not.</summary>
    private async Task<Dictionary<TId, T>> Load<TId, T>(Table<TId, T> table, IReadOnlyList<TId> ids, CancellationToken cancellationToken)
        where TId : struct, IGuidId<TId> where T : class
    {
        var loaded = new Dictionary<TId, T>(ids.Count);
        foreach (var batch in ids.Chunk(kind == StoreKind.Postgres ? ids.Count : SqliteIdsPerQuery))
        {
            Interlocked.Increment(ref _lookups);
            await WithConnection(async () =>
            {
                await using var command = Lookup(table, batch);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var id = TId.From(kind == StoreKind.Postgres ? reader.GetGuid(0) : Guid.Parse(reader.GetString(0)));
                    loaded[id] = table.Read(id, reader);
                }
                return loaded.Count;
            }, cancellationToken);
        }
        foreach (var id in ids)
        {
            // A miss is cached briefly only, so a user or product added a moment ago is found soon.
            var value = loaded.GetValueOrDefault(id);
            cache.Set(table.Key(id), value, value is null ? Missing : Found);
        }
        return loaded;
    }

    private DbCommand Lookup<TId, T>(Table<TId, T> table, TId[] ids) where TId : struct, IGuidId<TId> where T : class
    {
        var command = dataSource.CreateCommand();
        if (kind == StoreKind.Postgres)
        {
            command.CommandText = $"select id, {table.Columns} from {table.Name} where id = any(@ids)";
            AddParameter(command, "ids", ids.Select(id => id.Value).ToArray());
        }
        else
        {
            // SQLite has no arrays: one parameter per id.
            command.CommandText = $"select id, {table.Columns} from {table.Name} where id in ({string.Join(", ", ids.Select((_, index) => $"@id{index}"))})";
            for (var index = 0; index < ids.Length; index++)
                AddParameter(command, $"id{index}", IdValue(ids[index].Value));
        }
        return command;
    }

    /// <summary>Runs one query on one of the directory's connections; when none frees up in time, the store is unavailable.</summary>
    private async Task<TResult> WithConnection<TResult>(Func<Task<TResult>> query, CancellationToken cancellationToken)
    {
        if (!await _connections.WaitAsync(ConnectionWait, cancellationToken))
            throw new StoreUnavailableException($"no directory connection was free within {ConnectionWait.TotalSeconds:0} s");
        try
        {
            return await query();
        }
        finally
        {
            _connections.Release();
        }
    }

    private object IdValue(Guid id) => kind == StoreKind.Postgres ? id : id.ToString();

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>A directory table: its name, the columns read after <c>id</c>, and how a row becomes a value.</summary>
    private sealed record Table<TId, T>(string Name, string Columns, Func<TId, DbDataReader, T> Read) where TId : struct, IGuidId<TId>
    {
        public string Key(TId id) => $"{Name}:{id.Value}";
    }
}

/// <summary>The store cannot serve a request now (unreachable, or every connection of this process busy): a 503, not a 500.</summary>
public sealed class StoreUnavailableException(string message) : Exception(message);
