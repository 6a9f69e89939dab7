using Messaging.Load.Cli;
using Messaging.Load.Results;
using Messaging.Load.Scheduling;

namespace Messaging.Load.Scenarios;

/// <summary>
/// One open-loop run at a fraction of a reference rate (the sustained rate found by <c>throughput</c>): <c>latency</c>
/// at half of it, <c>overload</c> at twice it. Or, with <c>--flat-out N</c>, N sends all due at once.
/// </summary>
public sealed class SteadyScenario(ScenarioContext context, string name, double rate, long? flatOut)
{
    public static readonly LoadSettings.Defaults Defaults = new(Users: 2000, Seconds: 30, WarmupSeconds: 5);

    /// <param name="defaultLoad">The fraction of <c>--rate</c> offered unless <c>--load</c> says otherwise.</param>
    public static SteadyScenario From(ScenarioContext context, Arguments arguments, string name, double defaultLoad)
    {
        var flatOut = arguments.OptionalInteger("flat-out");
        var reference = arguments.OptionalNumber("rate");
        var load = arguments.Number("load", defaultLoad);
        if (flatOut is null && reference is not > 0)
            throw new UsageException($"{name} needs --rate R (the sustained rate; {load} x R is offered) or --flat-out N");
        return new SteadyScenario(context, name, (reference ?? 0) * load, flatOut);
    }

    public async Task<RunResult> RunAsync(CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        var users = await context.CreateUsersAsync(settings.Users, "pair", cancellationToken);
        await using var pairs = await context.OpenPairsAsync(users, cancellationToken);
        var measured = flatOut is { } count ? SendSchedule.FlatOut(count, users.Count) : SendSchedule.AtRate(rate, settings.Duration, users.Count);
        // Flat out has no rate to warm up at: it runs cold (the pairs' opening messages are its only warm-up).
        var warmup = flatOut is null ? SendSchedule.AtRate(rate, settings.Warmup, users.Count) : SendSchedule.FlatOut(0, users.Count);
        var step = await context.Runner(pairs.Market).MeasureAsync(
            new LoadPlan(pairs.Routes, users.Count, pairs.Conversations, warmup, measured, settings.Drain),
            context.PairReads(pairs), cancellationToken);
        return context.Result(name, [step]);
    }
}
