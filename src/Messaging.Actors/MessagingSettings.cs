namespace Messaging.Actors;

/// <summary>Tuning of the entity actors, bound from the <c>Messaging</c> configuration section.</summary>
public sealed record MessagingSettings
{
    /// <summary>Shards per region. Fixed for the life of the data: changing it moves entities between shards. About ten per planned node.</summary>
    public int ShardCount { get; init; } = 50;

    /// <summary>An entity saves a snapshot after this many events, so recovery reads a snapshot and a short tail.</summary>
    public int SnapshotEvery { get; init; } = 100;

    /// <summary>An entity idle this long is passivated and leaves memory.</summary>
    public TimeSpan PassivateAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a write waits for both inboxes to hold it before it is acknowledged anyway (the inbox catches up later).</summary>
    public TimeSpan InboxAckTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How often an unacknowledged inbox update is sent again.</summary>
    public TimeSpan InboxRetryInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a door waits for an entity's answer.</summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>What a mark-read fan-out may spend: a little less than the door waits, so its answer (or its 503) arrives first.</summary>
    public TimeSpan MarkReadBudget => AskTimeout - TimeSpan.FromMilliseconds(Math.Min(500, (AskTimeout - InboxAckTimeout).TotalMilliseconds / 2));

    /// <summary>Messages returned by a history request when it names no limit, and the most it may ask for.</summary>
    public int HistoryPageSize { get; init; } = 100;

    /// <summary>Messages one user may send per minute, over REST and WebSocket together.</summary>
    public int MessagesPerMinute { get; init; } = 60;

    /// <summary>Typing notices one user may send per minute: a looser limit than for messages.</summary>
    public int TypingPerMinute { get; init; } = 300;

    /// <summary>Typing notices of one user in one conversation closer together than this are accepted but not relayed.</summary>
    public TimeSpan TypingThrottle { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The most sends one node works on at once, over both doors. The node admits fewer while sends take longer than
    /// <see cref="SendLatencyTarget"/> (see <c>AdmissionGate</c>); a send past the limit is refused at once (503, or a
    /// STOMP error event with code 503) instead of queueing, so under overload the accepted ones stay fast.
    /// </summary>
    public int MaxSendsInFlight { get; init; } = 1000;

    /// <summary>
    /// How long a send may take inside the node (from the door to the durable, acknowledged write): while more than a
    /// tenth of recent sends take longer, and the node holds at least half as many sends as it admits, it admits fewer.
    /// 80 ms keeps the accepted sends' p99 under 250 ms at twice the sustainable rate (BENCHMARKS.md, "The journal writes
    /// its own rows"): with the faster journal, 100 ms let the limit regrow into tails of 240 to 310 ms.
    /// </summary>
    public TimeSpan SendLatencyTarget { get; init; } = TimeSpan.FromMilliseconds(80);

    /// <summary>Throws with every problem found, so a bad setting stops start-up instead of misbehaving later.</summary>
    public MessagingSettings Validate()
    {
        var problems = new List<string>();
        if (ShardCount is < 1 or > 10_000) problems.Add($"ShardCount must be 1..10000, was {ShardCount}");
        if (SnapshotEvery < 1) problems.Add($"SnapshotEvery must be at least 1, was {SnapshotEvery}");
        if (PassivateAfter <= TimeSpan.Zero) problems.Add($"PassivateAfter must be positive, was {PassivateAfter}");
        if (InboxAckTimeout <= TimeSpan.Zero) problems.Add($"InboxAckTimeout must be positive, was {InboxAckTimeout}");
        if (InboxRetryInterval <= TimeSpan.Zero) problems.Add($"InboxRetryInterval must be positive, was {InboxRetryInterval}");
        if (AskTimeout <= InboxAckTimeout) problems.Add($"AskTimeout ({AskTimeout}) must exceed InboxAckTimeout ({InboxAckTimeout})");
        if (MessagesPerMinute < 1) problems.Add($"MessagesPerMinute must be at least 1, was {MessagesPerMinute}");
        if (TypingPerMinute < 1) problems.Add($"TypingPerMinute must be at least 1, was {TypingPerMinute}");
        if (TypingThrottle < TimeSpan.Zero) problems.Add($"TypingThrottle must not be negative, was {TypingThrottle}");
        if (MaxSendsInFlight < 1) problems.Add($"MaxSendsInFlight must be at least 1, was {MaxSendsInFlight}");
        if (SendLatencyTarget <= TimeSpan.Zero) problems.Add($"SendLatencyTarget must be positive, was {SendLatencyTarget}");
        if (HistoryPageSize is < 1 or > 1000) problems.Add($"HistoryPageSize must be 1..1000, was {HistoryPageSize}");
        return problems.Count == 0 ? this : throw new InvalidOperationException("Invalid Messaging settings: " + string.Join("; ", problems));
    }
}
