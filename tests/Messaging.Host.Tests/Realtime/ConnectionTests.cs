using System.Text;
using Messaging.Actors.Stomp;
using Messaging.Host.Auth;
using Microsoft.Extensions.DependencyInjection;
using static Messaging.Host.Tests.Realtime.RealtimeHelpers;

namespace Messaging.Host.Tests.Realtime;

/// <summary>GET /ws: the WebSocket upgrade, subprotocol negotiation, CONNECT and every way of authenticating it.</summary>
[Collection(RealtimeConnectionsCollection.Name)]
public sealed class ConnectionTests(RealtimeHostFixture fixture)
{
    private MessagingHost Host => fixture.Host;

    [Fact]
    public async Task CONNECT_with_a_bearer_token_answers_CONNECTED_with_version_heart_beat_server_and_user_name()
    {
        var alice = await Host.CreateUser();
        await using var client = await StompTestClient.OpenAsync(Host);

        var connected = await client.ConnectAsync(Token(alice));

        Assert.Equal(StompCommand.Connected, connected.Command);
        Assert.Equal(
            new[] { KeyValuePair.Create("version", "1.2"), KeyValuePair.Create("heart-beat", "10000,10000"), KeyValuePair.Create("server", "messaging/1.0"), KeyValuePair.Create("user-name", alice.Id.ToString()) },
            connected.Headers.ToArray());
        Assert.True(connected.Body.IsEmpty);
        Assert.False(client.IsClosed);
    }

    [Fact]
    public async Task A_receipt_on_CONNECT_is_answered_after_CONNECTED()
    {
        var alice = await Host.CreateUser();
        await using var client = await StompTestClient.OpenAsync(Host);

        var connected = await client.ConnectAsync(Token(alice), ("receipt", "connect-1"));

        Assert.Equal(StompCommand.Connected, connected.Command);
        await client.ExpectReceiptAsync("connect-1");
    }

    [Fact]
    public async Task A_STOMP_1_1_client_is_answered_with_version_1_1()
    {
        var alice = await Host.CreateUser();
        await using var client = await StompTestClient.OpenAsync(Host, subProtocols: ["v11.stomp"]);
        await client.SendFrameAsync(StompFrame.Create(StompCommand.Connect,
            ("accept-version", "1.0,1.1"), ("host", "localhost"), ("Authorization", $"Bearer {Token(alice)}")));

        var connected = await client.ExpectFrameAsync(frame => frame.Command == StompCommand.Connected, "CONNECTED");

        Assert.Equal("1.1", connected.Header("version"));
        Assert.Equal("v11.stomp", client.SubProtocol);
    }

    [Fact]
    public async Task Of_the_offered_subprotocols_v12_stomp_is_chosen()
    {
        await using var client = await StompTestClient.OpenAsync(Host, subProtocols: ["v10.stomp", "v11.stomp", "v12.stomp"]);

        Assert.Equal("v12.stomp", client.SubProtocol);
    }

    [Fact]
    public async Task Unknown_subprotocols_next_to_a_STOMP_one_are_ignored()
    {
        await using var client = await StompTestClient.OpenAsync(Host, subProtocols: ["mqtt", "v11.stomp", "wamp.2.json"]);

        Assert.Equal("v11.stomp", client.SubProtocol);
    }

    [Fact]
    public async Task A_client_naming_no_subprotocol_is_accepted_and_speaks_STOMP()
    {
        var alice = await Host.CreateUser();
        await using var client = await StompTestClient.OpenAsync(Host, subProtocols: []);

        var connected = await client.ConnectAsync(Token(alice));

        Assert.True(string.IsNullOrEmpty(client.SubProtocol), $"no subprotocol was offered, yet '{client.SubProtocol}' was chosen");
        Assert.Equal(StompCommand.Connected, connected.Command);
    }

    [Fact]
    public async Task Offering_only_unknown_subprotocols_is_refused_with_400()
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => StompTestClient.OpenAsync(Host, subProtocols: ["mqtt", "v13.stomp"]));

        Assert.Contains("400", refused.Message);
    }

    [Fact]
    public async Task A_plain_GET_of_ws_is_the_SockJS_greeting()
    {
        using var http = Host.CreateClient();

        var response = await http.GetAsync("/ws");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Welcome to SockJS!\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_plain_GET_of_ws_websocket_is_a_400_problem()
    {
        using var http = Host.CreateClient();

        var response = await http.GetAsync("/ws/websocket");

        var problem = await response.ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Equal("this endpoint speaks STOMP over WebSocket: send a WebSocket upgrade request", problem.Str("detail"));
    }

    [Fact]
    public async Task CONNECT_without_any_token_is_an_ERROR_and_the_connection_is_closed()
    {
        await using var client = await StompTestClient.OpenAsync(Host);

        var error = await client.ConnectAsync(token: null);

        AssertError(error, "authentication required", "send a bearer token in the CONNECT frame's Authorization (or passcode) header");
        await client.ExpectClosedAsync();
    }

    public static TheoryData<string> BadTokens() =>
        ["garbage token", "forged signature", "expired token", "alg none token", "sub is not a UUID", "no expiry", "not valid yet"];

    private static string BadToken(JwtSettings jwt, string kind)
    {
        var user = Guid.NewGuid();
        var now = DateTime.UtcNow;
        return kind switch
        {
            "garbage token" => "this-is-not-a-jwt",
            "forged signature" => Tokens.Create(jwt, user.ToString(), signingKey: Tokens.OtherSigningKey),
            "expired token" => Tokens.Create(jwt, user.ToString(), notBefore: now.AddHours(-2), expires: now.AddMinutes(-5)),
            "alg none token" => Tokens.AlgNone(jwt, user),
            "sub is not a UUID" => Tokens.Create(jwt, "alice"),
            "no expiry" => Tokens.Create(jwt, user.ToString(), withExpiry: false),
            "not valid yet" => Tokens.Create(jwt, user.ToString(), notBefore: now.AddHours(1), expires: now.AddHours(2)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task CONNECT_with_a_bad_token_is_an_ERROR_and_the_connection_is_closed(string kind)
    {
        await using var client = await StompTestClient.OpenAsync(Host);

        var error = await client.ConnectAsync(BadToken(Host.Jwt, kind));

        AssertError(error, "authentication failed", "the bearer token is invalid or expired");
        await client.ExpectClosedAsync();
    }

    [Fact]
    public async Task A_bad_token_in_the_upgrade_request_is_an_ERROR_on_CONNECT()
    {
        await using var client = await StompTestClient.OpenAsync(Host,
            configureRequest: request => request.Headers.Authorization = $"Bearer {BadToken(Host.Jwt, "forged signature")}");

        var error = await client.ConnectAsync(token: null);

        AssertError(error, "authentication failed", "the bearer token is invalid or expired");
        await client.ExpectClosedAsync();
    }

    [Fact]
    public async Task A_heart_beat_too_large_for_a_timer_is_an_ERROR_naming_the_limit_and_a_close()
    {
        var alice = await Host.CreateUser();
        await using var client = await StompTestClient.OpenAsync(Host);

        await client.SendFrameAsync(StompFrame.Create(StompCommand.Connect,
            ("accept-version", "1.2"), ("heart-beat", "9223372036854775807,0"), ("Authorization", $"Bearer {Token(alice)}")));

        var error = await client.ExpectErrorAndCloseAsync();
        AssertError(error, "heart-beat out of range", "heart-beat intervals may be at most 3600000 ms, not 9223372036854775807,0");
    }

    [Fact]
    public async Task A_session_ends_with_an_ERROR_when_its_token_expires()
    {
        var alice = await Host.CreateUser();
        var expires = DateTime.UtcNow.AddSeconds(3);
        await using var client = await StompTestClient.OpenAsync(Host);
        Assert.Equal(StompCommand.Connected, (await client.ConnectAsync(Tokens.Create(Host.Jwt, alice.Id.ToString(), expires: expires))).Command);
        await client.SendFrameAsync(StompFrame.Create(StompCommand.Subscribe, ("id", "n"), ("destination", "/user/queue/notifications"), ("receipt", "while-valid")));
        await client.ExpectReceiptAsync("while-valid");

        var error = await client.ExpectErrorAndCloseAsync(TimeSpan.FromSeconds(10));

        AssertError(error, "token expired", "the bearer token has expired; connect again with a fresh one");
        // exp counts whole seconds, so the token may end up to a second before the time it was made for.
        Assert.True(DateTime.UtcNow >= expires.AddSeconds(-1), $"the session ended {(expires - DateTime.UtcNow).TotalSeconds:F1} s before its token expired");
    }

    [Fact]
    public async Task The_token_may_come_in_the_passcode_header()
    {
        var alice = await Host.CreateUser();
        await using var client = await StompTestClient.OpenAsync(Host);

        var connected = await client.ConnectAsync(token: null, ("login", "ignored"), ("passcode", Token(alice)));

        AssertConnectedAs(alice, connected);
    }

    [Fact]
    public async Task The_token_may_come_in_the_Authorization_header_of_the_upgrade_request()
    {
        var alice = await Host.CreateUser();
        await using var client = await StompTestClient.OpenAsync(Host, configureRequest: request => request.Headers.Authorization = $"Bearer {Token(alice)}");

        var connected = await client.ConnectAsync(token: null);

        AssertConnectedAs(alice, connected);
    }

    [Fact]
    public async Task The_token_may_come_in_the_access_token_query_parameter()
    {
        var alice = await Host.CreateUser();
        await using var client = await StompTestClient.OpenAsync(Host, path: $"/ws?access_token={Uri.EscapeDataString(Token(alice))}");

        var connected = await client.ConnectAsync(token: null);

        AssertConnectedAs(alice, connected);
    }

    [Fact]
    public async Task The_token_may_come_in_the_configured_cookie()
    {
        var alice = await Host.CreateUser();
        await using var client = await StompTestClient.OpenAsync(Host,
            configureRequest: request => request.Headers.Cookie = $"other=1; {RealtimeHostFixture.TokenCookie}={Token(alice)}");

        var connected = await client.ConnectAsync(token: null);

        AssertConnectedAs(alice, connected);
    }

    [Fact]
    public async Task A_cookie_with_another_name_is_no_token()
    {
        var alice = await Host.CreateUser();
        await using var client = await StompTestClient.OpenAsync(Host, configureRequest: request => request.Headers.Cookie = $"access_token={Token(alice)}");

        var error = await client.ConnectAsync(token: null);

        AssertError(error, "authentication required", "send a bearer token in the CONNECT frame's Authorization (or passcode) header");
        await client.ExpectClosedAsync();
    }

    [Fact]
    public async Task The_token_of_the_CONNECT_frame_wins_over_the_upgrade_request()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        await using var client = await StompTestClient.OpenAsync(Host, configureRequest: request => request.Headers.Authorization = $"Bearer {Token(bob)}");

        var connected = await client.ConnectAsync(Token(alice));

        AssertConnectedAs(alice, connected);
    }

    [Fact]
    public async Task A_frame_before_CONNECT_is_an_ERROR_and_the_connection_is_closed()
    {
        await using var client = await StompTestClient.OpenAsync(Host);

        await client.SendSubscribeAsync(Destination.Notifications, "sub-1");

        AssertError(await client.ExpectErrorAndCloseAsync(), "not connected", "the first frame must be CONNECT, not SUBSCRIBE");
    }

    [Fact]
    public async Task An_unsupported_STOMP_version_is_an_ERROR_naming_the_supported_ones()
    {
        var alice = await Host.CreateUser();
        await using var client = await StompTestClient.OpenAsync(Host);
        await client.SendFrameAsync(StompFrame.Create(StompCommand.Connect, ("accept-version", "2.0"), ("host", "localhost"), ("Authorization", $"Bearer {Token(alice)}")));

        var error = await client.ExpectErrorAndCloseAsync();

        Assert.Equal("unsupported protocol version", error.Header("message"));
        Assert.Equal("1.0,1.1,1.2", error.Header("version"));
    }

    [Fact]
    public async Task DISCONNECT_with_a_receipt_is_answered_and_then_the_server_closes()
    {
        var alice = await Host.CreateUser();
        await using var client = await StompTestClient.ConnectAsync(alice);

        await client.SendFrameAsync(StompFrame.Create(StompCommand.Disconnect, ("receipt", "bye-1")));

        await client.ExpectReceiptAsync("bye-1");
        await client.ExpectClosedAsync();
    }

    [Theory]
    [InlineData("with content-length")]
    [InlineData("NUL-terminated")]
    public async Task An_oversized_frame_is_an_ERROR_and_closes_only_that_connection(string framing)
    {
        var (alice, bob, conversationId, _) = await Conversation(Host);
        await using var bystander = await StompTestClient.ConnectWithQueuesAsync(bob, "bob");
        await using var flooder = await StompTestClient.ConnectAsync(alice, "alice");
        var limit = Host.Services.GetRequiredService<StompSettings>().MaxFrameBytes;
        var body = JsonSerializer.Serialize(new { conversationId, text = new string('x', limit) }); // the frame is over the limit

        if (framing == "with content-length")
            await flooder.SendAsync("/app/message.send", body, receipt: "too-big");
        else
            await flooder.SendRawAsync(Encoding.UTF8.GetBytes($"SEND\ndestination:/app/message.send\nreceipt:too-big\n\n{body}\0"));

        var error = await flooder.ExpectErrorAndCloseAsync();
        if (framing == "with content-length")
            AssertError(error, "malformed frame (InvalidContentLength)", $"content-length '{Encoding.UTF8.GetByteCount(body)}' is not a byte count of at most {limit}.");
        else
            AssertError(error, "malformed frame (FrameTooLarge)", $"A frame may be at most {limit} bytes.");
        Assert.Empty(flooder.Unclaimed());
        await bystander.SendAsync("/app/message.send", new { conversationId, text = "still here" }, receipt: "after-flood");
        await bystander.ExpectReceiptAsync("after-flood");
        Assert.Equal(["Is this still available?", "still here"], (await bob.History(conversationId)).Texts());
    }

    private static void AssertConnectedAs(TestUser user, StompFrame connected)
    {
        Assert.True(connected.Command == StompCommand.Connected, $"expected CONNECTED, got {StompTestClient.Describe(connected)}");
        Assert.Equal(user.Id.ToString(), connected.Header("user-name"));
    }
}
