using Messaging.Load.Cli;
using Messaging.Load.Results;
using Messaging.Load.Scheduling;

namespace Messaging.Load.Scenarios;

/// <summary>
/// Steps the offered rate up over the same connected pairs, a warm-up and a measured run per step, and stops at the
/// first step that fails: the sustained rate is the highest whose delivery p99 stays under the limit with every
/// message delivered and none refused.
/// </summary>
public sealed class ThroughputScenario(ScenarioContext context, IReadOnlyList<double> rates, double p99LimitMs)
{
    public static readonly LoadSettings.Defaults Defaults = new(Users: 2000, Seconds: 5, WarmupSeconds: 2);
    public static readonly IReadOnlyList<double> DefaultRates = [250, 500, 1000, 2000, 3000, 5000, 7500, 10000, 15000, 20000, 30000];

    public static ThroughputScenario From(ScenarioContext context, Arguments arguments) =>
        new(context, arguments.Numbers("steps", DefaultRates), arguments.Number("p99-limit-ms", 100));

    public async Task<RunResult> RunAsync(CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        var users = await context.CreateUsersAsync(settings.Users, "pair", cancellationToken);
        await using var pairs = await context.OpenPairsAsync(users, cancellationToken);
        var runner = context.Runner(pairs.Market);
        var steps = new List<LoadStep>();
        foreach (var rate in rates)
        {
            var plan = new LoadPlan(pairs.Routes, users.Count, pairs.Conversations,
                SendSchedule.AtRate(rate, settings.Warmup, users.Count), SendSchedule.AtRate(rate, settings.Duration, users.Count), settings.Drain);
            var step = await runner.MeasureAsync(plan, context.PairReads(pairs), cancellationToken);
            steps.Add(step);
            await context.Progress.WriteLineAsync(SummaryLine.Step(step));
            if (!step.Sustains(p99LimitMs))
                break;
        }
        var sustained = steps.Where(step => step.Sustains(p99LimitMs)).Select(step => (double?)step.OfferedRate).Max();
        return context.Result("throughput", steps, result => result with { SustainedRate = sustained, P99LimitMs = p99LimitMs });
    }
}
