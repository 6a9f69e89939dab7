using System.Net.WebSockets;
using System.Text;
using Messaging.Actors.Stomp;
using static Messaging.Host.Tests.Realtime.RealtimeHelpers;

namespace Messaging.Host.Tests.Realtime;

/// <summary>
/// Clients that subscribe to their notifications over a real loopback WebSocket and then stop reading, and the flood
/// of long messages that fills what the server holds for them (issue 9's reproduction).
/// </summary>
public static class StalledReaders
{
    /// <summary>A notification of a 10,000-character text of emoji: ~120 KB as the server's JSON escapes them.</summary>
    public static readonly string LongText = string.Concat(Enumerable.Repeat("📷", 10_000));

    /// <summary>A WebSocket to the loopback host, CONNECTed as <paramref name="user"/> and subscribed to its notifications; nothing reads it afterwards.</summary>
    public static async Task<ClientWebSocket> SubscribeAndStopReading(MessagingHost host, TestUser user)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("v12.stomp");
        await socket.ConnectAsync(host.WebSocketAddress, CancellationToken.None);
        await SendFrame(socket, StompFrame.Create(StompCommand.Connect, ("accept-version", "1.2"), ("heart-beat", "0,0"), ("Authorization", $"Bearer {Token(user)}")));
        await SendFrame(socket, StompFrame.Create(StompCommand.Subscribe, ("id", "n"), ("destination", "/user/queue/notifications"), ("receipt", "subscribed")));
        await ReadUntil(socket, "receipt-id:subscribed");
        return socket;
    }

    /// <summary><paramref name="messages"/> messages of <see cref="LongText"/> from <paramref name="sender"/> to <paramref name="recipient"/>, one after another.</summary>
    public static async Task Flood(TestUser sender, TestUser recipient, int messages)
    {
        for (var sent = 0; sent < messages; sent++)
            await sender.SendTo(recipient, LongText);
    }

    private static Task SendFrame(WebSocket socket, StompFrame frame) =>
        socket.SendAsync(StompEncoder.Encode(frame), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    private static async Task ReadUntil(WebSocket socket, string expected)
    {
        var received = new StringBuilder();
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!received.ToString().Contains(expected, StringComparison.Ordinal))
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            Assert.NotEqual(WebSocketMessageType.Close, result.MessageType);
            received.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
        }
    }
}
