using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Diagnostics;

namespace Messaging.Host.Realtime.SockJs;

/// <summary>
/// A SockJS server (protocol 0.3) for one application: the greeting, <c>/info</c>, the raw <c>/websocket</c> and the
/// session URLs <c>/{server}/{session}/{transport}</c> under the prefix it is mapped at. Sessions of the HTTP
/// transports live in a registry; a sweeper closes and forgets those that no request received for the disconnect delay.
/// </summary>
public sealed class SockJsServer : IDisposable
{
    private static readonly byte[] Greeting = "Welcome to SockJS!\n"u8.ToArray();
    private static readonly byte[] OriginRefused = "origin not allowed"u8.ToArray();

    private readonly ConcurrentDictionary<string, SockJsSession> _sessions = new(StringComparer.Ordinal);
    private readonly Timer _sweeper;
    private readonly Func<string?, bool> _allowsOrigin;

    /// <param name="allowsOrigin">Whether a browser page of this origin may use the server (any, when not given).</param>
    public SockJsServer(SockJsSettings settings, int outboundQueueMessages, ISockJsApplication application, Func<string?, bool>? allowsOrigin = null)
    {
        Settings = settings;
        _allowsOrigin = allowsOrigin ?? (_ => true);
        OutboundQueueMessages = outboundQueueMessages;
        Application = application;
        // A quarter of the delay: a session is forgotten at most 25% late, for one timer in all.
        var sweepEvery = settings.DisconnectDelay / 4;
        _sweeper = new Timer(_ => Sweep(), null, sweepEvery, sweepEvery);
    }

    public SockJsSettings Settings { get; }

    public int OutboundQueueMessages { get; }

    public ISockJsApplication Application { get; }

    /// <summary>Sessions of the HTTP transports that are open or closed but not yet forgotten.</summary>
    public int SessionCount => _sessions.Count;

    /// <summary>Answers a request for <paramref name="path"/>, the part of the URL after the prefix.</summary>
    public Task Handle(HttpContext context, PathString path)
    {
        // The protocol defines the bodies of its errors (405 has none); the host's status code pages must not add theirs.
        if (context.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
            statusCodePages.Enabled = false;
        if (!_allowsOrigin(context.Request.Headers.Origin.ToString()))
            return Plain(context, StatusCodes.Status403Forbidden, OriginRefused);
        var value = path.Value ?? "";
        switch (value)
        {
            case "" or "/":
                return OnlyFor(context, "GET", () => Plain(context, StatusCodes.Status200OK, Greeting));
            case "/info":
                return context.Request.Method == "OPTIONS" ? SockJsHttp.Preflight(context, "OPTIONS, GET") : OnlyFor(context, "GET", () => Info(context));
            case "/websocket":
                return Settings.WebSocketEnabled ? SockJsWebSockets.Raw(this, context) : NotFound(context);
        }
        var parts = value[1..].Split('/');
        if (parts.Length != 3 || !IsValidId(parts[0]) || !IsValidId(parts[1]))
            return NotFound(context);
        var session = parts[1];
        if (SockJsHttpTransports.Receivers.TryGetValue(parts[2], out var receiver))
            return Transport(context, receiver.Method, () => SockJsHttpTransports.Receive(this, context, session, receiver));
        return parts[2] switch
        {
            "websocket" when Settings.WebSocketEnabled => OnlyFor(context, "GET", () => SockJsWebSockets.Framed(this, context)),
            "xhr_send" => Transport(context, "POST", () => SockJsHttpTransports.Send(this, context, session, form: false)),
            "jsonp_send" => Transport(context, "POST", () => SockJsHttpTransports.Send(this, context, session, form: true)),
            _ => NotFound(context),
        };
    }

    /// <summary>The session a receiving request names, opened (and the application told) when it is new.</summary>
    internal SockJsSession OpenOrFind(string id, HttpContext request)
    {
        while (true)
        {
            if (_sessions.TryGetValue(id, out var existing))
                return existing;
            var created = new SockJsSession(OutboundQueueMessages);
            if (_sessions.TryAdd(id, created))
            {
                created.Start(Application, request);
                return created;
            }
        }
    }

    internal SockJsSession? Find(string id) => _sessions.GetValueOrDefault(id);

    /// <summary>Closes every session, telling the application (the host is stopping).</summary>
    public void Dispose()
    {
        _sweeper.Dispose();
        foreach (var (id, session) in _sessions)
        {
            _sessions.TryRemove(id, out _);
            session.End();
        }
    }

    private void Sweep()
    {
        var now = Environment.TickCount64;
        foreach (var (id, session) in _sessions)
        {
            if (session.IdleFor(Settings.DisconnectDelay, now) && _sessions.TryRemove(new KeyValuePair<string, SockJsSession>(id, session)))
                session.End();
        }
    }

    /// <summary>Any non-empty id without dots (the protocol's rule for both the server and the session part).</summary>
    private static bool IsValidId(string id) => id.Length > 0 && !id.Contains('.');

    private static Task Transport(HttpContext context, string method, Func<Task> handle) =>
        context.Request.Method == "OPTIONS" ? SockJsHttp.Preflight(context, "OPTIONS, " + method) : OnlyFor(context, method, handle);

    private static Task OnlyFor(HttpContext context, string method, Func<Task> handle)
    {
        if (context.Request.Method == method)
            return handle();
        context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
        context.Response.Headers.Allow = method;
        return Task.CompletedTask;
    }

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    private Task Info(HttpContext context)
    {
        SockJsHttp.NotCached(context);
        SockJsHttp.Cors(context);
        var entropy = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4));
        var body = $$"""{"entropy":{{entropy}},"origins":["*:*"],"cookie_needed":{{Json(Settings.CookieNeeded)}},"websocket":{{Json(Settings.WebSocketEnabled)}}}""";
        return Plain(context, StatusCodes.Status200OK, Encoding.UTF8.GetBytes(body), contentType: "application/json; charset=UTF-8");
    }

    private static string Json(bool value) => value ? "true" : "false";

    internal static Task Plain(HttpContext context, int status, byte[] body, string contentType = "text/plain; charset=UTF-8")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    }
}

/// <summary>The headers the protocol asks of its HTTP answers: CORS, caching, the JSESSIONID cookie.</summary>
internal static class SockJsHttp
{
    private const int OneYearSeconds = 365 * 24 * 60 * 60;

    /// <summary>
    /// The caller's origin is echoed with credentials allowed (cookies must fly for sticky sessions); a request
    /// without one gets <c>*</c>. A page from <c>file://</c> sends <c>null</c>, which is echoed as it is.
    /// </summary>
    public static void Cors(HttpContext context)
    {
        var headers = context.Response.Headers;
        if (context.Request.Headers.Origin.ToString() is { Length: > 0 } origin)
        {
            headers.AccessControlAllowOrigin = origin;
            headers.AccessControlAllowCredentials = "true";
        }
        else
            headers.AccessControlAllowOrigin = "*";
    }

    /// <summary>Answers to GET and POST that carry session data must never be cached (iOS 6 even cached POSTs).</summary>
    public static void NotCached(HttpContext context) =>
        context.Response.Headers.CacheControl = "no-store, no-cache, no-transform, must-revalidate, max-age=0";

    /// <summary>With cookies needed, the client's JSESSIONID is echoed, or a dummy one set, so a load balancer can stick to it.</summary>
    public static void SessionCookie(HttpContext context, SockJsSettings settings)
    {
        if (!settings.CookieNeeded)
            return;
        var value = context.Request.Cookies.TryGetValue("JSESSIONID", out var existing) && existing.Length > 0 ? existing : "dummy";
        context.Response.Headers.SetCookie = $"JSESSIONID={value}; path=/";
    }

    /// <summary>A CORS preflight: cacheable for a year, allowing <paramref name="methods"/> and the headers asked for.</summary>
    public static Task Preflight(HttpContext context, string methods)
    {
        var headers = context.Response.Headers;
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        headers.CacheControl = $"public, max-age={OneYearSeconds}";
        headers.Expires = DateTimeOffset.UtcNow.AddSeconds(OneYearSeconds).ToString("R");
        headers.AccessControlMaxAge = OneYearSeconds.ToString();
        headers.AccessControlAllowMethods = methods;
        if (context.Request.Headers.AccessControlRequestHeaders.ToString() is { Length: > 0 } requested)
            headers.AccessControlAllowHeaders = requested;
        Cors(context);
        return Task.CompletedTask;
    }
}
