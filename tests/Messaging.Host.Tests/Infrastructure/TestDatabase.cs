using Npgsql;

namespace Messaging.Host.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL the integration tests run on: <c>MESSAGING_TEST_POSTGRES</c>, or the local default that
/// <c>./test.sh</c> prepares. An unreachable server fails the tests; it never skips them.
/// </summary>
public static class TestDatabase
{
    public const string DefaultConnectionString = "Host=localhost;Port=5432;Username=messaging;Password=messaging;Database=messaging_test";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("MESSAGING_TEST_POSTGRES") is { Length: > 0 } configured ? configured : DefaultConnectionString;

    /// <summary>Throws a readable exception when the server cannot be reached, so every test of the collection fails.</summary>
    public static async Task EnsureReachable()
    {
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("select 1", connection);
            await command.ExecuteScalarAsync();
        }
        catch (Exception exception)
        {
            var shown = new NpgsqlConnectionStringBuilder(ConnectionString) { Password = null };
            throw new InvalidOperationException(
                $"PostgreSQL is not reachable at '{shown}' (MESSAGING_TEST_POSTGRES). Run the tests through ./test.sh, " +
                "which starts the local server, or point MESSAGING_TEST_POSTGRES at one.", exception);
        }
    }

    /// <summary>A fresh SQLite file under the temp folder; delete it with <see cref="DeleteSqliteFile"/>.</summary>
    public static string NewSqliteFile() => Path.Combine(Path.GetTempPath(), $"messaging-host-tests-{Guid.NewGuid():N}.db");

    public static void DeleteSqliteFile(string file)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var path in new[] { file, file + "-wal", file + "-shm" })
        {
            try { File.Delete(path); }
            catch (IOException) { }
        }
    }
}
