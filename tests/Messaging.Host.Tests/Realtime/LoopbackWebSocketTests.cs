using System.Net.WebSockets;
using System.Text;
using Messaging.Actors.Stomp;
using static Messaging.Host.Tests.Realtime.RealtimeHelpers;

namespace Messaging.Host.Tests.Realtime;

/// <summary>/ws on Kestrel over real TCP with .NET's <see cref="ClientWebSocket"/>: the handshake and large frames as a network delivers them.</summary>
[Collection(RealtimeLoopbackCollection.Name)]
public sealed class LoopbackWebSocketTests(LoopbackHostFixture fixture)
{
    private MessagingHost Host => fixture.Host;

    [Fact]
    public async Task Offering_only_unknown_subprotocols_is_a_400_problem_over_a_real_socket()
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("mqtt");
        socket.Options.CollectHttpResponseDetails = true;

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(Host.WebSocketAddress, CancellationToken.None));

        Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);
    }

    [Fact]
    public async Task The_400_for_unknown_subprotocols_is_problem_details_naming_the_supported_ones()
    {
        using var http = new HttpClient { BaseAddress = Host.BaseAddress };
        using var upgrade = new HttpRequestMessage(HttpMethod.Get, "/ws");
        upgrade.Headers.TryAddWithoutValidation("Connection", "Upgrade");
        upgrade.Headers.TryAddWithoutValidation("Upgrade", "websocket");
        upgrade.Headers.TryAddWithoutValidation("Sec-WebSocket-Version", "13");
        upgrade.Headers.TryAddWithoutValidation("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        upgrade.Headers.TryAddWithoutValidation("Sec-WebSocket-Protocol", "mqtt, v13.stomp");

        var response = await http.SendAsync(upgrade);

        var problem = await response.ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Equal("supported subprotocols are v12.stomp, v11.stomp, v10.stomp", problem.Str("detail"));
    }

    [Theory]
    [InlineData("raw UTF-8")]
    [InlineData("ASCII-only JSON")]
    public async Task A_10000_character_message_of_4_byte_characters_crosses_a_real_socket_intact(string encoding)
    {
        var alice = await Host.CreateUser("Alice");
        var bob = await Host.CreateUser("Bob");
        var aliceHttp = alice.Http;
        var first = await (await aliceHttp.PostAsync("/api/messages", Contract.Body(new { recipientId = bob.Id, text = "hi" }))).ExpectJson(HttpStatusCode.Created);
        var conversationId = first.Guid("conversationId");
        await using var aliceClient = await Connect(alice.Token, "alice");
        await using var bobClient = await Connect(bob.Token, "bob");
        await bobClient.SubscribeAsync(Topic(conversationId), "bob-topic");
        var text = string.Concat(Enumerable.Repeat("📷", 10_000)); // the longest valid text: 10,000 characters
        // 40,000 bytes as UTF-8 (JSON.stringify); 120,000 as \uD83D\uDCF7 escapes (System.Text.Json's and Python's default).
        var json = encoding == "raw UTF-8"
            ? $$"""{"conversationId":"{{conversationId}}","text":"{{text}}"}"""
            : JsonSerializer.Serialize(new { conversationId, text });

        await aliceClient.SendAsync("/app/message.send", json, receipt: "big");

        await aliceClient.ExpectReceiptAsync("big");
        var (frame, body) = await bobClient.ExpectMessageAsync(Topic(conversationId), "NEW_MESSAGE");
        AssertMessageHeaders(frame, "bob-topic", Topic(conversationId));
        Assert.Equal(text, body.GetProperty("message").Str("text"));
        var history = await (await aliceHttp.GetAsync($"/api/messages?conversationId={conversationId}")).ExpectJson(HttpStatusCode.OK);
        AssertJson(ExpectedEvents.NewMessage(history.Items()[^1]), body);
    }

    [Fact]
    public async Task A_client_that_never_answers_the_servers_close_after_an_ERROR_is_disconnected()
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(Host.BaseAddress.Host, Host.BaseAddress.Port);
        var stream = tcp.GetStream();
        var key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"GET /ws HTTP/1.1\r\nHost: {Host.BaseAddress.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: v12.stomp\r\n\r\n"));
        await stream.WriteAsync(MaskedTextFrame("HELLO\n\n\0"u8)); // not a STOMP command: ERROR, then the server closes
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // Read everything the server sends and never answer its close frame; the server must still hang up.
        var received = new MemoryStream();
        var buffer = new byte[4096];
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        int read;
        try
        {
            while ((read = await stream.ReadAsync(buffer, limit.Token)) > 0)
                received.Write(buffer, 0, read);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the server kept the connection open for {clock.Elapsed.TotalSeconds:F0} s after its close frame");
        }
        catch (IOException)
        {
            // A reset counts as hanging up too.
        }

        var text = Encoding.UTF8.GetString(received.ToArray());
        Assert.StartsWith("HTTP/1.1 101", text);
        Assert.Contains("ERROR\nmessage:malformed frame (UnknownCommand)", text);
        Assert.Contains("\u0088", Encoding.Latin1.GetString(received.ToArray())); // the server's close frame
    }

    /// <summary>A client-to-server WebSocket text frame (clients must mask), for payloads under 126 bytes.</summary>
    private static byte[] MaskedTextFrame(ReadOnlySpan<byte> payload)
    {
        var mask = Guid.NewGuid().ToByteArray()[..4];
        var frame = new byte[2 + 4 + payload.Length];
        frame[0] = 0x81; // FIN, text
        frame[1] = (byte)(0x80 | payload.Length);
        mask.CopyTo(frame, 2);
        for (var index = 0; index < payload.Length; index++)
            frame[6 + index] = (byte)(payload[index] ^ mask[index % 4]);
        return frame;
    }

    private async Task<StompTestClient> Connect(string token, string label)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("v12.stomp");
        using var timeout = new CancellationTokenSource(StompTestClient.DefaultTimeout);
        await socket.ConnectAsync(Host.WebSocketAddress, timeout.Token);
        Assert.Equal("v12.stomp", socket.SubProtocol);
        var client = StompTestClient.Over(socket, label);
        var connected = await client.ConnectAsync(token);
        Assert.True(connected.Command == StompCommand.Connected, $"{label}: expected CONNECTED, got {StompTestClient.Describe(connected)}");
        return client;
    }
}
