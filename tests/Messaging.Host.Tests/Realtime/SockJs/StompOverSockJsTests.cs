using System.Net.WebSockets;
using System.Text;
using Messaging.Actors.Stomp;
using static Messaging.Host.Tests.Realtime.RealtimeHelpers;
using static Messaging.Host.Tests.Realtime.SockJs.SockJsAssert;

namespace Messaging.Host.Tests.Realtime.SockJs;

/// <summary>STOMP over SockJS at <c>/ws</c>, as <c>new SockJS('http://host/ws')</c> with STOMP.js uses it, through the real host.</summary>
[Collection(SockJsCollection.Name)]
public sealed class StompOverSockJsTests(SockJsHostFixture fixture) : SockJsProtocolTest(fixture)
{
    [Fact]
    public async Task A_SEND_over_xhr_send_is_receipted_and_delivered_to_the_recipient_over_xhr_streaming()
    {
        var alice = await Host.CreateUser("Alice");
        var bob = await Host.CreateUser("Bob");
        var first = await (await alice.Http.PostAsync("/api/messages", Contract.Body(new { recipientId = bob.Id, text = "hi" }))).ExpectJson(HttpStatusCode.Created);
        var conversationId = first.Guid("conversationId");
        using var aliceSession = await SockJsStompClient.Open(Host);
        using var bobSession = await SockJsStompClient.Open(Host, $"?access_token={Token(bob)}");
        Assert.Equal(StompCommand.Connected, (await aliceSession.Connect(Token(alice))).Command);
        Assert.Equal(StompCommand.Connected, (await bobSession.Connect(token: null)).Command);
        await bobSession.Send(StompFrame.Create(StompCommand.Subscribe, ("id", "bob-topic"), ("destination", Topic(conversationId)), ("receipt", "subscribed")));
        Assert.Equal("subscribed", (await bobSession.Next()).Header("receipt-id"));

        await aliceSession.Send(StompFrame.WithText(StompCommand.Send, JsonSerializer.Serialize(new { conversationId, text = "Over SockJS 📷" }),
            ("destination", "/app/message.send"), ("content-type", "application/json"), ("receipt", "m1")));

        var receipt = await aliceSession.Next();
        Assert.Equal((StompCommand.Receipt, "m1"), (receipt.Command, receipt.Header("receipt-id")));
        var delivered = await bobSession.Next();
        Assert.Equal(StompCommand.Message, delivered.Command);
        Assert.Equal(Topic(conversationId), delivered.Header("destination"));
        var body = JsonDocument.Parse(delivered.BodyText).RootElement;
        Assert.Equal("NEW_MESSAGE", body.Str("type"));
        Assert.Equal("Over SockJS 📷", body.GetProperty("message").Str("text"));
    }

    [Fact]
    public async Task CONNECT_without_a_token_header_is_authenticated_by_the_access_token_on_the_SockJS_url()
    {
        var user = await Host.CreateUser();
        using var session = await SockJsStompClient.Open(Host, $"?access_token={Token(user)}");

        var connected = await session.Connect(token: null);

        Assert.Equal(StompCommand.Connected, connected.Command);
    }

    [Fact]
    public async Task CONNECT_without_a_token_header_is_authenticated_by_the_token_cookie()
    {
        var user = await Host.CreateUser();
        using var session = await SockJsStompClient.Open(Host, "", ("Cookie", $"{RealtimeHostFixture.TokenCookie}={Token(user)}"));

        var connected = await session.Connect(token: null);

        Assert.Equal(StompCommand.Connected, connected.Command);
    }

    [Fact]
    public async Task CONNECT_without_any_token_is_an_ERROR_and_the_session_closes()
    {
        using var session = await SockJsStompClient.Open(Host);

        var error = await session.Connect(token: null);

        Assert.Equal(StompCommand.Error, error.Command);
        Assert.Equal("authentication required", error.Header("message"));
        Assert.Equal("c[3000,\"Go away!\"]", await session.NextSockJsFrame());
    }

    [Fact]
    public async Task STOMP_crosses_the_SockJS_websocket_transport_one_frame_a_message()
    {
        var user = await Host.CreateUser();
        using var socket = await OpenWebSocket($"/ws/000/{Guid.NewGuid()}/websocket?access_token={Token(user)}");
        Assert.Equal("o", await Receive(socket));

        await Send(socket, JsonSerializer.Serialize(new[] { "CONNECT\naccept-version:1.2\nhost:localhost\nheart-beat:0,0\n\n\0" }));

        var frame = await Receive(socket);
        Assert.StartsWith("a[\"CONNECTED\\nversion:1.2\\n", frame);
        Assert.EndsWith("\\u0000\"]", frame);
    }

    [Fact]
    public async Task The_raw_STOMP_websocket_also_answers_at_ws_websocket()
    {
        var user = await Host.CreateUser();
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("v12.stomp");
        await socket.ConnectAsync(WebSocketUrl("/ws/websocket"), CancellationToken.None);
        await using var client = StompTestClient.Over(socket, "raw");

        var connected = await client.ConnectAsync(Token(user));

        Assert.Equal("v12.stomp", socket.SubProtocol);
        Assert.Equal(StompCommand.Connected, connected.Command);
    }

    [Fact]
    public async Task Ws_info_describes_the_SockJS_server_of_ws()
    {
        using var response = await Client.Get("/ws/info", ("Origin", "http://localhost:3000"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Cors(response, "http://localhost:3000");
        var info = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(info.GetProperty("websocket").GetBoolean());
        Assert.False(info.GetProperty("cookie_needed").GetBoolean());
    }
}

/// <summary>Back-pressure: while the application has paused receiving, <c>xhr_send</c> does not answer, so the client sends no more.</summary>
[Collection(SockJsCollection.Name)]
public sealed class SockJsBackPressure(SockJsHostFixture fixture) : SockJsProtocolTest(fixture)
{
    [Fact]
    public async Task A_send_while_the_application_is_paused_is_answered_once_it_resumes()
    {
        var session = Session("/pausing_echo");
        using var opened = await Client.Post(session + "/xhr");
        using var pause = await Client.Post(session + "/xhr_send", "[\"pause\"]");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        using var next = await Client.Post(session + "/xhr_send", "[\"next\"]");

        Assert.Equal(HttpStatusCode.NoContent, next.StatusCode);
        Assert.InRange(clock.Elapsed, PausingEchoApplication.Pause * 0.8, TimeSpan.FromSeconds(10));
        await Body(await Client.Post(session + "/xhr"), HttpStatusCode.OK, "a[\"pause\",\"next\"]\n");
    }

    [Fact]
    public async Task A_send_that_waits_longer_than_the_limit_closes_the_session()
    {
        var session = Session("/pausing_echo");
        using var opened = await Client.Post(session + "/xhr");
        using var stall = await Client.Post(session + "/xhr_send", "[\"stall\"]");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        using var next = await Client.Post(session + "/xhr_send", "[\"next\"]");

        Assert.Equal(HttpStatusCode.NotFound, next.StatusCode);
        Assert.InRange(clock.Elapsed, SockJsHostFixture.Pausing.MaxSendWait * 0.9, TimeSpan.FromSeconds(10));
        await Body(await Client.Post(session + "/xhr"), HttpStatusCode.OK, "a[\"stall\"]\n");
        await Body(await Client.Post(session + "/xhr"), HttpStatusCode.OK, "c[3000,\"Go away!\"]\n");
    }
}

/// <summary>A STOMP client over SockJS's xhr_streaming (receiving) and xhr_send (sending), as sockjs-client falls back to without WebSockets.</summary>
public sealed class SockJsStompClient : IDisposable
{
    private readonly SockJsClient _http;
    private readonly string _session;
    private readonly string _query;
    private readonly StreamingResponse _stream;
    private readonly StompDecoder _decoder = new(new StompLimits(MaxFrameBytes: 1024 * 1024, MaxHeaders: 64));
    private readonly Queue<StompFrame> _received = new();

    private SockJsStompClient(SockJsClient http, string session, string query, StreamingResponse stream)
    {
        _http = http;
        _session = session;
        _query = query;
        _stream = stream;
    }

    /// <summary>Opens a session on <c>/ws</c> with an xhr_streaming receiver; <paramref name="query"/> goes on every URL, as sockjs-client keeps it.</summary>
    public static async Task<SockJsStompClient> Open(MessagingHost host, string query = "", params (string Name, string Value)[] headers)
    {
        var http = new SockJsClient(host);
        var session = SockJsClient.NewSession("/ws");
        var stream = await http.Stream(HttpMethod.Post, session + "/xhr_streaming" + query, headers);
        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        await stream.Read(2049);
        Assert.Equal("o", await stream.ReadLine());
        return new SockJsStompClient(http, session, query, stream);
    }

    /// <summary>CONNECT (STOMP 1.2, no heart-beats), with the token in the Authorization header when given; returns CONNECTED or ERROR.</summary>
    public async Task<StompFrame> Connect(string? token)
    {
        var headers = new List<(string, string)> { ("accept-version", "1.2"), ("host", "localhost"), ("heart-beat", "0,0") };
        if (token is not null)
            headers.Add(("Authorization", $"Bearer {token}"));
        await Send(StompFrame.Create(StompCommand.Connect, [.. headers]));
        return await Next();
    }

    /// <summary>One STOMP frame as one SockJS message over xhr_send.</summary>
    public async Task Send(StompFrame frame)
    {
        using var response = await _http.Post(_session + "/xhr_send" + _query, JsonSerializer.Serialize(new[] { Encoding.UTF8.GetString(StompEncoder.Encode(frame)) }));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>The next STOMP frame the server sent (heart-beats skipped).</summary>
    public async Task<StompFrame> Next()
    {
        while (_received.Count == 0)
        {
            var frame = await NextSockJsFrame();
            Assert.True(frame.StartsWith('a'), $"expected a message frame, got {frame}");
            foreach (var message in JsonSerializer.Deserialize<string[]>(frame[1..])!)
            {
                foreach (var stomp in _decoder.Decode(Encoding.UTF8.GetBytes(message)))
                    _received.Enqueue(stomp);
            }
        }
        return _received.Dequeue();
    }

    /// <summary>Reads the receiving response until it ends; throws when the connection is cut first.</summary>
    public Task ReadToEnd(TimeSpan limit) => _stream.ReadToEnd(limit);

    /// <summary>The next SockJS frame other than a heartbeat.</summary>
    public async Task<string> NextSockJsFrame()
    {
        string frame;
        do
            frame = await _stream.ReadLine();
        while (frame == "h");
        return frame;
    }

    public void Dispose()
    {
        _stream.Dispose();
        _http.Dispose();
    }
}
