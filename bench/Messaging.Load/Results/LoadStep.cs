using Messaging.Load.Measuring;
namespace Messaging.Load.Results;

/// <summary>One open-loop run at one offered rate, measured after its warm-up.</summary>
/// <param name="OfferedRate">Sends per second scheduled; 0 when flat out (every send due at the start).</param>
/// <param name="Seconds">Length of the measured schedule (flat out: until the last delivery).</param>
/// <param name="Refusals">Refused sends by "code reason", from the senders' errors queues.</param>
/// <param name="ErrorFrames">STOMP ERROR frames by their message header (each closes a connection).</param>
/// <param name="Delivery">Send (due time) to the recipient's MESSAGE.</param>
/// <param name="Receipt">Send (due time) to the sender's RECEIPT; empty on the relay, which acknowledges nothing.</param>
/// <param name="ScheduleLag">Due time to the moment the generator issued the send: its own lateness, which should stay far below the latencies.</param>
/// <param name="Server">Null when no server process was given to watch.</param>
/// <param name="Http">Reads made beside the load; null when there were none.</param>
public sealed record LoadStep(
    double OfferedRate,
    double Seconds,
    int Users,
    int Conversations,
    long Sent,
    long Acknowledged,
    long Delivered,
    long Refused,
    long Duplicates,
    IReadOnlyDictionary<string, long> Refusals,
    IReadOnlyDictionary<string, long> ErrorFrames,
    long Disconnects,
    LatencySummary Delivery,
    LatencySummary Receipt,
    LatencySummary ScheduleLag,
    double AcknowledgedPerSecond,
    double DeliveredPerSecond,
    ServerFigures? Server,
    HttpFigures? Http)
{
    /// <summary>Sends neither refused nor delivered by the end of the drain.</summary>
    public long Undelivered => Sent - Delivered - Refused;

    /// <summary>The throughput criterion: everything delivered, nothing refused, and delivery p99 under the limit.</summary>
    public bool Sustains(double p99LimitMs) => Sent > 0 && Delivered == Sent && Refused == 0 && Delivery.P99Ms < p99LimitMs;
}

/// <summary>
/// Latency of REST reads made at a low steady rate beside the load, by endpoint, and the failed ones by status; for
/// endpoints whose route the probe knew, the server's own timing of the same requests (<see cref="ServerHistogram"/>).
/// </summary>
public sealed record HttpFigures(
    IReadOnlyDictionary<string, LatencySummary> Latency, IReadOnlyDictionary<string, long> Failures, IReadOnlyDictionary<string, ServerHistogram>? ServerSide = null);
