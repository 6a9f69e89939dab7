using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using Akka.Actor;
using Messaging.Actors.Stomp;
using Messaging.Host.Auth;
using Messaging.Host.Realtime;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Host.Tests.Realtime;

/// <summary>
/// A STOMP client over a real WebSocket to the host's <c>/ws</c> (TestServer's WebSocket client), framing with the
/// project's own <see cref="StompEncoder"/> and <see cref="StompDecoder"/>. A reader collects every frame the server
/// sends; <see cref="ExpectFrameAsync"/> takes the first collected frame that matches, leaving the others in arrival
/// order for later expectations, so tests do not depend on how unrelated frames interleave.
/// </summary>
public sealed class StompTestClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly WebSocket _socket;
    private readonly StompDecoder _decoder = new(new StompLimits(MaxFrameBytes: 4 * 1024 * 1024, MaxHeaders: 64));
    private readonly List<StompFrame> _unclaimed = [];
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private TaskCompletionSource _changed = NewSignal();
    private int _subscriptionCount;

    private StompTestClient(WebSocket socket, string label)
    {
        _socket = socket;
        Label = label;
        _reader = Task.Run(ReadLoop);
    }

    /// <summary>Who this client is, for failure messages.</summary>
    public string Label { get; }

    /// <summary>The subprotocol the server accepted (null when none).</summary>
    public string? SubProtocol => _socket.SubProtocol;

    /// <summary>Set once the server closed the WebSocket (or the connection failed).</summary>
    public bool IsClosed { get; private set; }

    public WebSocketCloseStatus? CloseStatus { get; private set; }

    /// <summary>Opens a WebSocket to <c>/ws</c> (or <paramref name="path"/>) without sending any frame.</summary>
    public static async Task<StompTestClient> OpenAsync(
        MessagingHost host, string label = "client", string path = "/ws", IEnumerable<string>? subProtocols = null, Action<HttpRequest>? configureRequest = null)
    {
        var client = host.Server.CreateWebSocketClient();
        foreach (var subProtocol in subProtocols ?? ["v12.stomp", "v11.stomp", "v10.stomp"])
            client.SubProtocols.Add(subProtocol);
        if (configureRequest is not null)
            client.ConfigureRequest = configureRequest;
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        var socket = await client.ConnectAsync(new Uri(host.Server.BaseAddress, path), timeout.Token);
        return new StompTestClient(socket, label);
    }

    /// <summary>A client over a WebSocket opened elsewhere (e.g. a <see cref="ClientWebSocket"/> to a real port).</summary>
    public static StompTestClient Over(WebSocket socket, string label) => new(socket, label);

    /// <summary>Opens a WebSocket and completes CONNECT with the user's bearer token; fails unless CONNECTED comes back.</summary>
    public static async Task<StompTestClient> ConnectAsync(TestUser user, string? label = null)
    {
        var client = await OpenAsync(user.Host, label ?? user.ToString());
        try
        {
            var connected = await client.ConnectAsync(RealtimeHelpers.Token(user));
            Assert.True(connected.Command == StompCommand.Connected, $"{client.Label}: expected CONNECTED, got {Describe(connected)}");
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>A connected client already subscribed to its notification and error queues.</summary>
    public static async Task<StompTestClient> ConnectWithQueuesAsync(TestUser user, string? label = null)
    {
        var client = await ConnectAsync(user, label);
        await client.SubscribeAsync(Destination.Notifications);
        await client.SubscribeAsync(Destination.Errors);
        return client;
    }

    /// <summary>
    /// Sends CONNECT (STOMP 1.2, no heart-beats) with <c>Authorization: Bearer token</c> when a token is given, and
    /// returns the server's first answer: CONNECTED or ERROR.
    /// </summary>
    public async Task<StompFrame> ConnectAsync(string? token, params (string Name, string Value)[] extraHeaders)
    {
        var headers = new List<(string, string)> { ("accept-version", "1.2"), ("host", "localhost"), ("heart-beat", "0,0") };
        if (token is not null)
            headers.Add(("Authorization", $"Bearer {token}"));
        headers.AddRange(extraHeaders);
        await SendFrameAsync(StompFrame.Create(StompCommand.Connect, [..headers]));
        return await ExpectFrameAsync(frame => frame.Command is StompCommand.Connected or StompCommand.Error, "CONNECTED or ERROR");
    }

    /// <summary>SUBSCRIBE with a receipt; returns the subscription id once the RECEIPT says it is live.</summary>
    public async Task<string> SubscribeAsync(string destination, string? id = null)
    {
        id ??= $"sub-{Interlocked.Increment(ref _subscriptionCount)}";
        var receipt = $"subscribed-{id}";
        await SendFrameAsync(StompFrame.Create(StompCommand.Subscribe, ("id", id), ("destination", destination), ("ack", "auto"), ("receipt", receipt)));
        await ExpectReceiptAsync(receipt);
        return id;
    }

    /// <summary>SUBSCRIBE without waiting for anything.</summary>
    public Task SendSubscribeAsync(string destination, string id, string? receipt = null) =>
        SendFrameAsync(receipt is null
            ? StompFrame.Create(StompCommand.Subscribe, ("id", id), ("destination", destination))
            : StompFrame.Create(StompCommand.Subscribe, ("id", id), ("destination", destination), ("receipt", receipt)));

    /// <summary>SEND of a JSON body to an <c>/app/...</c> destination, with a receipt header when given.</summary>
    public Task SendAsync(string destination, string json, string? receipt = null)
    {
        var headers = new List<(string, string)> { ("destination", destination), ("content-type", "application/json") };
        if (receipt is not null)
            headers.Add(("receipt", receipt));
        return SendFrameAsync(StompFrame.WithText(StompCommand.Send, json, [..headers]));
    }

    /// <summary>SEND of an object serialized as written (anonymous-object property names are the JSON names).</summary>
    public Task SendAsync(string destination, object body, string? receipt = null) =>
        SendAsync(destination, JsonSerializer.Serialize(body), receipt);

    public Task SendFrameAsync(StompFrame frame) => SendRawAsync(StompEncoder.Encode(frame));

    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes)
    {
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
    }

    /// <summary>Takes the first frame (received or still to come) matching <paramref name="predicate"/>; fails after the timeout or when the connection closes without one.</summary>
    public async Task<StompFrame> ExpectFrameAsync(Func<StompFrame, bool> predicate, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            Task changed;
            bool closed;
            lock (_gate)
            {
                var index = _unclaimed.FindIndex(frame => predicate(frame));
                if (index >= 0)
                {
                    var frame = _unclaimed[index];
                    _unclaimed.RemoveAt(index);
                    return frame;
                }
                changed = _changed.Task;
                closed = IsClosed;
            }
            var remaining = deadline - DateTime.UtcNow;
            if (closed || remaining <= TimeSpan.Zero)
                Assert.Fail($"{Label}: expected {what}, but {(closed ? "the connection closed" : $"nothing came within {(timeout ?? DefaultTimeout).TotalSeconds:F1} s")}; unclaimed frames: {DescribeUnclaimed()}");
            await Task.WhenAny(changed, Task.Delay(remaining));
        }
    }

    /// <summary>A MESSAGE frame on <paramref name="destination"/> whose JSON body has this <c>type</c>; returns the frame and its body.</summary>
    public async Task<(StompFrame Frame, JsonElement Body)> ExpectMessageAsync(string destination, string type, Func<JsonElement, bool>? where = null, TimeSpan? timeout = null)
    {
        var frame = await ExpectFrameAsync(
            frame => frame.Command == StompCommand.Message && frame.Header("destination") == destination
                && ParseJson(frame) is { } body && body.TryGetProperty("type", out var found) && found.GetString() == type && (where?.Invoke(body) ?? true),
            $"MESSAGE {type} on {destination}", timeout);
        return (frame, ParseJson(frame)!.Value);
    }

    public Task<StompFrame> ExpectReceiptAsync(string receiptId, TimeSpan? timeout = null) =>
        ExpectFrameAsync(frame => frame.Command == StompCommand.Receipt && frame.Header("receipt-id") == receiptId, $"RECEIPT {receiptId}", timeout);

    /// <summary>An ERROR frame, after which the server must close the connection.</summary>
    public async Task<StompFrame> ExpectErrorAndCloseAsync(TimeSpan? timeout = null)
    {
        var error = await ExpectFrameAsync(frame => frame.Command == StompCommand.Error, "ERROR", timeout);
        await ExpectClosedAsync(timeout);
        return error;
    }

    /// <summary>Waits for the server to close the WebSocket.</summary>
    public async Task ExpectClosedAsync(TimeSpan? timeout = null)
    {
        var closed = _reader.WaitAsync(timeout ?? DefaultTimeout);
        try
        {
            await closed;
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{Label}: expected the server to close the connection within {(timeout ?? DefaultTimeout).TotalSeconds:F1} s; it is still open");
        }
        Assert.True(IsClosed, $"{Label}: the reader stopped but the connection is not closed");
    }

    /// <summary>Waits <paramref name="window"/> and fails if any frame (matching <paramref name="predicate"/>, when given) is unclaimed by then.</summary>
    public async Task ExpectNoFrameAsync(TimeSpan window, Func<StompFrame, bool>? predicate = null, string what = "any frame")
    {
        await Task.Delay(window);
        lock (_gate)
        {
            var unexpected = _unclaimed.Where(frame => predicate?.Invoke(frame) ?? true).ToList();
            Assert.True(unexpected.Count == 0, $"{Label}: expected no {what} within {window.TotalMilliseconds:F0} ms, got: {string.Join(" | ", unexpected.Select(Describe))}");
        }
    }

    /// <summary>Every frame received and not taken by an expectation, in arrival order.</summary>
    public IReadOnlyList<StompFrame> Unclaimed()
    {
        lock (_gate)
            return [.._unclaimed];
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "test done", timeout.Token);
            }
            await _reader.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException or TimeoutException or ObjectDisposedException or IOException)
        {
            // The server is gone or slow to close (the in-memory test socket reports a close that crossed ours as an
            // IOException); the socket is aborted below.
        }
        finally
        {
            _stop.Cancel();
            _socket.Abort();
            _socket.Dispose();
            _stop.Dispose();
        }
    }

    public static JsonElement? ParseJson(StompFrame frame)
    {
        try
        {
            using var document = JsonDocument.Parse(frame.Body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string Describe(StompFrame frame)
    {
        var headers = string.Join(", ", frame.Headers.Select(header => $"{header.Key}:{header.Value}"));
        var body = frame.BodyText;
        return $"{frame.Command.ToString().ToUpperInvariant()} [{headers}] {(body.Length > 400 ? body[..400] + "…" : body)}";
    }

    private string DescribeUnclaimed() => _unclaimed.Count == 0 ? "none" : string.Join(" | ", _unclaimed.Select(Describe));

    private async Task ReadLoop()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    CloseStatus = received.CloseStatus;
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
                    }
                    return;
                }
                var frames = _decoder.Decode(buffer.AsSpan(0, received.Count));
                if (frames.Count > 0)
                {
                    lock (_gate)
                        _unclaimed.AddRange(frames);
                    Pulse();
                }
            }
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException or StompProtocolException)
        {
            // The connection ended (or the server sent bytes that are not STOMP, which the expectations then report).
        }
        finally
        {
            lock (_gate)
                IsClosed = true;
            Pulse();
        }
    }

    private void Pulse()
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            previous = _changed;
            _changed = NewSignal();
        }
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Shared helpers of the realtime tests.</summary>
public static class RealtimeHelpers
{
    public static readonly TimeSpan QuietWindow = TimeSpan.FromMilliseconds(400);

    /// <summary>A valid bearer token for the user, signed with the key of the user's host.</summary>
    public static string Token(TestUser user) => DevelopmentTokens.Issue(user.Host.Jwt, user.Id);

    public static string Topic(Guid conversationId) => $"/topic/conversation.{conversationId}";

    /// <summary>The JSON text as one element, for comparing with <see cref="AssertJson"/>.</summary>
    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>The same JSON value: the same fields with the same values (field order aside).</summary>
    public static void AssertJson(JsonElement expected, JsonElement actual) =>
        Assert.True(JsonElement.DeepEquals(expected, actual), $"JSON differs.\nexpected: {expected}\nactual:   {actual}");

    public static void AssertJson(string expected, JsonElement actual) => AssertJson(Json(expected), actual);

    /// <summary>The headers of a MESSAGE frame the server sends for a subscription.</summary>
    public static void AssertMessageHeaders(StompFrame frame, string subscriptionId, string destination)
    {
        Assert.Equal(StompCommand.Message, frame.Command);
        Assert.Equal(subscriptionId, frame.Header("subscription"));
        Assert.Equal(destination, frame.Header("destination"));
        Assert.Equal("application/json", frame.Header("content-type"));
        Assert.False(string.IsNullOrEmpty(frame.Header("message-id")), $"MESSAGE without message-id: {StompTestClient.Describe(frame)}");
        Assert.Equal(frame.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), frame.Header("content-length"));
    }

    /// <summary>A conversation between two new users, started over REST by the first; returns the first message too.</summary>
    public static async Task<(TestUser Alice, TestUser Bob, Guid ConversationId, JsonElement First)> Conversation(MessagingHost host, Guid? productId = null)
    {
        var alice = await host.CreateUser();
        var bob = await host.CreateUser();
        var first = await alice.SendTo(bob, "Is this still available?", productId);
        return (alice, bob, first.Guid("conversationId"), first);
    }

    public static string Text(StompFrame frame) => Encoding.UTF8.GetString(frame.Body.Span);

    /// <summary>Waits until the host's STOMP sessions parent holds <paramref name="count"/> admitted (CONNECTED) sessions; ended sessions leave it shortly after their socket closes.</summary>
    public static async Task UntilAdmitted(this MessagingHost host, int count)
    {
        var sessions = host.Services.GetRequiredService<StompSessionParent>().Actor;
        var deadline = Stopwatch.StartNew();
        int admitted;
        while ((admitted = await sessions.Ask<int>(StompSessions.CountAdmitted.Instance, TimeSpan.FromSeconds(5))) != count)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), $"{admitted} sessions still admitted, expected {count}");
            await Task.Delay(50);
        }
    }

    /// <summary>An ERROR frame: a short <c>message</c> header and the detail as a text/plain body.</summary>
    public static void AssertError(StompFrame error, string message, string detail)
    {
        Assert.True(error.Command == StompCommand.Error, $"expected ERROR, got {StompTestClient.Describe(error)}");
        Assert.Equal(message, error.Header("message"));
        Assert.Equal("text/plain", error.Header("content-type"));
        Assert.Equal(detail, Text(error));
    }
}
