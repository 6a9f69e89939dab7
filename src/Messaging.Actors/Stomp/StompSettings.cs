namespace Messaging.Actors.Stomp;

/// <summary>Limits and timings of STOMP connections, bound from the <c>Stomp</c> configuration section.</summary>
public sealed record StompSettings
{
    /// <summary>
    /// Largest frame accepted (command, headers and body). As large as a REST request body may be: a valid SEND of
    /// 10,000 characters is up to ~120 KB when the client's JSON escapes non-ASCII (each emoji as \uD83D\uDCF7).
    /// </summary>
    public int MaxFrameBytes { get; init; } = 256 * 1024;

    public int MaxHeaders { get; init; } = 32;

    public int MaxSubscriptions { get; init; } = 64;

    /// <summary>Frames received but not yet handled (a SEND waits for the one before it); past this the session stops reading until half are handled.</summary>
    public int MaxQueuedFrames { get; init; } = 128;

    /// <summary>Frames waiting to be written to the client; a client that stops reading is disconnected past this.</summary>
    public int OutboundQueueFrames { get; init; } = 256;

    /// <summary>How often the server offers to send heart-beats, and wants to receive them (0 = never).</summary>
    public TimeSpan ServerHeartBeat { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A client silent for its negotiated heart-beat interval times this is disconnected.</summary>
    public double HeartBeatGrace { get; init; } = 2.0;

    /// <summary>A connection that sends no CONNECT within this is closed.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Sessions one user may hold on this node at once (raw WebSocket and SockJS together); one more is refused at CONNECT.</summary>
    public int MaxConnectionsPerUser { get; init; } = 20;

    /// <summary>Authenticated sessions this node holds at once, all users together; one more is refused at CONNECT.</summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>Name of a cookie that may carry the bearer token of the upgrade request (unset = none).</summary>
    public string? TokenCookie { get; init; }

    /// <summary>
    /// Browser origins (<c>https://shop.example.com</c>) allowed to open a realtime connection, raw WebSocket or SockJS.
    /// Empty, the default, allows any, as the spec's <c>setAllowedOriginPatterns("*")</c>. Requests without an
    /// <c>Origin</c> header (not from a browser) are always allowed: the check stops other sites' pages, not clients.
    /// </summary>
    public string[] AllowedOrigins { get; init; } = [];

    public StompLimits Limits => new(MaxFrameBytes, MaxHeaders);

    public bool AllowsOrigin(string? origin) =>
        AllowedOrigins.Length == 0 || string.IsNullOrEmpty(origin)
        || AllowedOrigins.Any(allowed => string.Equals(allowed.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase));

    public StompSettings Validate()
    {
        var problems = new List<string>();
        if (MaxFrameBytes < 1024) problems.Add($"MaxFrameBytes must be at least 1024, was {MaxFrameBytes}");
        if (MaxHeaders < 4) problems.Add($"MaxHeaders must be at least 4, was {MaxHeaders}");
        if (MaxSubscriptions < 1) problems.Add($"MaxSubscriptions must be at least 1, was {MaxSubscriptions}");
        if (MaxQueuedFrames < 1) problems.Add($"MaxQueuedFrames must be at least 1, was {MaxQueuedFrames}");
        if (OutboundQueueFrames < 1) problems.Add($"OutboundQueueFrames must be at least 1, was {OutboundQueueFrames}");
        if (ServerHeartBeat < TimeSpan.Zero) problems.Add($"ServerHeartBeat must not be negative, was {ServerHeartBeat}");
        if (HeartBeatGrace < 1) problems.Add($"HeartBeatGrace must be at least 1, was {HeartBeatGrace}");
        if (MaxConnectionsPerUser < 1) problems.Add($"MaxConnectionsPerUser must be at least 1, was {MaxConnectionsPerUser}");
        if (MaxConnections < MaxConnectionsPerUser) problems.Add($"MaxConnections must be at least MaxConnectionsPerUser ({MaxConnectionsPerUser}), was {MaxConnections}");
        if (ConnectTimeout <= TimeSpan.Zero) problems.Add($"ConnectTimeout must be positive, was {ConnectTimeout}");
        foreach (var origin in AllowedOrigins.Where(origin => !Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.AbsolutePath != "/"))
            problems.Add($"AllowedOrigins holds '{origin}', which is not an origin such as https://shop.example.com");
        return problems.Count == 0 ? this : throw new InvalidOperationException("Invalid Stomp settings: " + string.Join("; ", problems));
    }
}

/// <summary>What carries a session's bytes: a raw WebSocket today, SockJS transports later.</summary>
public interface IStompTransport
{
    /// <summary>Queues bytes for the client without waiting; false when the bounded queue is full.</summary>
    bool TrySend(ReadOnlyMemory<byte> bytes);

    /// <summary>Writes what is queued, then closes the connection.</summary>
    void Close();

    /// <summary>
    /// Stops or resumes reading from the client. A session that has more frames waiting than it will queue pauses
    /// its transport, so a client that sends faster than it is served is slowed down by TCP, not buffered by us.
    /// </summary>
    void SetReceiving(bool receiving);
}

/// <summary>Validates a bearer token; null when it is not valid.</summary>
public delegate Task<ValidToken?> TokenValidator(string token, CancellationToken cancellationToken);

/// <summary>Whom a valid token names, and when it stops being valid (null: never), so a session ends with its token.</summary>
public sealed record ValidToken(Doors.Caller Caller, DateTime? ExpiresUtc);

public static class BearerToken
{
    /// <summary>The token of an <c>Authorization: Bearer &lt;token&gt;</c> value, or null for any other value.</summary>
    public static string? From(string? authorization) =>
        authorization?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true ? authorization["Bearer ".Length..].Trim() : null;
}
