using System.Net.WebSockets;
using System.Text;
using static Messaging.Host.Tests.Realtime.SockJs.SockJsAssert;

namespace Messaging.Host.Tests.Realtime.SockJs;

// The checks of sockjs-protocol.py (protocol 0.3.3), one test per behaviour, grouped by the suite's sections.

/// <summary>What every section's tests share: the loopback host and an HTTP client on it.</summary>
public abstract class SockJsProtocolTest(SockJsHostFixture fixture) : IDisposable
{
    protected MessagingHost Host => fixture.Host;

    protected SockJsHostFixture Fixture => fixture;

    protected SockJsClient Client { get; } = new(fixture.Host);

    protected static string Session(string service = "/echo") => SockJsClient.NewSession(service);

    protected Uri WebSocketUrl(string path) => new($"ws://{Host.BaseAddress.Authority}{path}");

    protected async Task<ClientWebSocket> OpenWebSocket(string path)
    {
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(WebSocketUrl(path), timeout.Token);
        return socket;
    }

    protected static async Task<string> Receive(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        Assert.True(result.EndOfMessage);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    protected static Task Send(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    /// <summary>Reads until the server closes the socket, returning the close status it gave.</summary>
    protected static async Task<(WebSocketCloseStatus? Status, string? Reason)> ExpectClosed(ClientWebSocket socket)
    {
        var buffer = new byte[1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            while ((await socket.ReceiveAsync(buffer, timeout.Token)).MessageType != WebSocketMessageType.Close)
            {
            }
        }
        catch (WebSocketException)
        {
            // An abrupt end counts as closed.
        }
        return (socket.CloseStatus, socket.CloseStatusDescription);
    }

    public void Dispose()
    {
        Client.Dispose();
        GC.SuppressFinalize(this);
    }
}

[Collection(SockJsCollection.Name)]
public sealed class BaseUrlGreeting(SockJsHostFixture fixture) : SockJsProtocolTest(fixture)
{
    [Theory]
    [InlineData("/echo")]
    [InlineData("/echo/")]
    public async Task The_base_url_greets_in_plain_text_without_a_cookie(string url)
    {
        using var response = await Client.Get(url);

        await Body(response, HttpStatusCode.OK, "Welcome to SockJS!\n");
        ContentType(response, "text/plain;charset=UTF-8");
        NoCookie(response);
    }

    [Theory]
    [InlineData("/a")]
    [InlineData("/a.html")]
    [InlineData("//")]
    [InlineData("///")]
    [InlineData("/a/a")]
    [InlineData("/a/a/")]
    [InlineData("/a/")]
    public async Task Other_urls_under_the_base_url_are_404(string suffix)
    {
        using var response = await Client.Get("/echo" + suffix);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

/// <summary>Iframe-based transports are not offered, so there is no iframe page (and no CDN script to load).</summary>
[Collection(SockJsCollection.Name)]
public sealed class IframePage(SockJsHostFixture fixture) : SockJsProtocolTest(fixture)
{
    [Theory]
    [InlineData("/echo/iframe.html")]
    [InlineData("/echo/iframe-0.1.2.html")]
    [InlineData("/ws/iframe.html")]
    public async Task The_iframe_page_is_404_because_no_iframe_transport_is_offered(string url)
    {
        using var response = await Client.Get(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

[Collection(SockJsCollection.Name)]
public sealed class InfoTest(SockJsHostFixture fixture) : SockJsProtocolTest(fixture)
{
    [Fact]
    public async Task Info_describes_the_server_as_uncached_json_with_cors()
    {
        using var response = await Client.Get("/echo/info", ("Origin", "test"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        ContentType(response, "application/json;charset=UTF-8");
        NoCookie(response);
        NotCached(response);
        Cors(response, "test");
        var info = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(info.GetProperty("websocket").GetBoolean());
        Assert.False(info.GetProperty("cookie_needed").GetBoolean());
        Assert.Equal("*:*", Assert.Single(info.GetProperty("origins").EnumerateArray()).GetString());
        Assert.True(info.GetProperty("entropy").TryGetUInt32(out _));
    }

    [Fact]
    public async Task Each_info_answer_carries_new_entropy()
    {
        using var first = await Client.Get("/echo/info");
        using var second = await Client.Get("/echo/info");

        var entropies = new[] { first, second }.Select(response =>
            JsonDocument.Parse(response.Content.ReadAsStringAsync().Result).RootElement.GetProperty("entropy").GetUInt32()).ToList();
        Assert.NotEqual(entropies[0], entropies[1]);
    }

    [Fact]
    public async Task Options_on_info_is_a_cacheable_cors_preflight() => await Options(Client, "/echo/info", "OPTIONS, GET");

    [Fact]
    public async Task A_preflight_from_a_null_origin_is_answered_for_null()
    {
        using var response = await Client.Options("/echo/info", ("Origin", "null"), ("Access-Control-Request-Method", "POST"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("null", Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_service_with_websockets_disabled_says_so_in_info()
    {
        using var response = await Client.Get("/disabled_websocket_echo/info");

        Assert.False(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("websocket").GetBoolean());
    }
}

[Collection(SockJsCollection.Name)]
public sealed class SessionURLs(SockJsHostFixture fixture) : SockJsProtocolTest(fixture)
{
    [Theory]
    [InlineData("/a/a")]
    [InlineData("/_/_")]
    [InlineData("/1/")]
    [InlineData("/abcdefgh_i-j%20/abcdefg_i-j%20")]
    public async Task Any_server_and_session_value_opens_a_session(string sessionPart)
    {
        using var response = await Client.Post("/echo" + sessionPart + Guid.NewGuid().ToString("N") + "/xhr");

        await Body(response, HttpStatusCode.OK, "o\n");
    }

    [Theory]
    [InlineData("//")]
    [InlineData("/a./a")]
    [InlineData("/a/a.")]
    [InlineData("/./.")]
    [InlineData("/")]
    [InlineData("///")]
    public async Task Empty_dotted_or_wrongly_nested_session_paths_are_404(string sessionPart)
    {
        using var get = await Client.Get("/echo" + sessionPart + "/xhr");
        using var post = await Client.Post("/echo" + sessionPart + "/xhr");

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
    }

    [Fact]
    public async Task The_server_part_is_ignored_the_session_id_alone_names_a_session()
    {
        var id = Guid.NewGuid();

        using var opened = await Client.Post($"/echo/000/{id}/xhr");
        using var sent = await Client.Post($"/echo/000/{id}/xhr_send", "[\"a\"]");
        using var polled = await Client.Post($"/echo/999/{id}/xhr");

        await Body(opened, HttpStatusCode.OK, "o\n");
        await Body(sent, HttpStatusCode.NoContent, "");
        await Body(polled, HttpStatusCode.OK, "a[\"a\"]\n");
    }
}

[Collection(SockJsCollection.Name)]
public sealed class Protocol(SockJsHostFixture fixture) : SockJsProtocolTest(fixture)
{
    [Fact]
    public async Task A_new_session_answers_the_open_frame_then_the_messages_sent_to_it()
    {
        var session = Session();

        using var opened = await Client.Post(session + "/xhr");
        using var sent = await Client.Post(session + "/xhr_send", "[\"a\"]");
        using var polled = await Client.Post(session + "/xhr");

        await Body(opened, HttpStatusCode.OK, "o\n");
        await Body(sent, HttpStatusCode.NoContent, "");
        await Body(polled, HttpStatusCode.OK, "a[\"a\"]\n");
    }

    [Fact]
    public async Task Sending_to_a_session_that_does_not_exist_is_404()
    {
        using var response = await Client.Post("/echo/000/bad_session/xhr_send", "[\"a\"]");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_second_receiving_request_while_one_waits_gets_close_2010()
    {
        var session = Session();
        using var opened = await Client.Post(session + "/xhr");
        using var abort = new CancellationTokenSource();
        var waiting = Client.PendingPoll(session + "/xhr", abort.Token);
        await Task.Delay(250);

        using var second = await Client.Post(session + "/xhr");

        await Body(second, HttpStatusCode.OK, "c[2010,\"Another connection still open\"]\n");
        Assert.False(waiting.IsCompleted);
        await abort.CancelAsync();
    }

    [Fact]
    public async Task A_session_the_application_closed_answers_its_close_frame_to_every_request()
    {
        var session = Session("/close");

        using var opened = await Client.Post(session + "/xhr");
        using var closed = await Client.Post(session + "/xhr");
        using var again = await Client.Post(session + "/xhr");

        await Body(opened, HttpStatusCode.OK, "o\n");
        await Body(closed, HttpStatusCode.OK, "c[3000,\"Go away!\"]\n");
        await Body(again, HttpStatusCode.OK, "c[3000,\"Go away!\"]\n");
    }

    [Fact]
    public async Task A_poll_with_nothing_to_deliver_ends_with_a_heartbeat_after_the_heartbeat_interval()
    {
        var session = Session("/fast_echo");
        using var opened = await Client.Post(session + "/xhr");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        using var polled = await Client.Post(session + "/xhr");

        await Body(polled, HttpStatusCode.OK, "h\n");
        Assert.InRange(clock.Elapsed, SockJsHostFixture.Fast.HeartbeatInterval * 0.9, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_session_nobody_polls_is_forgotten_after_the_disconnect_delay()
    {
        var session = Session("/fast_echo");
        using var opened = await Client.Post(session + "/xhr");

        await Task.Delay(SockJsHostFixture.Fast.DisconnectDelay * 5);
        using var sent = await Client.Post(session + "/xhr_send", "[\"a\"]");

        Assert.Equal(HttpStatusCode.NotFound, sent.StatusCode);
    }

    [Fact]
    public async Task A_session_polled_in_time_outlives_the_disconnect_delay()
    {
        var session = Session("/fast_echo");
        using var opened = await Client.Post(session + "/xhr");

        for (var poll = 0; poll < 4; poll++)
            await Body(await Client.Post(session + "/xhr"), HttpStatusCode.OK, "h\n"); // each poll waits one heartbeat interval
        using var sent = await Client.Post(session + "/xhr_send", "[\"still here\"]");
        using var polled = await Client.Post(session + "/xhr");

        Assert.Equal(HttpStatusCode.NoContent, sent.StatusCode);
        await Body(polled, HttpStatusCode.OK, "a[\"still here\"]\n");
    }
}

[Collection(SockJsCollection.Name)]
public sealed class WebsocketHttpErrors(SockJsHostFixture fixture) : SockJsProtocolTest(fixture)
{
    [Fact]
    public async Task A_plain_GET_of_the_websocket_url_is_400()
    {
        using var response = await Client.Get("/echo/0/0/websocket");

        await Body(response, HttpStatusCode.BadRequest, "Can \"Upgrade\" only to \"WebSocket\".");
    }

    [Fact]
    public async Task An_upgrade_whose_Connection_header_was_rewritten_is_400()
    {
        using var response = await Client.Get("/echo/0/0/websocket", ("Upgrade", "WebSocket"), ("Connection", "close"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_POST_to_the_websocket_url_is_405(bool withUpgradeHeaders)
    {
        (string, string)[] headers = withUpgradeHeaders ? [("Upgrade", "WebSocket"), ("Connection", "Upgrade")] : [];

        using var response = await Client.Post("/echo/0/0/websocket", "", headers);

        await Status405(response);
    }
}

/// <summary>The suite's <c>Websocket</c> section (hybi-13 / RFC 6455, which every browser speaks today).</summary>
[Collection(SockJsCollection.Name)]
public sealed class WebsocketHybi10(SockJsHostFixture fixture) : SockJsProtocolTest(fixture)
{
    [Fact]
    public async Task The_socket_opens_with_o_and_echoes_messages_as_an_a_frame()
    {
        using var socket = await OpenWebSocket(Session() + "/websocket");

        Assert.Equal("o", await Receive(socket));
        await Send(socket, "[\"a\"]");
        Assert.Equal("a[\"a\"]", await Receive(socket));
    }

    [Fact]
    public async Task A_session_the_application_closes_sends_the_close_frame_then_closes_the_socket()
    {
        using var socket = await OpenWebSocket(Session("/close") + "/websocket");

        Assert.Equal("o", await Receive(socket));
        Assert.Equal("c[3000,\"Go away!\"]", await Receive(socket));
        var (status, reason) = await ExpectClosed(socket);
        Assert.Equal(3000, (int?)status);
        Assert.Equal("Go away!", reason);
    }

    [Fact]
    public async Task The_handshake_answers_101_with_the_accept_key_of_rfc_6455()
    {
        using var connection = await RawHttpConnection.Open(Host);

        await connection.Request("GET", Session() + "/websocket", "1.1", Host.BaseAddress.Authority,
            "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n");
        var (status, headers) = await connection.ReadHead();

        Assert.StartsWith("HTTP/1.1 101", status);
        Assert.Equal("HSmrc0sMlYUkAGmm5OPpG2HaGWk=", headers["sec-websocket-accept"]);
        Assert.Equal("upgrade", headers["connection"].ToLowerInvariant());
        Assert.Equal("websocket", headers["upgrade"].ToLowerInvariant());
        Assert.False(headers.ContainsKey("content-length"));
    }

    [Fact]
    public async Task Empty_messages_and_empty_arrays_are_ignored()
    {
        using var socket = await OpenWebSocket(Session() + "/websocket");
        Assert.Equal("o", await Receive(socket));

        await Send(socket, "");
        await Send(socket, "[]");
        await Send(socket, "[\"a\"]");

        Assert.Equal("a[\"a\"]", await Receive(socket));
    }

    [Fact]
    public async Task Two_sockets_may_share_a_session_id_and_it_may_be_reused_after_they_close()
    {
        var path = Session() + "/websocket";
        using var first = await OpenWebSocket(path);
        using var second = await OpenWebSocket(path);
        Assert.Equal("o", await Receive(first));
        Assert.Equal("o", await Receive(second));

        await Send(first, "[\"a\"]");
        await Send(second, "[\"b\"]");
        Assert.Equal("a[\"a\"]", await Receive(first));
        Assert.Equal("a[\"b\"]", await Receive(second));
        await first.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        await second.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);

        using var again = await OpenWebSocket(path);
        Assert.Equal("o", await Receive(again));
        await Send(again, "[\"a\"]");
        Assert.Equal("a[\"a\"]", await Receive(again));
    }

    [Fact]
    public async Task Broken_json_closes_the_socket_with_1002()
    {
        using var socket = await OpenWebSocket(Session() + "/websocket");
        Assert.Equal("o", await Receive(socket));

        await Send(socket, "[\"a");

        var (status, _) = await ExpectClosed(socket);
        Assert.Equal(WebSocketCloseStatus.ProtocolError, status);
    }

    [Fact]
    public async Task A_single_json_string_is_one_message()
    {
        using var socket = await OpenWebSocket(Session() + "/websocket");
        Assert.Equal("o", await Receive(socket));

        await Send(socket, "\"a\"");

        Assert.Equal("a[\"a\"]", await Receive(socket));
    }

    [Fact]
    public async Task An_idle_socket_gets_heartbeat_frames()
    {
        using var socket = await OpenWebSocket(Session("/fast_echo") + "/websocket");
        Assert.Equal("o", await Receive(socket));

        Assert.Equal("h", await Receive(socket));
        Assert.Equal("h", await Receive(socket));
    }

    [Fact]
    public async Task The_websocket_url_of_a_service_with_websockets_disabled_is_404()
    {
        using var response = await Client.Get(Session("/disabled_websocket_echo") + "/websocket", ("Upgrade", "websocket"), ("Connection", "Upgrade"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

[Collection(SockJsCollection.Name)]
public sealed class XhrPolling(SockJsHostFixture fixture) : SockJsProtocolTest(fixture)
{
    [Theory]
    [InlineData("/xhr")]
    [InlineData("/xhr_send")]
    public async Task Options_is_a_cacheable_cors_preflight(string transport) => await Options(Client, "/echo/abc/abc" + transport, "OPTIONS, POST");

    [Fact]
    public async Task Polls_are_uncached_javascript_with_cors()
    {
        using var response = await Client.Post(Session() + "/xhr", null, ("Origin", "test"));

        await Body(response, HttpStatusCode.OK, "o\n");
        ContentType(response, "application/javascript;charset=UTF-8");
        Cors(response, "test");
        NotCached(response);
    }

    [Fact]
    public async Task A_send_is_an_uncached_204_typed_as_plain_text_with_cors()
    {
        var session = Session();
        using var opened = await Client.Post(session + "/xhr");

        using var sent = await Client.Post(session + "/xhr_send", "[\"x\"]", ("Origin", "test"));
        using var polled = await Client.Post(session + "/xhr");

        await Body(sent, HttpStatusCode.NoContent, "");
        ContentType(sent, "text/plain;charset=UTF-8");
        Cors(sent, "test");
        NotCached(sent);
        await Body(polled, HttpStatusCode.OK, "a[\"x\"]\n");
    }

    [Fact]
    public async Task A_send_to_a_session_never_opened_is_404()
    {
        using var response = await Client.Post(Session() + "/xhr_send", "[\"x\"]");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Broken_json_is_a_500_and_the_session_goes_on()
    {
        var session = Session();
        using var opened = await Client.Post(session + "/xhr");

        using var broken = await Client.Post(session + "/xhr_send", "[\"x");
        using var good = await Client.Post(session + "/xhr_send", "[\"a\"]");
        using var polled = await Client.Post(session + "/xhr");

        Assert.Equal(HttpStatusCode.InternalServerError, broken.StatusCode);
        Assert.Contains("Broken JSON encoding.", await broken.Content.ReadAsStringAsync());
        await Body(good, HttpStatusCode.NoContent, "");
        await Body(polled, HttpStatusCode.OK, "a[\"a\"]\n");
    }

    [Fact]
    public async Task An_empty_send_is_a_500_payload_expected()
    {
        var session = Session();
        using var opened = await Client.Post(session + "/xhr");

        using var empty = await Client.Post(session + "/xhr_send", "");

        Assert.Equal(HttpStatusCode.InternalServerError, empty.StatusCode);
        Assert.Contains("Payload expected.", await empty.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Sends_are_accepted_whatever_their_content_type()
    {
        string[] contentTypes = ["text/plain", "T", "application/json", "application/xml", "", "application/json; charset=utf-8", "text/xml; charset=utf-8", "text/xml"];
        var session = Session();
        using var opened = await Client.Post(session + "/xhr");

        foreach (var contentType in contentTypes)
        {
            using var sent = await Client.Post(session + "/xhr_send", "[\"a\"]", ("Content-Type", contentType));
            await Body(sent, HttpStatusCode.NoContent, "");
        }
        using var polled = await Client.Post(session + "/xhr");

        await Body(polled, HttpStatusCode.OK, "a[" + string.Join(',', contentTypes.Select(_ => "\"a\"")) + "]\n");
    }

    [Theory]
    [InlineData("a, b, c", "a, b, c")]
    [InlineData("", null)]
    [InlineData(null, null)]
    public async Task A_preflight_allows_the_headers_it_was_asked_for(string? requested, string? allowed)
    {
        (string, string)[] headers = requested is null
            ? [("Origin", "test"), ("Access-Control-Request-Method", "POST")]
            : [("Origin", "test"), ("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", requested)];

        using var response = await Client.Options(Session() + "/xhr", headers);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Cors(response, "test");
        Assert.Equal(allowed, Header(response, "Access-Control-Allow-Headers"));
    }

    [Fact]
    public async Task A_send_of_no_messages_is_accepted()
    {
        var session = Session();
        using var opened = await Client.Post(session + "/xhr");

        using var empty = await Client.Post(session + "/xhr_send", "[]");
        using var sent = await Client.Post(session + "/xhr_send", "[\"a\"]");
        using var polled = await Client.Post(session + "/xhr");

        Assert.Equal(HttpStatusCode.NoContent, empty.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, sent.StatusCode);
        await Body(polled, HttpStatusCode.OK, "a[\"a\"]\n");
    }
}

[Collection(SockJsCollection.Name)]
public sealed class XhrStreaming(SockJsHostFixture fixture) : SockJsProtocolTest(fixture)
{
    [Fact]
    public async Task Options_is_a_cacheable_cors_preflight() => await Options(Client, "/echo/abc/abc/xhr_streaming", "OPTIONS, POST");

    [Fact]
    public async Task The_stream_starts_with_2_KiB_of_h_then_carries_the_open_frame_and_messages()
    {
        var session = Session();
        using var stream = await Client.Stream(HttpMethod.Post, session + "/xhr_streaming", ("Origin", "test"));

        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        ContentType(stream.Response, "application/javascript;charset=UTF-8");
        Cors(stream.Response, "test");
        NotCached(stream.Response);
        Assert.Equal(new string('h', 2048) + "\n", await stream.Read(2049));
        Assert.Equal("o\n", await stream.Read("o\n"));
        using var sent = await Client.Post(session + "/xhr_send", "[\"x\"]");
        await Body(sent, HttpStatusCode.NoContent, "");
        Assert.Equal("a[\"x\"]\n", await stream.Read("a[\"x\"]\n"));
    }

    [Fact]
    public async Task The_response_ends_once_the_streaming_limit_of_bytes_was_written()
    {
        var session = Session();
        using var stream = await Client.Stream(HttpMethod.Post, session + "/xhr_streaming");
        await stream.Read(2049);
        Assert.Equal("o\n", await stream.Read("o\n"));
        var message = "\"" + new string('x', 128) + "\"";

        for (var sent = 0; sent < 31; sent++) // 2 + 31 × 134 bytes pass the test service's 4,096
        {
            using var send = await Client.Post(session + "/xhr_send", $"[{message}]");
            Assert.Equal(HttpStatusCode.NoContent, send.StatusCode);
            Assert.Equal($"a[{message}]\n", await stream.Read($"a[{message}]\n"));
        }

        Assert.True(await stream.Ended());
    }

    [Fact]
    public async Task An_idle_stream_carries_heartbeat_frames()
    {
        using var stream = await Client.Stream(HttpMethod.Post, Session("/fast_echo") + "/xhr_streaming");
        await stream.Read(2049);
        Assert.Equal("o\n", await stream.Read("o\n"));

        Assert.Equal("h\n", await stream.Read("h\n"));
        Assert.Equal("h\n", await stream.Read("h\n"));
    }
}

[Collection(SockJsCollection.Name)]
public sealed class EventSource(SockJsHostFixture fixture) : SockJsProtocolTest(fixture)
{
    [Fact]
    public async Task The_stream_is_uncached_events_after_a_new_line_prelude()
    {
        var session = Session();
        using var stream = await Client.Stream(HttpMethod.Get, session + "/eventsource");

        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        ContentType(stream.Response, "text/event-stream");
        NotCached(stream.Response);
        Assert.Equal("\r\n", await stream.Read(2));
        Assert.Equal("data: o\r\n\r\n", await stream.Read("data: o\r\n\r\n"));
        using var sent = await Client.Post(session + "/xhr_send", "[\"x\"]");
        await Body(sent, HttpStatusCode.NoContent, "");
        Assert.Equal("data: a[\"x\"]\r\n\r\n", await stream.Read("data: a[\"x\"]\r\n\r\n"));
    }

    [Fact]
    public async Task Spaces_nul_and_new_lines_in_a_message_cross_as_json_escapes()
    {
        var session = Session();
        using var stream = await Client.Stream(HttpMethod.Get, session + "/eventsource");
        await stream.Read(2);
        await stream.Read("data: o\r\n\r\n");

        using var sent = await Client.Post(session + "/xhr_send", "[\"  \\u0000\\n\\r \"]");

        await Body(sent, HttpStatusCode.NoContent, "");
        const string expected = "data: a[\"  \\u0000\\n\\r \"]\r\n\r\n";
        Assert.Equal(expected, await stream.Read(expected));
    }

    [Fact]
    public async Task The_response_ends_once_the_streaming_limit_of_bytes_was_written()
    {
        var session = Session();
        using var stream = await Client.Stream(HttpMethod.Get, session + "/eventsource");
        await stream.Read(2);
        await stream.Read("data: o\r\n\r\n");
        var message = "\"" + new string('x', 4096) + "\"";

        using var sent = await Client.Post(session + "/xhr_send", $"[{message}]");

        Assert.Equal(HttpStatusCode.NoContent, sent.StatusCode);
        Assert.Equal($"data: a[{message}]\r\n\r\n", await stream.Read($"data: a[{message}]\r\n\r\n"));
        Assert.True(await stream.Ended());
    }
}

/// <summary>The suite's callback checks, alike for both transports that wrap frames in a page's JavaScript callback.</summary>
public abstract class CallbackTransportTest(SockJsHostFixture fixture, string transport) : SockJsProtocolTest(fixture)
{
    [Fact]
    public async Task Without_a_callback_the_answer_is_500()
    {
        using var response = await Client.Get($"/echo/a/a/{transport}");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("\"callback\" parameter required", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("%20")]
    [InlineData("*")]
    [InlineData("abc(")]
    [InlineData("abc%28")]
    public async Task A_callback_with_characters_other_than_letters_digits_dash_underscore_and_dot_is_500(string callback)
    {
        using var response = await Client.Get($"/echo/a/a/{transport}?c=" + callback);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("invalid \"callback\" parameter", await response.Content.ReadAsStringAsync());
    }
}

[Collection(SockJsCollection.Name)]
public sealed class HtmlFile(SockJsHostFixture fixture) : CallbackTransportTest(fixture, "htmlfile")
{
    private const string Head = """
        <!doctype html>
        <html><head>
          <meta http-equiv="X-UA-Compatible" content="IE=edge" />
          <meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
        </head><body><h2>Don't panic!</h2>
          <script>
            document.domain = document.domain;
            var c = parent.callback;
            c.start();
            function p(d) {c.message(d);};
            window.onload = function() {c.stop();};
          </script>
        """;

    [Fact]
    public async Task The_page_is_padded_past_1_KiB_then_each_frame_is_a_script_calling_the_callback()
    {
        var session = Session();
        using var stream = await Client.Stream(HttpMethod.Get, session + "/htmlfile?c=%63allback");

        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        ContentType(stream.Response, "text/html;charset=UTF-8");
        NotCached(stream.Response);
        var page = await stream.Read(1028);
        Assert.Equal(Head.ReplaceLineEndings("\n"), page.Trim());
        Assert.Equal("<script>\np(\"o\");\n</script>\r\n", await stream.Read("<script>\np(\"o\");\n</script>\r\n"));
        using var sent = await Client.Post(session + "/xhr_send", "[\"x\"]");
        await Body(sent, HttpStatusCode.NoContent, "");
        const string message = "<script>\np(\"a[\\\"x\\\"]\");\n</script>\r\n";
        Assert.Equal(message, await stream.Read(message));
    }

    [Fact]
    public async Task The_response_ends_once_the_streaming_limit_of_bytes_was_written()
    {
        var session = Session();
        using var stream = await Client.Stream(HttpMethod.Get, session + "/htmlfile?c=callback");
        await stream.Read(1028);
        await stream.Read("<script>\np(\"o\");\n</script>\r\n");
        var message = new string('x', 4096);

        using var sent = await Client.Post(session + "/xhr_send", $"[\"{message}\"]");

        Assert.Equal(HttpStatusCode.NoContent, sent.StatusCode);
        var frame = $"<script>\np(\"a[\\\"{message}\\\"]\");\n</script>\r\n";
        Assert.Equal(frame, await stream.Read(frame));
        Assert.True(await stream.Ended());
    }
}

[Collection(SockJsCollection.Name)]
public sealed class JsonPolling(SockJsHostFixture fixture) : CallbackTransportTest(fixture, "jsonp")
{
    private static readonly (string, string) Form = ("Content-Type", "application/x-www-form-urlencoded");

    [Fact]
    public async Task Polls_call_the_callback_with_the_frame_and_sends_answer_ok()
    {
        var session = Session();

        using var opened = await Client.Get(session + "/jsonp?c=%63allback");
        using var sent = await Client.Post(session + "/jsonp_send", "d=%5B%22x%22%5D", Form);
        using var polled = await Client.Get(session + "/jsonp?c=%63allback");

        await Body(opened, HttpStatusCode.OK, "/**/callback(\"o\");\r\n");
        ContentType(opened, "application/javascript;charset=UTF-8");
        NotCached(opened);
        await Body(sent, HttpStatusCode.OK, "ok");
        ContentType(sent, "text/plain;charset=UTF-8");
        NotCached(sent);
        await Body(polled, HttpStatusCode.OK, "/**/callback(\"a[\\\"x\\\"]\");\r\n");
    }

    [Fact]
    public async Task Broken_json_or_no_payload_is_500_and_the_session_goes_on()
    {
        var session = Session();
        using var opened = await Client.Get(session + "/jsonp?c=x");

        using var broken = await Client.Post(session + "/jsonp_send", "d=%5B%22x", Form);
        Assert.Equal(HttpStatusCode.InternalServerError, broken.StatusCode);
        Assert.Contains("Broken JSON encoding.", await broken.Content.ReadAsStringAsync());
        foreach (var empty in new[] { "", "d=", "p=p" })
        {
            using var response = await Client.Post(session + "/jsonp_send", empty, Form);
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Contains("Payload expected.", await response.Content.ReadAsStringAsync());
        }
        using var good = await Client.Post(session + "/jsonp_send", "d=%5B%22b%22%5D", Form);
        using var polled = await Client.Get(session + "/jsonp?c=x");

        await Body(good, HttpStatusCode.OK, "ok");
        await Body(polled, HttpStatusCode.OK, "/**/x(\"a[\\\"b\\\"]\");\r\n");
    }

    [Fact]
    public async Task A_send_may_be_a_form_or_the_json_itself()
    {
        var session = Session();
        using var opened = await Client.Get(session + "/jsonp?c=x");

        using var form = await Client.Post(session + "/jsonp_send", "d=%5B%22abc%22%5D", Form);
        using var plain = await Client.Post(session + "/jsonp_send", "[\"%61bc\"]", ("Content-Type", "text/plain"));
        using var polled = await Client.Get(session + "/jsonp?c=x");

        await Body(form, HttpStatusCode.OK, "ok");
        await Body(plain, HttpStatusCode.OK, "ok");
        await Body(polled, HttpStatusCode.OK, "/**/x(\"a[\\\"abc\\\",\\\"%61bc\\\"]\");\r\n");
    }

    [Fact]
    public async Task A_closed_session_answers_its_close_frame_to_every_poll()
    {
        var session = Session("/close");

        using var opened = await Client.Get(session + "/jsonp?c=x");
        using var closed = await Client.Get(session + "/jsonp?c=x");
        using var again = await Client.Get(session + "/jsonp?c=x");

        await Body(opened, HttpStatusCode.OK, "/**/x(\"o\");\r\n");
        await Body(closed, HttpStatusCode.OK, "/**/x(\"c[3000,\\\"Go away!\\\"]\");\r\n");
        await Body(again, HttpStatusCode.OK, "/**/x(\"c[3000,\\\"Go away!\\\"]\");\r\n");
    }

    [Fact]
    public async Task A_send_of_no_messages_is_accepted()
    {
        var session = Session();
        using var opened = await Client.Get(session + "/jsonp?c=x");

        using var empty = await Client.Post(session + "/jsonp_send", "d=%5B%5D", Form);
        using var sent = await Client.Post(session + "/jsonp_send", "d=%5B%22x%22%5D", Form);
        using var polled = await Client.Get(session + "/jsonp?c=x");

        await Body(empty, HttpStatusCode.OK, "ok");
        await Body(sent, HttpStatusCode.OK, "ok");
        await Body(polled, HttpStatusCode.OK, "/**/x(\"a[\\\"x\\\"]\");\r\n");
    }
}

[Collection(SockJsCollection.Name)]
public sealed class JsessionIdCookie(SockJsHostFixture fixture) : SockJsProtocolTest(fixture)
{
    [Fact]
    public async Task Info_says_cookies_are_needed_and_sets_none()
    {
        using var response = await Client.Get("/cookie_needed_echo/info");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        NoCookie(response);
        Assert.True(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("cookie_needed").GetBoolean());
    }

    [Fact]
    public async Task A_poll_sets_a_dummy_JSESSIONID_or_echoes_the_clients()
    {
        using var fresh = await Client.Post(Session("/cookie_needed_echo") + "/xhr");
        using var echoed = await Client.Post(Session("/cookie_needed_echo") + "/xhr", null, ("Cookie", "JSESSIONID=abcdef"));

        await Body(fresh, HttpStatusCode.OK, "o\n");
        Cookie(fresh, "dummy");
        await Body(echoed, HttpStatusCode.OK, "o\n");
        Cookie(echoed, "abcdef");
    }

    [Theory]
    [InlineData("POST", "/xhr_streaming")]
    [InlineData("GET", "/eventsource")]
    [InlineData("GET", "/htmlfile?c=%63allback")]
    public async Task Streaming_transports_set_the_cookie(string method, string transport)
    {
        using var stream = await Client.Stream(new HttpMethod(method), Session("/cookie_needed_echo") + transport);

        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        Cookie(stream.Response, "dummy");
    }

    [Fact]
    public async Task Jsonp_polls_and_sends_set_the_cookie()
    {
        var session = Session("/cookie_needed_echo");

        using var opened = await Client.Get(session + "/jsonp?c=%63allback");
        using var sent = await Client.Post(session + "/jsonp_send", "d=%5B%22x%22%5D", ("Content-Type", "application/x-www-form-urlencoded"));

        await Body(opened, HttpStatusCode.OK, "/**/callback(\"o\");\r\n");
        Cookie(opened, "dummy");
        await Body(sent, HttpStatusCode.OK, "ok");
        Cookie(sent, "dummy");
    }

    [Fact]
    public async Task A_service_that_needs_no_cookie_sets_none()
    {
        using var response = await Client.Post(Session() + "/xhr");

        await Body(response, HttpStatusCode.OK, "o\n");
        NoCookie(response);
    }
}

[Collection(SockJsCollection.Name)]
public sealed class RawWebsocket(SockJsHostFixture fixture) : SockJsProtocolTest(fixture)
{
    [Fact]
    public async Task Messages_cross_without_sockjs_framing()
    {
        using var socket = await OpenWebSocket("/echo/websocket");

        await Send(socket, "Hello world!\uffff");

        Assert.Equal("Hello world!\uffff", await Receive(socket));
    }

    [Fact]
    public async Task A_session_the_application_closes_ends_with_a_websocket_close_saying_go_away()
    {
        using var socket = await OpenWebSocket("/close/websocket");

        var (status, reason) = await ExpectClosed(socket);

        Assert.Equal(3000, (int?)status);
        Assert.Equal("Go away!", reason);
    }
}

[Collection(SockJsCollection.Name)]
public sealed class JSONEncoding(SockJsHostFixture fixture) : SockJsProtocolTest(fixture)
{
    /// <summary>What the server must escape (above U+00FF): format characters, line separators and specials.</summary>
    private static readonly string ServerEscapes = string.Concat(Enumerable.Range(255, 65536 - 255).Select(code => (char)code).Where(character =>
        character is (>= '\u200c' and <= '\u200f') or (>= '\u2028' and <= '\u202f') or (>= '\u2060' and <= '\u206f') or >= '\ufff0'));

    /// <summary>What the client escapes (the main ranges of the suite's list): controls, quotes, combining marks, specials.</summary>
    private static readonly string ClientEscapes = string.Concat(Enumerable.Range(0, 65536).Select(code => (char)code).Where(character =>
        character is '"' or '\\' or <= '\u001f' or (>= '\u007f' and <= '\u009f') or '\u00ad' or (>= '\u0300' and <= '\u0333')
            or (>= '\u0600' and <= '\u0604') or '\u070f' or '\u17b4' or '\u17b5' or (>= '\u2000' and <= '\u20ff') or '\ufeff' or >= '\ufff0'));

    private static string Escaped(string text) => "\"" + string.Concat(text.Select(character => $"\\u{(int)character:x4}")) + "\"";

    [Fact]
    public async Task The_server_escapes_the_characters_browsers_mangle()
    {
        var session = Session();
        using var opened = await Client.Post(session + "/xhr");

        using var sent = await Client.Post(session + "/xhr_send", "[\"" + ServerEscapes + "\"]");
        using var polled = await Client.Post(session + "/xhr");

        Assert.Equal(HttpStatusCode.NoContent, sent.StatusCode);
        var body = (await polled.Content.ReadAsStringAsync()).Trim();
        Assert.Equal(Escaped(ServerEscapes), body[2..^1]);
    }

    [Fact]
    public async Task The_server_decodes_what_the_client_escapes()
    {
        var session = Session();
        using var opened = await Client.Post(session + "/xhr");

        using var sent = await Client.Post(session + "/xhr_send", "[" + Escaped(ClientEscapes) + "]");
        using var polled = await Client.Post(session + "/xhr");

        Assert.Equal(HttpStatusCode.NoContent, sent.StatusCode);
        var body = (await polled.Content.ReadAsStringAsync()).Trim();
        Assert.Equal(ClientEscapes, JsonSerializer.Deserialize<string>(body[2..^1]));
    }
}

[Collection(SockJsCollection.Name)]
public sealed class HandlingClose(SockJsHostFixture fixture) : SockJsProtocolTest(fixture)
{
    private const string AnotherConnection = "c[2010,\"Another connection still open\"]\n";

    [Fact]
    public async Task A_stream_ends_after_the_close_frame_and_the_next_gets_the_close_frame_again()
    {
        var session = Session("/close");
        using var first = await Client.Stream(HttpMethod.Post, session + "/xhr_streaming");
        await first.Read(2049);
        Assert.Equal("o\n", await first.Read("o\n"));
        Assert.Equal("c[3000,\"Go away!\"]\n", await first.Read("c[3000,\"Go away!\"]\n"));

        using var second = await Client.Stream(HttpMethod.Post, session + "/xhr_streaming");
        await second.Read(2049);

        Assert.Equal("c[3000,\"Go away!\"]\n", await second.Read("c[3000,\"Go away!\"]\n"));
        Assert.True(await first.Ended());
        Assert.True(await second.Ended());
    }

    [Fact]
    public async Task A_second_stream_gets_2010_and_ends_while_the_first_goes_on()
    {
        var session = Session();
        using var first = await Client.Stream(HttpMethod.Post, session + "/xhr_streaming");
        await first.Read(2049);
        Assert.Equal("o\n", await first.Read("o\n"));

        using var second = await Client.Stream(HttpMethod.Post, session + "/xhr_streaming");
        await second.Read(2049);

        Assert.Equal(AnotherConnection, await second.Read(AnotherConnection));
        Assert.True(await second.Ended());
        using var sent = await Client.Post(session + "/xhr_send", "[\"still\"]");
        Assert.Equal("a[\"still\"]\n", await first.Read("a[\"still\"]\n"));
    }

    [Fact]
    public async Task A_stream_the_client_aborts_ends_the_session_with_1002()
    {
        var session = Session();
        var first = await Client.Stream(HttpMethod.Post, session + "/xhr_streaming");
        await first.Read(2049);
        Assert.Equal("o\n", await first.Read("o\n"));

        first.Dispose();

        Assert.Equal("c[1002,\"Connection interrupted\"]", await ReceiveAfterAbort(session, "/xhr_streaming"));
    }

    [Fact]
    public async Task A_poll_the_client_aborts_ends_the_session_with_1002()
    {
        var session = Session();
        using var opened = await Client.Post(session + "/xhr");
        using var abort = new CancellationTokenSource();
        var waiting = Client.PendingPoll(session + "/xhr", abort.Token);
        await Task.Delay(250);
        using var refused = await Client.Post(session + "/xhr");
        await Body(refused, HttpStatusCode.OK, AnotherConnection);

        await abort.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        Assert.Equal("c[1002,\"Connection interrupted\"]", await ReceiveAfterAbort(session, "/xhr"));
    }

    /// <summary>The first frame a new receiving request gets once the server noticed the abort (until then it still sees the old one).</summary>
    private async Task<string> ReceiveAfterAbort(string session, string transport)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            using var stream = await Client.Stream(HttpMethod.Post, session + transport);
            if (transport == "/xhr_streaming")
                await stream.Read(2049);
            var frame = await stream.ReadLine();
            if (frame + "\n" != AnotherConnection || DateTime.UtcNow > deadline)
                return frame;
            await Task.Delay(100);
        }
    }
}

[Collection(SockJsCollection.Name)]
public sealed class Http10(SockJsHostFixture fixture) : SockJsProtocolTest(fixture)
{
    [Fact]
    public async Task The_greeting_over_http_1_0_has_a_content_length_and_no_chunking()
    {
        using var connection = await RawHttpConnection.Open(Host);

        await connection.Request("GET", "/echo", "1.0", Host.BaseAddress.Authority);
        var (status, headers) = await connection.ReadHead();

        Assert.Contains(" 200 ", status);
        Assert.False(headers.ContainsKey("transfer-encoding"));
        Assert.Equal("19", headers["content-length"]);
        Assert.Equal("Welcome to SockJS!\n", await connection.Read(19));
    }

    [Fact]
    public async Task A_stream_over_http_1_0_is_neither_chunked_nor_sized_and_ends_by_closing_the_connection()
    {
        using var connection = await RawHttpConnection.Open(Host);

        await connection.Request("POST", Session("/close") + "/xhr_streaming", "1.0", Host.BaseAddress.Authority);
        var (status, headers) = await connection.ReadHead();

        Assert.Contains(" 200 ", status);
        Assert.False(headers.ContainsKey("transfer-encoding"));
        Assert.False(headers.ContainsKey("content-length"));
        Assert.StartsWith("h", await connection.Read(2049));
        Assert.Equal("o\n", await connection.Read(2));
        Assert.Equal("c[3000,\"Go away!\"]\n", await connection.Read(19));
        Assert.True(await connection.Closed());
    }
}

[Collection(SockJsCollection.Name)]
public sealed class Http11(SockJsHostFixture fixture) : SockJsProtocolTest(fixture)
{
    [Fact]
    public async Task The_greeting_over_http_1_1_keeps_the_connection_for_the_next_request()
    {
        using var connection = await RawHttpConnection.Open(Host);

        await connection.Request("GET", "/echo", "1.1", Host.BaseAddress.Authority);
        var (_, headers) = await connection.ReadHead();
        Assert.Equal("19", headers["content-length"]);
        Assert.Equal("Welcome to SockJS!\n", await connection.Read(19));
        await connection.Request("GET", "/echo", "1.1", Host.BaseAddress.Authority);
        var (status, _) = await connection.ReadHead();

        Assert.Contains(" 200 ", status);
        Assert.NotEqual("close", headers.GetValueOrDefault("connection")?.ToLowerInvariant());
    }

    [Fact]
    public async Task A_stream_over_http_1_1_is_chunked_one_frame_a_chunk()
    {
        using var connection = await RawHttpConnection.Open(Host);

        await connection.Request("POST", Session("/close") + "/xhr_streaming", "1.1", Host.BaseAddress.Authority);
        var (status, headers) = await connection.ReadHead();

        Assert.Contains(" 200 ", status);
        Assert.Equal("chunked", headers["transfer-encoding"].ToLowerInvariant());
        Assert.False(headers.ContainsKey("content-length"));
        Assert.StartsWith("h", await connection.ReadChunk());
        Assert.Equal("o\n", await connection.ReadChunk());
        Assert.Equal("c[3000,\"Go away!\"]\n", await connection.ReadChunk());
        Assert.Equal("", await connection.ReadChunk());
    }
}
