using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using Messaging.Load.Cli;

namespace Messaging.Load.Baselines;

/// <summary>
/// The transport's ceiling: Kestrel and bare WebSockets, no STOMP, no actors, no store. A socket names itself and
/// its peer (<c>/relay?me=ID&amp;peer=ID</c>); every message that arrives on it is forwarded as is to the peer's socket.
/// </summary>
public static class RelayServer
{
    public static async Task<int> RunAsync(Arguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var port = arguments.Integer("port", 5056);
        var lifetime = TimeSpan.FromSeconds(arguments.Number("lifetime", 3600));
        arguments.RejectUnread();
        await using var relay = Build(port);
        await relay.StartAsync(cancellationToken);
        await output.WriteLineAsync($"relay listening on http://127.0.0.1:{port}/relay; stops by itself after {lifetime.TotalSeconds:0} s");
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, relay.Lifetime.ApplicationStopping);
        try
        {
            await Task.Delay(lifetime, stopping.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopped by Ctrl+C or SIGTERM.
        }
        await relay.StopAsync(CancellationToken.None);
        return 0;
    }

    /// <summary>The relay as a web application listening on 127.0.0.1:<paramref name="port"/> (0: any free port).</summary>
    public static WebApplication Build(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var relay = builder.Build();
        var sockets = new RelaySockets();
        relay.UseWebSockets();
        relay.Map("/relay", sockets.AcceptAsync);
        relay.MapGet("/health", () => "ok");
        return relay;
    }
}

/// <summary>The connected sockets by their owner's id, and the forwarding loop of each.</summary>
internal sealed class RelaySockets
{
    private const int MaxMessageBytes = 1024 * 1024;

    private readonly ConcurrentDictionary<Guid, RelaySocket> _sockets = new();

    public async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest
            || !Guid.TryParse(context.Request.Query["me"], out var me)
            || !Guid.TryParse(context.Request.Query["peer"], out var peer))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var self = new RelaySocket(socket);
        _sockets[me] = self;
        try
        {
            await ForwardAsync(socket, peer, context.RequestAborted);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client went away.
        }
        finally
        {
            _sockets.TryRemove(KeyValuePair.Create(me, self));
        }
    }

    private async Task ForwardAsync(WebSocket socket, Guid peer, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        while (true)
        {
            var length = 0;
            ValueWebSocketReceiveResult received;
            do
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= MaxMessageBytes)
                    {
                        await socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, null, cancellationToken);
                        return;
                    }
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
                received = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                length += received.Count;
            }
            while (!received.EndOfMessage && received.MessageType != WebSocketMessageType.Close);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
                return;
            }
            if (_sockets.TryGetValue(peer, out var target))
                await target.SendAsync(buffer.AsMemory(0, length), received.MessageType, cancellationToken);
        }
    }
}

/// <summary>A socket others forward to: one send at a time, as WebSockets require.</summary>
internal sealed class RelaySocket(WebSocket socket)
{
    private readonly SemaphoreSlim _sending = new(1, 1);

    public async Task SendAsync(ReadOnlyMemory<byte> message, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken);
        try
        {
            await socket.SendAsync(message, type, endOfMessage: true, cancellationToken);
        }
        catch (WebSocketException)
        {
            // The peer went away; its own loop cleans up.
        }
        finally
        {
            _sending.Release();
        }
    }
}
