using Messaging.Load.Scenarios;
using Messaging.Load.Transport;
using Npgsql;

namespace Messaging.Load.Tests.Smoke;

/// <summary>
/// The real server, built alongside the tests, as a process of its own on a free loopback port and the test
/// PostgreSQL (<c>MESSAGING_TEST_POSTGRES</c>, as ./test.sh sets it). Unreachable PostgreSQL fails the tests.
/// </summary>
public sealed class SmokeServer : IAsyncLifetime
{
    public const string SigningKey = "messaging-load-smoke-tests-signing-key-0123456789";
    public const string DefaultDatabase = "Host=localhost;Port=5432;Username=messaging;Password=messaging;Database=messaging_test";
    public const int MessagesPerMinute = 1_000_000;

    private ChildProcess? _server;

    public static string Database =>
        Environment.GetEnvironmentVariable("MESSAGING_TEST_POSTGRES") is { Length: > 0 } configured ? configured : DefaultDatabase;

    public ChildProcess Server => _server ?? throw new InvalidOperationException("the server is not started");

    /// <summary>The options every scenario run against this server takes.</summary>
    public IEnumerable<string> TargetOptions(string results) =>
    [
        "--url", Server.BaseUri.ToString(), "--server-pid", Server.Id.ToString(), "--database", Database, "--signing-key", SigningKey,
        "--server-messages-per-minute", MessagesPerMinute.ToString(), "--results", results, "--label", "smoke",
    ];

    public async Task InitializeAsync()
    {
        await EnsurePostgresReachable();
        var port = Repository.FreePort();
        _server = await ChildProcess.StartAsync(Repository.ServerDll, ["--urls", $"http://127.0.0.1:{port}"], new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["Messaging__Store"] = "postgres",
            ["ConnectionStrings__Messaging"] = Database,
            ["Jwt__SigningKey"] = SigningKey,
            ["Cluster__Port"] = "0",
            ["Messaging__MessagesPerMinute"] = MessagesPerMinute.ToString(),
            ["Logging__LogLevel__Default"] = "Warning",
            ["akka__loglevel"] = "WARNING",
        }, port);
        await WarmUp();
    }

    public Task DisposeAsync()
    {
        _server?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>
    /// One message end to end, so the journal tables exist before the scenarios run. Other test assemblies may be
    /// creating the same tables on an empty database at this moment: a failed first write is tried again.
    /// </summary>
    private async Task WarmUp()
    {
        var users = LoadUser.Create(2, new TokenMinter(SigningKey, TimeProvider.System), "warm-up");
        await UserDirectory.InsertAsync(Database, users, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = Server.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await new RestClient(http).OpenConversationAsync(users[0], users[1].Id, CancellationToken.None);
                return;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }
    }

    private static async Task EnsurePostgresReachable()
    {
        try
        {
            await using var connection = new NpgsqlConnection(Database);
            await connection.OpenAsync();
        }
        catch (Exception exception)
        {
            throw new InvalidOperationException(
                $"PostgreSQL is not reachable at '{new NpgsqlConnectionStringBuilder(Database) { Password = null }}' (MESSAGING_TEST_POSTGRES). " +
                "Run the tests through ./test.sh, which starts the local server, or point MESSAGING_TEST_POSTGRES at one.", exception);
        }
    }
}
