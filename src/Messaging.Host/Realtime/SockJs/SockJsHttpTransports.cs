using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace Messaging.Host.Realtime.SockJs;

/// <summary>How one HTTP transport carries frames to the client.</summary>
/// <param name="Method">The HTTP method its receiving requests use.</param>
/// <param name="Streaming">Whether one response carries many frames (until the streaming limit), or one.</param>
/// <param name="NeedsCallback">Whether the request names a JavaScript callback (<c>c</c>) the frames are wrapped in.</param>
/// <param name="Prelude">What a response starts with, given the callback.</param>
/// <param name="Wrap">One frame as the transport writes it, given the callback.</param>
internal sealed record SockJsHttpTransport(
    string Method, string ContentType, bool Streaming, bool NeedsCallback, Func<string, string> Prelude, Func<string, string, string> Wrap);

/// <summary>The HTTP transports: receiving requests (polling and streaming) and the send requests.</summary>
internal static partial class SockJsHttpTransports
{
    /// <summary>The xhr_streaming prelude: 2 KiB of <c>h</c>, so browsers hand the response to script as it streams.</summary>
    private static readonly string XhrStreamingPrelude = new string('h', 2048) + "\n";

    /// <summary>The receiving transports by the name that ends their URL.</summary>
    public static readonly IReadOnlyDictionary<string, SockJsHttpTransport> Receivers = new Dictionary<string, SockJsHttpTransport>
    {
        ["xhr"] = new("POST", "application/javascript; charset=UTF-8", Streaming: false, NeedsCallback: false, _ => "", (frame, _) => frame + "\n"),
        ["xhr_streaming"] = new(
            "POST", "application/javascript; charset=UTF-8", Streaming: true, NeedsCallback: false, _ => XhrStreamingPrelude, (frame, _) => frame + "\n"),
        // A new line first (an old Opera needed it), then each frame as one event.
        ["eventsource"] = new("GET", "text/event-stream", Streaming: true, NeedsCallback: false, _ => "\r\n", (frame, _) => $"data: {frame}\r\n\r\n"),
        // A page padded past 1 KiB (so old IE renders as it streams) whose scripts hand each frame to the parent.
        ["htmlfile"] = new(
            "GET", "text/html; charset=UTF-8", Streaming: true, NeedsCallback: true, HtmlFilePage,
            (frame, _) => $"<script>\np({SockJsFrames.Quote(frame)});\n</script>\r\n"),
        ["jsonp"] = new(
            "GET", "application/javascript; charset=UTF-8", Streaming: false, NeedsCallback: true, _ => "",
            (frame, callback) => $"/**/{callback}({SockJsFrames.Quote(frame)});\r\n"),
    };

    private static readonly byte[] Ok = "ok"u8.ToArray();

    /// <summary>
    /// A receiving request: opens the session when it is new, then writes frames as the transport wants them. A
    /// second receiver while one is attached gets <c>c[2010,...]</c>; a receiver cut by the network ends the session,
    /// and so does one that has not taken the rest within the close grace once the session closed (its client stopped
    /// reading a streaming response): the connection is aborted.
    /// </summary>
    public static async Task Receive(SockJsServer server, HttpContext context, string sessionId, SockJsHttpTransport transport)
    {
        var callback = "";
        if (transport.NeedsCallback && !TryCallback(context, out callback, out var problem))
        {
            await SockJsServer.Plain(context, StatusCodes.Status500InternalServerError, Encoding.UTF8.GetBytes(problem));
            return;
        }
        var session = server.OpenOrFind(sessionId, context);
        var response = context.Response;
        response.ContentType = transport.ContentType;
        SockJsHttp.NotCached(context);
        SockJsHttp.Cors(context);
        SockJsHttp.SessionCookie(context, server.Settings);
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var aborted = context.RequestAborted;
        if (transport.Prelude(callback) is { Length: > 0 } prelude && !await TryWrite(response, prelude, aborted))
            return;
        if (!session.TryAttach())
        {
            await TryWrite(response, transport.Wrap(SockJsFrames.Close(SockJsClose.AnotherConnectionOpen), callback), aborted);
            return;
        }
        using var deadline = new CloseDeadline(session.Closing, aborted);
        try
        {
            var written = 0;
            while (true)
            {
                string frame;
                try
                {
                    frame = await session.NextFrame(server.Settings.HeartbeatInterval, deadline.Token);
                }
                catch (OperationCanceledException)
                {
                    Interrupt(context, session);
                    return;
                }
                var bytes = Encoding.UTF8.GetBytes(transport.Wrap(frame, callback));
                if (!await TryWrite(response, bytes, deadline.Token))
                {
                    Interrupt(context, session);
                    return;
                }
                if (SockJsFrames.IsClose(frame))
                {
                    session.End();
                    return;
                }
                written += bytes.Length;
                if (!transport.Streaming || written >= server.Settings.StreamingResponseLimitBytes)
                    return;
            }
        }
        finally
        {
            session.Detach();
        }
    }

    /// <summary>The receiving request broke or stalled: the session ends, and the connection with it, whatever is left unsent.</summary>
    private static void Interrupt(HttpContext context, SockJsSession session)
    {
        session.Interrupt();
        context.Abort();
    }

    /// <summary>
    /// <c>xhr_send</c> (a JSON array of messages as the body) or <c>jsonp_send</c> (the same in the form field <c>d</c>,
    /// or as the body). While the application has paused receiving, the answer waits, so the client sends no more.
    /// </summary>
    public static async Task Send(SockJsServer server, HttpContext context, string sessionId, bool form)
    {
        if (server.Find(sessionId) is not { IsEnded: false } session)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        SockJsHttp.NotCached(context);
        SockJsHttp.Cors(context);
        SockJsHttp.SessionCookie(context, server.Settings);
        byte[]? body;
        try
        {
            if (!await session.WaitWhileReceivingPaused(server.Settings.MaxSendWait, context.RequestAborted))
            {
                // The application stayed paused: this client sends faster than it is served, and it may not queue more.
                session.End();
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            body = await ReadBody(context.Request, server.Settings.MaxMessageBytes, context.RequestAborted);
        }
        catch (Exception error) when (error is OperationCanceledException or IOException)
        {
            return; // the client went away; nothing to answer
        }
        if (body is null)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }
        if (form && context.Request.HasFormContentType)
            body = Encoding.UTF8.GetBytes(QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)).GetValueOrDefault("d").ToString());
        if (body.Length == 0)
        {
            await SockJsServer.Plain(context, StatusCodes.Status500InternalServerError, "Payload expected."u8.ToArray());
            return;
        }
        if (SockJsFrames.ParseMessages(body, allowSingle: false) is not { } messages)
        {
            await SockJsServer.Plain(context, StatusCodes.Status500InternalServerError, "Broken JSON encoding."u8.ToArray());
            return;
        }
        foreach (var message in messages)
            session.Deliver(message);
        if (form)
            await SockJsServer.Plain(context, StatusCodes.Status200OK, Ok);
        else
        {
            // Firefox takes a 204 without a content type for XML and complains.
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            context.Response.ContentType = "text/plain; charset=UTF-8";
        }
    }

    /// <summary>The body, or null when it is longer than <paramref name="limit"/>.</summary>
    private static async Task<byte[]?> ReadBody(HttpRequest request, int limit, CancellationToken aborted)
    {
        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, aborted)) > 0)
        {
            if (body.Length + read > limit)
                return null;
            body.Write(buffer, 0, read);
        }
        return body.ToArray();
    }

    private static bool TryCallback(HttpContext context, out string callback, out string problem)
    {
        callback = context.Request.Query["c"].ToString();
        problem = callback.Length == 0 ? "\"callback\" parameter required" : CallbackPattern().IsMatch(callback) ? "" : "invalid \"callback\" parameter";
        return problem.Length == 0;
    }

    /// <summary>A callback is a plain name or dotted path: anything else could inject script into the page.</summary>
    [GeneratedRegex("^[a-zA-Z0-9_.-]+$")]
    private static partial Regex CallbackPattern();

    private static string HtmlFilePage(string callback)
    {
        var page = $$"""
            <!doctype html>
            <html><head>
              <meta http-equiv="X-UA-Compatible" content="IE=edge" />
              <meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
            </head><body><h2>Don't panic!</h2>
              <script>
                document.domain = document.domain;
                var c = parent.{{callback}};
                c.start();
                function p(d) {c.message(d);};
                window.onload = function() {c.stop();};
              </script>
            """;
        return page.ReplaceLineEndings("\n") + new string(' ', Math.Max(0, 1024 - page.Length)) + "\r\n\r\n";
    }

    private static Task<bool> TryWrite(HttpResponse response, string text, CancellationToken aborted) =>
        TryWrite(response, Encoding.UTF8.GetBytes(text), aborted);

    /// <summary>Writes and flushes; false when the client is gone.</summary>
    private static async Task<bool> TryWrite(HttpResponse response, byte[] bytes, CancellationToken aborted)
    {
        try
        {
            await response.Body.WriteAsync(bytes, aborted);
            await response.Body.FlushAsync(aborted);
            return true;
        }
        catch (Exception error) when (error is OperationCanceledException or IOException or ObjectDisposedException)
        {
            return false;
        }
    }
}
