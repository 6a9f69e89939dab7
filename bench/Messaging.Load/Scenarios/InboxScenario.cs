using Messaging.Load.Cli;
using Messaging.Load.Results;
using Messaging.Load.Scheduling;
using Messaging.Load.Transport;

namespace Messaging.Load.Scenarios;

/// <summary>
/// A seller with many conversations: each of <c>--conversations</c> other users sends it one message (over STOMP, by
/// recipient id, which opens the conversation); then its <c>GET /api/conversations</c> is read at a steady rate while
/// pairs of other users chat at <c>--rate</c>.
/// </summary>
public sealed class InboxScenario(ScenarioContext context, int conversations, double rate, double openingRate)
{
    public const string ListEndpoint = "GET /api/conversations (inbox owner)";

    /// <summary><c>--users</c> are the chatting pairs beside the inbox owner and its writers.</summary>
    public static readonly LoadSettings.Defaults Defaults = new(Users: 200, Seconds: 20, WarmupSeconds: 2);

    public static InboxScenario From(ScenarioContext context, Arguments arguments)
    {
        if (!context.OnServer)
            throw new UsageException("inbox reads the server's REST API: it has no relay form");
        var conversations = arguments.Integer("conversations", 500);
        return conversations > 0
            ? new InboxScenario(context, conversations, arguments.Number("rate", 200), arguments.Number("opening-rate", 100))
            : throw new UsageException("--conversations must be positive");
    }

    public async Task<RunResult> RunAsync(CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        var owner = (await context.CreateUsersAsync(1, "inbox owner", cancellationToken))[0];
        var writers = await context.CreateUsersAsync(conversations, "writer", cancellationToken);
        var chatting = await context.CreateUsersAsync(settings.Users, "pair", cancellationToken);

        await using var inbox = await Marketplace.OpenAsync(settings.Target, [owner, .. writers], _ => owner.Id, TimeSpan.Zero, context.Clock, cancellationToken);
        var openings = writers.Select((_, index) => new SendRoute(inbox.Connections[index + 1], owner.Id, null)).ToArray();
        var opened = await context.Runner(inbox).PlayAsync(openings,
            SendSchedule.AtRate(openingRate, TimeSpan.FromSeconds(conversations / openingRate), conversations), settings.Drain, cancellationToken);
        await context.Progress.WriteLineAsync($"inbox: {opened.DeliveredCount} of {conversations} opening messages delivered to the owner" +
            (opened.Refusals.Count > 0 ? $"; refused: {string.Join(", ", opened.Refusals.Select(refusal => $"{refusal.Value} x {refusal.Key}"))}" : ""));

        await using var pairs = await context.OpenPairsAsync(chatting, cancellationToken);
        var probe = new HttpProbe(context.Http, [new HttpRead(ListEndpoint, "/api/conversations", owner.Token, ServerRoute: "/api/conversations/")], settings.HttpRate, context.Clock, context.Driver);
        var step = await context.Runner(pairs.Market).MeasureAsync(
            new LoadPlan(pairs.Routes, chatting.Count, pairs.Conversations,
                SendSchedule.AtRate(rate, settings.Warmup, chatting.Count), SendSchedule.AtRate(rate, settings.Duration, chatting.Count), settings.Drain),
            probe, cancellationToken);
        var listed = await context.Rest.CountConversationsAsync(owner, cancellationToken);
        var list = step.Http?.Latency.GetValueOrDefault(ListEndpoint) ?? LatencySummary.Empty;
        var serverList = step.Http?.ServerSide?.GetValueOrDefault(ListEndpoint);
        return context.Result("inbox", [step], result => result with { Inbox = new InboxFigures(conversations, listed, opened.DeliveredCount, list, serverList) });
    }
}
