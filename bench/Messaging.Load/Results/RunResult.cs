using Messaging.Load.Measuring;

namespace Messaging.Load.Results;

/// <summary>The JSON result file of one command: what ran, against what, and its figures.</summary>
/// <param name="Scenario">throughput, latency, overload, idle, inbox or pgbench.</param>
/// <param name="Target">server, relay (the transport baseline) or postgres (the store baseline).</param>
/// <param name="ServerMessagesPerMinute">The per-user rate limit the server was started with, when the caller said.</param>
/// <param name="Steps">Open-loop runs, in the order they ran (throughput: one per rate).</param>
/// <param name="SustainedRate">Throughput: the highest offered rate that met the criterion; null when none did.</param>
public sealed record RunResult(
    string Scenario,
    string Target,
    string Label,
    DateTimeOffset StartedAt,
    string Machine,
    int? ServerMessagesPerMinute,
    string Summary,
    IReadOnlyList<LoadStep> Steps,
    double? SustainedRate = null,
    double? P99LimitMs = null,
    IdleFigures? Idle = null,
    InboxFigures? Inbox = null,
    PgbenchFigures? Pgbench = null);

/// <param name="RssIdleMiB">The server's RSS before any connection.</param>
/// <param name="KibPerConnection">(loaded - idle) / connections.</param>
/// <param name="Open">Connections still open at the end of the hold.</param>
public sealed record IdleFigures(int Connections, int Open, double HeartBeatSeconds, double HoldSeconds, double RssIdleMiB, double RssLoadedMiB, double KibPerConnection, long Disconnects);

/// <param name="Conversations">Conversations of the one user, one per other user who wrote to it.</param>
/// <param name="Listed">Entries in its <c>GET /api/conversations</c> at the end.</param>
/// <param name="Delivered">Of the opening messages, how many reached the user's notifications.</param>
/// <param name="List">Latency of its <c>GET /api/conversations</c> under the other load, as the generator saw it.</param>
/// <param name="ServerList">The same reads as the server timed them (null when it exports no metrics).</param>
public sealed record InboxFigures(int Conversations, int Listed, long Delivered, LatencySummary List, ServerHistogram? ServerList = null);

/// <param name="Script">The pgbench script's file name without extension.</param>
/// <param name="LatencyAverageMs">pgbench's own average latency of one script run.</param>
public sealed record PgbenchFigures(string Script, int Clients, int Threads, double Seconds, long Transactions, long Failed, double TransactionsPerSecond, double LatencyAverageMs);
