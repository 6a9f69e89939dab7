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
/// </summary>
public sealed class SqlDirectory(DbDataSource dataSource, StoreKind kind, IMemoryCache cache) : IDirectory
{
    private static readonly TimeSpan Found = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Missing = TimeSpan.FromSeconds(2);

    public static DbDataSource CreateDataSource(StoreOptions store) => store.Kind == StoreKind.Postgres
        ? NpgsqlDataSource.Create(store.WithPoolOf(StoreOptions.DirectoryConnections))
        : SqliteFactory.Instance.CreateDataSource(store.ConnectionString);

    public Task<UserProfile?> FindUser(UserId id, CancellationToken cancellationToken) =>
        Cached($"user:{id}", "select name, email from users where id = @id", id.Value,
            reader => new UserProfile(id, reader.GetString(0), reader.GetString(1)), cancellationToken);

    public Task<ProductInfo?> FindProduct(ProductId id, CancellationToken cancellationToken) =>
        Cached($"product:{id}", "select title, image_url from products where id = @id", id.Value,
            reader => new ProductInfo(id, reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)), cancellationToken);

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

    private async Task Execute(string sql, Guid id, string a, string? b, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        AddParameter(command, "id", IdValue(id));
        AddParameter(command, "a", a);
        AddParameter(command, "b", (object?)b ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<T?> Cached<T>(string key, string sql, Guid id, Func<DbDataReader, T> read, CancellationToken cancellationToken) where T : class
    {
        if (cache.TryGetValue(key, out T? hit))
            return hit;
        await using var command = dataSource.CreateCommand(sql);
        AddParameter(command, "id", IdValue(id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var value = await reader.ReadAsync(cancellationToken) ? read(reader) : null;
        // A miss is cached briefly only, so a user or product added a moment ago is found soon.
        cache.Set(key, value, value is null ? Missing : Found);
        return value;
    }

    private object IdValue(Guid id) => kind == StoreKind.Postgres ? id : id.ToString();

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
