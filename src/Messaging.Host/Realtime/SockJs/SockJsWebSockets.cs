using System.Buffers;
using System.Net.WebSockets;
using System.Text;

namespace Messaging.Host.Realtime.SockJs;

/// <summary>
/// The WebSocket transports: <c>/{server}/{session}/websocket</c> carries SockJS frames, <c>/websocket</c> carries
/// the messages themselves. Each socket is a session of its own (never in the registry: its id may be reused).
/// </summary>
internal static class SockJsWebSockets
{
    public static Task Framed(SockJsServer server, HttpContext context) => Serve(server, context, framed: true);

    public static Task Raw(SockJsServer server, HttpContext context) => Serve(server, context, framed: false);

    private static async Task Serve(SockJsServer server, HttpContext context, bool framed)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await SockJsServer.Plain(context, StatusCodes.Status400BadRequest, "Can \"Upgrade\" only to \"WebSocket\"."u8.ToArray());
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var session = new SockJsSession(server.OutboundQueueMessages);
        session.Start(server.Application, context);
        // A client that never answers our close, or stops reading what we send, cannot keep the connection past the grace.
        using var deadline = new CloseDeadline(session.Closing, context.RequestAborted);
        var writing = framed ? WriteFrames(server, socket, session, deadline.Token) : WriteMessages(socket, session, deadline.Token);
        try
        {
            await Read(server, socket, session, framed, deadline.Token);
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException)
        {
            // The client went away; nothing to answer.
        }
        finally
        {
            session.End();
            await writing;
        }
    }

    /// <summary>Reads whole messages until the client closes; broken JSON on the framed socket closes it with 1002.</summary>
    private static async Task Read(SockJsServer server, WebSocket socket, SockJsSession session, bool framed, CancellationToken cancel)
    {
        var message = new ArrayBufferWriter<byte>();
        while (socket.State == WebSocketState.Open)
        {
            // Back-pressure: while the application has paused receiving, the client waits in TCP.
            await session.WaitWhileReceivingPaused(cancel);
            var result = await socket.ReceiveAsync(message.GetMemory(4096), cancel);
            if (result.MessageType == WebSocketMessageType.Close)
                return;
            message.Advance(result.Count);
            if (message.WrittenCount > server.Settings.MaxMessageBytes)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "Message too big.", cancel);
                return;
            }
            if (!result.EndOfMessage)
                continue;
            if (!framed)
                session.Deliver(message.WrittenMemory.ToArray());
            else if (message.WrittenCount > 0)
            {
                if (SockJsFrames.ParseMessages(message.WrittenSpan, allowSingle: true) is not { } messages)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.ProtocolError, "Broken JSON encoding.", cancel);
                    return;
                }
                foreach (var each in messages)
                    session.Deliver(each);
            }
            message.ResetWrittenCount();
        }
    }

    /// <summary>The open frame, message and heartbeat frames, then the close frame and the matching WebSocket close.</summary>
    private static async Task WriteFrames(SockJsServer server, WebSocket socket, SockJsSession session, CancellationToken deadline)
    {
        try
        {
            while (true)
            {
                var frame = await session.NextFrame(server.Settings.HeartbeatInterval, deadline);
                await socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, endOfMessage: true, deadline);
                if (SockJsFrames.IsClose(frame))
                    break;
            }
            await CloseOutput(socket, session.CloseReason, deadline);
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException)
        {
            // The client went away mid-write.
        }
        finally
        {
            // The reader waits for the client's close no longer than the grace.
            session.Close();
        }
    }

    /// <summary>Each message as a WebSocket message of its own; when the application closes, a WebSocket close with its code.</summary>
    private static async Task WriteMessages(WebSocket socket, SockJsSession session, CancellationToken deadline)
    {
        try
        {
            while (await session.NextMessage(deadline) is { } message)
                await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, deadline);
            await CloseOutput(socket, session.CloseReason, deadline);
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException)
        {
            // The client went away mid-write.
        }
        finally
        {
            // The reader waits for the client's close no longer than the grace.
            session.Close();
        }
    }

    private static async Task CloseOutput(WebSocket socket, SockJsClose close, CancellationToken cancel)
    {
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            await socket.CloseOutputAsync((WebSocketCloseStatus)close.Code, close.Reason, cancel);
    }
}
