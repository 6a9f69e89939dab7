using System.Net.Sockets;
using Messaging.Host.Directory;
using Npgsql;

namespace Messaging.Host.Tests.Hostile;

/// <summary>Which database failures are the store's trouble (a 503 the client may retry) and which are bugs (a 500).</summary>
public sealed class StoreFailureTests
{
    [Fact]
    public async Task A_database_that_refuses_connections_is_a_store_failure()
    {
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens there any more
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString) { Host = "127.0.0.1", Port = port }.ConnectionString);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => connection.OpenAsync());

        Assert.True(StoreMonitor.IsStoreFailure(failure), failure.ToString());
    }

    [Fact]
    public async Task A_query_the_database_rejects_as_wrong_is_not_a_store_failure()
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select from a_table_that_does_not_exist", connection);

        var failure = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.False(StoreMonitor.IsStoreFailure(failure));
    }

    [Fact]
    public void No_free_directory_connection_is_a_store_failure()
    {
        Assert.True(StoreMonitor.IsStoreFailure(new StoreUnavailableException("no directory connection was free within 3 s")));
    }
}
