using System.Runtime.InteropServices;
using Messaging.Load.Measuring;
using Messaging.Load.Results;
using Messaging.Load.Scheduling;
using Messaging.Load.Transport;

namespace Messaging.Load.Scenarios;

/// <summary>What every scenario works with: its settings, the clock, tokens, REST, the server's meter, and where progress goes.</summary>
public sealed class ScenarioContext : IDisposable
{
    private const int OpeningParallelism = 8;

    public ScenarioContext(LoadSettings settings, TextWriter progress)
    {
        Settings = settings;
        Progress = progress;
        Clock = TimeProvider.System;
        Driver = OpenLoopDriver.RealTime();
        Tokens = new TokenMinter(settings.SigningKey, Clock);
        // A few connections: the REST readers are a light steady load beside the sockets, not a load of their own.
        Http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 4 }) { BaseAddress = settings.Target.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        Rest = new RestClient(Http);
        Server = settings.ServerPid is { } pid ? new ProcessMeter(pid) : null;
        StartedAt = Clock.GetUtcNow();
    }

    public LoadSettings Settings { get; }
    public TextWriter Progress { get; }
    public TimeProvider Clock { get; }
    public OpenLoopDriver Driver { get; }
    public TokenMinter Tokens { get; }
    public HttpClient Http { get; }
    public RestClient Rest { get; }
    public ProcessMeter? Server { get; }
    public DateTimeOffset StartedAt { get; }
    public bool OnServer => Settings.Target.Kind == TargetKind.Server;

    /// <summary>New users with tokens; on the server they are inserted into its directory first.</summary>
    public async Task<IReadOnlyList<LoadUser>> CreateUsersAsync(int count, string role, CancellationToken cancellationToken)
    {
        var users = LoadUser.Create(count, Tokens, role);
        if (OnServer)
            await UserDirectory.InsertAsync(Settings.RequireDatabase(), users, cancellationToken);
        return users;
    }

    /// <summary>Connects <paramref name="users"/> in pairs; on the server each pair's first message (over REST) opens its conversation.</summary>
    public async Task<Pairs> OpenPairsAsync(IReadOnlyList<LoadUser> users, CancellationToken cancellationToken)
    {
        var market = await Marketplace.OpenAsync(Settings.Target, users, index => users[index ^ 1].Id, TimeSpan.Zero, Clock, cancellationToken);
        try
        {
            var conversations = new Guid[users.Count / 2];
            if (OnServer)
            {
                await Parallel.ForEachAsync(Enumerable.Range(0, conversations.Length),
                    new ParallelOptions { MaxDegreeOfParallelism = OpeningParallelism, CancellationToken = cancellationToken },
                    async (pair, token) => conversations[pair] = await Rest.OpenConversationAsync(users[2 * pair], users[2 * pair + 1].Id, token));
            }
            var routes = users.Select((_, index) => new SendRoute(
                market.Connections[index], users[index ^ 1].Id, OnServer ? conversations[index / 2] : null)).ToArray();
            return new Pairs(market, routes, OnServer ? conversations : []);
        }
        catch
        {
            await market.DisposeAsync();
            throw;
        }
    }

    /// <summary>The REST reads beside a pairs load: the first few pairs' lists and histories, in turn.</summary>
    public HttpProbe? PairReads(Pairs pairs, int readers = 4)
    {
        if (!OnServer || Settings.HttpRate <= 0)
            return null;
        var reads = Enumerable.Range(0, Math.Min(readers, pairs.Conversations)).SelectMany(pair => new[]
        {
            new HttpRead("GET /api/conversations", "/api/conversations", pairs.Market.Users[2 * pair].Token, ServerRoute: "/api/conversations/"),
            new HttpRead("GET /api/messages", $"/api/messages?conversationId={pairs.ConversationIds[pair]}", pairs.Market.Users[2 * pair + 1].Token, ServerRoute: "/api/messages/"),
        }).ToArray();
        return new HttpProbe(Http, reads, Settings.HttpRate, Clock, Driver);
    }

    public LoadRun Runner(Marketplace market) => new(market, expectReceipts: OnServer, Server, Clock, Driver);

    /// <summary>A result of this context's target and label, with its summary line.</summary>
    public RunResult Result(string scenario, IReadOnlyList<LoadStep> steps, Func<RunResult, RunResult>? complete = null)
    {
        var result = new RunResult(scenario, Settings.Target.Name, Settings.Label, StartedAt, Machine(), Settings.ServerMessagesPerMinute, "", steps);
        result = complete?.Invoke(result) ?? result;
        return result with { Summary = SummaryLine.For(result) };
    }

    public static string Machine() =>
        $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}";

    public void Dispose() => Http.Dispose();
}
