using Messaging.Load.Transport;
using Npgsql;

namespace Messaging.Load.Scenarios;

/// <summary>The server's <c>users</c> table: a recipient must be there before anyone sends to it.</summary>
public static class UserDirectory
{
    public static async Task InsertAsync(string connectionString, IReadOnlyList<LoadUser> users, CancellationToken cancellationToken)
    {
        Loopback.RequireDatabase(connectionString);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(
            "insert into users (id, name, email) select * from unnest(@ids, @names, @emails) on conflict (id) do nothing");
        command.Parameters.AddWithValue("ids", users.Select(user => user.Id).ToArray());
        command.Parameters.AddWithValue("names", users.Select(user => user.Name).ToArray());
        command.Parameters.AddWithValue("emails", users.Select(user => $"{user.Id:N}@load.test").ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
