using System.Globalization;
using Messaging.Load.Measuring;

namespace Messaging.Load.Results;

/// <summary>The one line a command prints about its result.</summary>
public static class SummaryLine
{
    public static string For(RunResult result)
    {
        var limit = result.ServerMessagesPerMinute is { } perMinute ? $" (server rate limit raised to {perMinute}/min per user)" : "";
        var head = $"{result.Scenario} {result.Target} {result.Label}{limit}: ";
        return head + result switch
        {
            { Pgbench: { } pgbench } => Invariant(
                $"{pgbench.Script}: {pgbench.TransactionsPerSecond:0} transactions/s at {pgbench.Clients} clients ({pgbench.Threads} threads, {pgbench.Seconds:0} s), average latency {pgbench.LatencyAverageMs:0.###} ms, {pgbench.Failed} failed"),
            { Idle: { } idle } => Invariant(
                $"{idle.Connections} idle connections ({idle.Open} still open, {idle.Disconnects} dropped, heart-beat {idle.HeartBeatSeconds:0.#} s): server RSS {idle.RssIdleMiB:0.#} -> {idle.RssLoadedMiB:0.#} MiB, {idle.KibPerConnection:0.#} KiB per connection"),
            { Inbox: { } inbox } => Invariant(
                $"1 user with {inbox.Conversations} conversations ({inbox.Listed} listed, {inbox.Delivered} opening messages delivered): GET /api/conversations p50 {inbox.List.P50Ms:0.###} p99 {inbox.List.P99Ms:0.###} max {inbox.List.MaxMs:0.###} ms{ServerTimed(inbox.ServerList)} while ")
                + string.Join("; ", result.Steps.Select(Step)),
            { Scenario: "throughput" } => Throughput(result),
            _ => string.Join("; ", result.Steps.Select(Step)),
        };
    }

    /// <summary>The server's own timing of the same reads, as its histogram's bucket bounds allow.</summary>
    private static string ServerTimed(ServerHistogram? histogram)
    {
        if (histogram is not { Count: > 0 })
            return "";
        var p99 = histogram.UpperBoundMs(0.99) is { } bound ? Invariant($"<= {bound:0.###} ms") : "past the last bucket";
        return Invariant($" (server-timed: {histogram.Count} reads, mean {histogram.MeanMs:0.###} ms, p99 {p99})");
    }

    public static string Step(LoadStep step)
    {
        var refused = step.Refusals.Count == 0 ? "" : " (" + string.Join(", ", step.Refusals.Select(refusal => $"{refusal.Value} x {refusal.Key}")) + ")";
        var errors = step.ErrorFrames.Count == 0 ? "" : ", ERROR frames: " + string.Join(", ", step.ErrorFrames.Select(error => $"{error.Value} x {error.Key}"));
        var server = step.Server is { } figures
            ? Invariant($"; server CPU {figures.CpuSeconds:0.00} s ({figures.CpuMicrosecondsPerMessage:0} µs/msg), RSS {figures.RssStartMiB:0} -> {figures.RssEndMiB:0} MiB (peak {figures.RssPeakMiB:0})")
            : "";
        var offered = step.OfferedRate > 0 ? Invariant($"{step.OfferedRate:0} msg/s offered") : "flat out";
        return Invariant(
            $"{offered} over {step.Users} users in {step.Conversations} conversations for {step.Seconds:0.#} s: sent {step.Sent}, acknowledged {step.Acknowledged}, delivered {step.Delivered}, refused {step.Refused}{refused}, undelivered {step.Undelivered}; ")
            + Invariant($"delivery p50 {step.Delivery.P50Ms:0.###} p99 {step.Delivery.P99Ms:0.###} max {step.Delivery.MaxMs:0.###} ms, receipt p99 {step.Receipt.P99Ms:0.###} ms; {step.DeliveredPerSecond:0} delivered/s")
            + server + Invariant($"; {step.Disconnects} disconnects") + errors;
    }

    private static string Throughput(RunResult result)
    {
        var sustained = result.SustainedRate is { } rate
            ? Invariant($"sustained {rate:0} msg/s (delivery p99 under {result.P99LimitMs:0} ms, everything delivered)")
            : Invariant($"no rate sustained (delivery p99 under {result.P99LimitMs:0} ms, everything delivered)");
        var steps = result.Steps.Select(step => Invariant(
            $"{step.OfferedRate:0}: p50 {step.Delivery.P50Ms:0.#} p99 {step.Delivery.P99Ms:0.#} ms, {step.Undelivered} undelivered, {step.Refused} refused"));
        return sustained + " | " + string.Join(" | ", steps);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
