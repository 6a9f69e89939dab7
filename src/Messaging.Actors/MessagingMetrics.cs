using System.Diagnostics;
using System.Diagnostics.Metrics;
using Messaging.Actors.Conversations;
using Messaging.Actors.Doors;
using Messaging.Actors.Inbox;

namespace Messaging.Actors;

/// <summary>
/// The service's own instruments, in the <see cref="MeterName"/> meter (the host exports it with OpenTelemetry; this
/// project knows only System.Diagnostics.Metrics). One per node, shared by the doors and the actors. Every tag value is
/// one of a few constants built once, so recording a measurement allocates nothing; no tag ever names a user or a
/// conversation.
/// </summary>
public sealed class MessagingMetrics
{
    public const string MeterName = "Messaging";

    /// <summary>Seconds, from a millisecond to past the default AskTimeout: the defaults of OpenTelemetry are for milliseconds.</summary>
    private static readonly IReadOnlyList<double> LatencyBoundaries =
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10];

    private static readonly KeyValuePair<string, object?>[] DoorTags = Tags<Door>("messaging.door");
    private static readonly KeyValuePair<string, object?>[] ReasonTags = Tags<RejectionReason>("messaging.refusal.reason");
    /// <summary>A send that failed with an exception other than an entity's timeout (a bug, or the store failing).</summary>
    private static readonly KeyValuePair<string, object?> ErrorReasonTag = new("messaging.refusal.reason", "error");
    private static readonly KeyValuePair<string, object?>[] EntityTags = Tags<EntityType>("messaging.entity.type");
    private static readonly KeyValuePair<string, object?>[] LimitTags = Tags<PermitKind>("messaging.rate_limit");

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _refused;
    private readonly Histogram<double> _sendDuration;
    private readonly Histogram<double> _publishDuration;
    private readonly Histogram<double> _journalWriteDuration;
    private readonly UpDownCounter<long> _activeEntities;
    private readonly UpDownCounter<long> _stompSessions;
    private readonly UpDownCounter<long> _stompSubscriptions;
    private readonly Counter<long> _rateLimited;
    private readonly Meter _meter;

    public MessagingMetrics(IMeterFactory meters)
    {
        var meter = _meter = meters.Create(MeterName);
        var latency = new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBoundaries };
        _accepted = meter.CreateCounter<long>("messaging.messages.accepted", "{message}",
            "Sends answered with the stored message (retries with a known clientMessageId included)");
        _refused = meter.CreateCounter<long>("messaging.messages.refused", "{message}",
            "Sends refused, by the reason the client is given");
        _sendDuration = meter.CreateHistogram("messaging.send.duration", "s",
            "From a send reaching its door to the acknowledgement of its durable write, for accepted sends", advice: latency);
        _publishDuration = meter.CreateHistogram("messaging.publish.duration", "s",
            "From a conversation's write being durable to its events being published (once both inboxes hold it)", advice: latency);
        _journalWriteDuration = meter.CreateHistogram("messaging.journal.write.duration", "s",
            "From an entity's persist call to its persist handler", advice: latency);
        _activeEntities = meter.CreateUpDownCounter<long>("messaging.entities.active", "{entity}",
            "Entities in memory on this node");
        _stompSessions = meter.CreateUpDownCounter<long>("messaging.stomp.sessions", "{session}",
            "Open STOMP sessions (raw WebSocket and SockJS) on this node");
        _stompSubscriptions = meter.CreateUpDownCounter<long>("messaging.stomp.subscriptions", "{subscription}",
            "STOMP subscriptions held by the sessions of this node");
        _rateLimited = meter.CreateCounter<long>("messaging.rate_limit.refusals", "{request}",
            "Requests refused by a user's rate limit");
    }

    /// <summary>Reports the sends <paramref name="gate"/> holds and the most it admits now; returns the gate.</summary>
    public AdmissionGate ObserveSendAdmission(AdmissionGate gate)
    {
        _meter.CreateObservableGauge("messaging.sends.in_flight", () => gate.InFlight, "{message}",
            "Sends admitted on this node and not yet answered");
        _meter.CreateObservableGauge("messaging.sends.admission_limit", () => gate.Limit, "{message}",
            "The most sends this node admits at once now; it falls while more than a tenth of sends take longer than Messaging:SendLatencyTarget");
        return gate;
    }

    public void SendAccepted(Door door, long startedAt)
    {
        var tag = DoorTags[(int)door];
        _accepted.Add(1, tag);
        _sendDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, tag);
    }

    public void SendRefused(Door door, RejectionReason reason) => _refused.Add(1, DoorTags[(int)door], ReasonTags[(int)reason]);

    public void SendFailed(Door door) => _refused.Add(1, DoorTags[(int)door], ErrorReasonTag);

    public void Published(long durableAt) => _publishDuration.Record(Stopwatch.GetElapsedTime(durableAt).TotalSeconds);

    public void JournalWritten(EntityType entity, long persistCalledAt) =>
        _journalWriteDuration.Record(Stopwatch.GetElapsedTime(persistCalledAt).TotalSeconds, EntityTags[(int)entity]);

    public void EntityStarted(EntityType entity) => _activeEntities.Add(1, EntityTags[(int)entity]);

    public void EntityStopped(EntityType entity) => _activeEntities.Add(-1, EntityTags[(int)entity]);

    public void StompSessionOpened() => _stompSessions.Add(1);

    public void StompSessionClosed() => _stompSessions.Add(-1);

    public void StompSubscriptionsChanged(int delta) => _stompSubscriptions.Add(delta);

    public void RateLimited(PermitKind kind) => _rateLimited.Add(1, LimitTags[(int)kind]);

    /// <summary>One tag per value of <typeparamref name="TEnum"/> (numbered 0, 1, 2…), its value the member's name in snake_case.</summary>
    private static KeyValuePair<string, object?>[] Tags<TEnum>(string key) where TEnum : struct, Enum =>
        [..Enum.GetValues<TEnum>().Select(value => new KeyValuePair<string, object?>(key, SnakeCase(value.ToString())))];

    private static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
