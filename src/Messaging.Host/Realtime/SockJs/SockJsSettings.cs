namespace Messaging.Host.Realtime.SockJs;

/// <summary>Timings and limits of a SockJS server, bound from the <c>SockJs</c> configuration section.</summary>
public sealed record SockJsSettings
{
    /// <summary>How long a receiving connection may stay silent before the server sends an <c>h</c> frame (the protocol's 25 s).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>How long a session lives without a receiving connection before it is closed and forgotten (the protocol's 5 s).</summary>
    public TimeSpan DisconnectDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Bytes one streaming response carries before it ends and the client opens the next, so the browser can free the old one.</summary>
    public int StreamingResponseLimitBytes { get; init; } = 128 * 1024;

    /// <summary>Whether the <c>websocket</c> transports are offered (off behind proxies that break WebSockets).</summary>
    public bool WebSocketEnabled { get; init; } = true;

    /// <summary>Whether HTTP transports set the <c>JSESSIONID</c> cookie, for load balancers that route on it.</summary>
    public bool CookieNeeded { get; init; }

    /// <summary>Largest body of one <c>xhr_send</c>/<c>jsonp_send</c> request or one WebSocket message; a STOMP frame of 256 KiB may grow by JSON escaping.</summary>
    public int MaxMessageBytes { get; init; } = 1024 * 1024;

    /// <summary>How long an <c>xhr_send</c> waits while the application has paused receiving; past it the session is closed (a client that will not slow down).</summary>
    public TimeSpan MaxSendWait { get; init; } = TimeSpan.FromSeconds(30);

    public SockJsSettings Validate()
    {
        var problems = new List<string>();
        if (HeartbeatInterval <= TimeSpan.Zero) problems.Add($"HeartbeatInterval must be positive, was {HeartbeatInterval}");
        if (DisconnectDelay <= TimeSpan.Zero) problems.Add($"DisconnectDelay must be positive, was {DisconnectDelay}");
        if (StreamingResponseLimitBytes < 1024) problems.Add($"StreamingResponseLimitBytes must be at least 1024, was {StreamingResponseLimitBytes}");
        if (MaxMessageBytes < 1024) problems.Add($"MaxMessageBytes must be at least 1024, was {MaxMessageBytes}");
        if (MaxSendWait <= TimeSpan.Zero) problems.Add($"MaxSendWait must be positive, was {MaxSendWait}");
        return problems.Count == 0 ? this : throw new InvalidOperationException("Invalid SockJs settings: " + string.Join("; ", problems));
    }
}
