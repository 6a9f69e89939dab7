using Messaging.Load.Measuring;
using Messaging.Load.Recording;
using Messaging.Load.Results;
using Messaging.Load.Scheduling;

namespace Messaging.Load.Scenarios;

/// <summary>What one measured step plays: who sends where, a warm-up whose figures are dropped, the measured schedule.</summary>
public sealed record LoadPlan(IReadOnlyList<SendRoute> Routes, int Users, int Conversations, SendSchedule Warmup, SendSchedule Measured, TimeSpan Drain);

/// <summary>
/// Plays open-loop schedules over a marketplace. After each schedule it waits, at most the plan's drain, for the
/// answers still under way; whatever has not come by then counts as undelivered.
/// </summary>
public sealed class LoadRun(Marketplace market, bool expectReceipts, ProcessMeter? server, TimeProvider clock, OpenLoopDriver driver)
{
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(20);

    public async Task<LoadStep> MeasureAsync(LoadPlan plan, HttpProbe? probe, CancellationToken cancellationToken)
    {
        if (plan.Warmup.Count > 0)
            await PlayAsync(plan.Routes, plan.Warmup, plan.Drain, cancellationToken);
        var sampler = server is null ? null : ServerSampler.Start(server, clock);
        var reading = probe?.RunAsync(plan.Measured.Duration, cancellationToken) ?? Task.CompletedTask;
        var recorder = await PlayAsync(plan.Routes, plan.Measured, plan.Drain, cancellationToken);
        await reading;
        var serverFigures = sampler is null ? null : await sampler.StopAsync(recorder.DeliveredCount);
        var scheduled = plan.Measured.Duration;
        return new LoadStep(
            plan.Measured.IsFlatOut ? 0 : plan.Measured.Rate,
            Math.Round((plan.Measured.IsFlatOut ? recorder.UntilLastDelivered : scheduled).TotalSeconds, 3),
            plan.Users,
            plan.Conversations,
            recorder.Sent,
            recorder.AcknowledgedCount,
            recorder.DeliveredCount,
            recorder.RefusedCount,
            recorder.Duplicates,
            recorder.Refusals,
            recorder.ErrorFrames,
            recorder.Disconnects,
            recorder.DeliveryLatency,
            recorder.ReceiptLatency,
            recorder.ScheduleLag,
            Math.Round(Throughput.PerSecond(recorder.AcknowledgedCount, scheduled, recorder.UntilLastAcknowledged), 1),
            Math.Round(Throughput.PerSecond(recorder.DeliveredCount, scheduled, recorder.UntilLastDelivered), 1),
            serverFigures,
            probe?.Figures());
    }

    /// <summary>Plays one schedule and waits for its answers (bounded by <paramref name="drain"/>).</summary>
    public async Task<LoadRecorder> PlayAsync(IReadOnlyList<SendRoute> routes, SendSchedule schedule, TimeSpan drain, CancellationToken cancellationToken)
    {
        var first = market.ReserveSequences(schedule.Count);
        var start = clock.GetTimestamp();
        var recorder = new LoadRecorder(schedule, first, start, clock);
        market.Events.Route(recorder);
        await driver.RunAsync(schedule, start, (index, sender) =>
        {
            recorder.Issued(index, clock.GetTimestamp());
            routes[sender].Send(recorder.SequenceOf(index));
        }, cancellationToken);
        var deadline = clock.GetTimestamp() + (long)(drain.TotalSeconds * clock.TimestampFrequency);
        while (!recorder.IsSettled(expectReceipts) && clock.GetTimestamp() < deadline)
            await Task.Delay(DrainPoll, clock, cancellationToken);
        return recorder;
    }
}
