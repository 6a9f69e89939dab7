using Messaging.Load.Cli;
using Messaging.Load.Results;
using Messaging.Load.Transport;

namespace Messaging.Load.Scenarios;

/// <summary>
/// Memory of idle sessions: the server's RSS before any connection, then with one authenticated, subscribed
/// connection per user kept alive by heart-beats for the hold; the difference per connection.
/// </summary>
public sealed class IdleScenario(ScenarioContext context, TimeSpan heartBeat)
{
    /// <summary><c>--seconds</c> is the hold with every connection open; <c>--warmup</c> the settling before the idle RSS is read.</summary>
    public static readonly LoadSettings.Defaults Defaults = new(Users: 2000, Seconds: 15, WarmupSeconds: 2);

    public static IdleScenario From(ScenarioContext context, Arguments arguments)
    {
        var heartBeat = TimeSpan.FromSeconds(arguments.Number("heart-beat", 10));
        if (context.Server is null)
            throw new UsageException("idle measures the server's memory: give --server-pid");
        return new IdleScenario(context, context.OnServer ? heartBeat : TimeSpan.Zero);
    }

    public async Task<RunResult> RunAsync(CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        var server = context.Server!;
        await Task.Delay(settings.Warmup, context.Clock, cancellationToken);
        var idle = server.Sample();
        // Connecting needs only a valid token; the directory is not involved.
        var users = LoadUser.Create(settings.Users, context.Tokens, "idle");
        await using var market = await Marketplace.OpenAsync(settings.Target, users, index => users[index ^ 1].Id, heartBeat, context.Clock, cancellationToken);
        // Each connection beats on its own from its CONNECT on (LoadConnection.BeatEvery).
        await Task.Delay(settings.Duration, context.Clock, cancellationToken);
        var loaded = server.Sample();
        var figures = new IdleFigures(
            users.Count, market.OpenConnections, heartBeat.TotalSeconds, settings.Duration.TotalSeconds,
            Math.Round(idle.RssBytes / 1048576.0, 1), Math.Round(loaded.RssBytes / 1048576.0, 1),
            Math.Round((loaded.RssBytes - idle.RssBytes) / 1024.0 / users.Count, 1), market.Events.Disconnects);
        return context.Result("idle", [], result => result with { Idle = figures });
    }
}
