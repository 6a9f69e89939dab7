using Messaging.Load.Cli;
using Messaging.Load.Results;
using Messaging.Load.Transport;

namespace Messaging.Load.Scenarios;

/// <summary>The options every load scenario takes; a scenario supplies its own defaults for the sizes.</summary>
/// <param name="ServerPid">The server (or relay) process whose RSS and CPU time are measured; null to measure none.</param>
/// <param name="Database">Npgsql connection string of the server's database, where the users are inserted.</param>
/// <param name="ServerMessagesPerMinute">The per-user limit the server was started with, recorded in the result.</param>
public sealed record LoadSettings(
    Target Target,
    int? ServerPid,
    string? Database,
    string SigningKey,
    string Label,
    string ResultsFolder,
    int Users,
    TimeSpan Duration,
    TimeSpan Warmup,
    TimeSpan Drain,
    double HttpRate,
    int? ServerMessagesPerMinute)
{
    public sealed record Defaults(int Users, double Seconds, double WarmupSeconds);

    public static LoadSettings From(Arguments arguments, Defaults defaults)
    {
        var url = new Uri(arguments.Text("url", "http://127.0.0.1:5000"));
        Loopback.Require(url);
        var kind = arguments.Text("target", "server") switch
        {
            "server" => TargetKind.Server,
            "relay" => TargetKind.Relay,
            var other => throw new UsageException($"--target is server or relay, not '{other}'"),
        };
        var database = arguments.Text("database");
        if (database is not null)
            Loopback.RequireDatabase(database);
        var users = arguments.Integer("users", defaults.Users);
        if (users < 2 || users % 2 != 0)
            throw new UsageException("--users must be an even number of at least 2: users chat in pairs");
        return new LoadSettings(
            new Target(kind, url),
            arguments.OptionalInteger("server-pid"),
            database,
            arguments.Text("signing-key", TokenMinter.DevelopmentSigningKey),
            arguments.Text("label", "run"),
            arguments.Text("results", ResultFile.DefaultFolder),
            users,
            Seconds(arguments.Number("seconds", defaults.Seconds)),
            Seconds(arguments.Number("warmup", defaults.WarmupSeconds)),
            Seconds(arguments.Number("drain", 10)),
            arguments.Number("http-rate", 10),
            arguments.OptionalInteger("server-messages-per-minute"));
    }

    public string RequireDatabase() =>
        Database ?? throw new UsageException("--database (the server's Npgsql connection string) is required: the users must be in its users table");

    private static TimeSpan Seconds(double seconds) => seconds >= 0
        ? TimeSpan.FromSeconds(seconds)
        : throw new UsageException("durations are seconds, zero or more");
}
