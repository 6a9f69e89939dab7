using Messaging.Actors.Doors;
using Messaging.Actors.Stomp;
using Xunit.Abstractions;
using static Messaging.Actors.Tests.Fixtures;

namespace Messaging.Actors.Tests.Stomp;

/// <summary>How a <see cref="StompSession"/> opens: version and heart-beat negotiation, and where the bearer token comes from.</summary>
public sealed class StompSessionConnectSpecs(ITestOutputHelper output) : StompSessionFixture(output, nameof(StompSessionConnectSpecs))
{
    private static readonly StompSettings FiveSecondBeats = QuietSettings with { ServerHeartBeat = TimeSpan.FromSeconds(5) };

    // ---- CONNECTED ----

    [Fact]
    public void Connected_chooses_1_2_from_the_offered_versions_and_names_heart_beat_server_and_user()
    {
        var session = StartSession(FiveSecondBeats);

        Feed(session, Frame("CONNECT", "", ("accept-version", "1.0,1.1,1.2"), ("host", "localhost"), ("heart-beat", "0,0"), ("Authorization", $"Bearer {BuyerToken}")));

        var connected = ExpectFrame(StompCommand.Connected);
        Assert.Equal(
            [("version", "1.2"), ("heart-beat", "5000,5000"), ("server", "messaging/1.0"), ("user-name", Buyer.ToString())],
            connected.Headers.Select(header => (header.Key, header.Value)));
        Assert.Equal([BuyerToken], ValidatedTokens);
        Assert.False(Transport.IsClosed);
    }

    [Fact]
    public void Connect_offering_1_1_and_1_0_gets_1_1()
    {
        var session = StartSession();

        Feed(session, Frame("CONNECT", "", ("accept-version", "1.0, 1.1"), ("Authorization", $"Bearer {BuyerToken}")));

        Assert.Equal("1.1", ExpectFrame(StompCommand.Connected).Header("version"));
    }

    [Fact]
    public void Connect_without_accept_version_speaks_1_0()
    {
        var session = StartSession();

        Feed(session, Frame("CONNECT", "", ("login", "jane"), ("passcode", BuyerToken)));

        var connected = ExpectFrame(StompCommand.Connected);
        Assert.Equal("1.0", connected.Header("version"));
        Assert.Equal("0,0", connected.Header("heart-beat"));
    }

    [Fact]
    public void Connect_offering_only_unsupported_versions_gets_an_error_naming_the_supported_ones()
    {
        var session = StartSession();
        Watch(session);

        Feed(session, Frame("CONNECT", "", ("accept-version", "2.0"), ("Authorization", $"Bearer {BuyerToken}")));

        var error = ExpectFrame(StompCommand.Error);
        Assert.Equal("unsupported protocol version", error.Header("message"));
        Assert.Equal("1.0,1.1,1.2", error.Header("version"));
        Assert.Equal("supported versions are 1.0,1.1,1.2", error.BodyText);
        ExpectClosed();
        ExpectTerminated(session);
        Assert.Empty(ValidatedTokens);
    }

    [Fact]
    public void Stomp_command_connects_like_connect()
    {
        var session = StartSession();

        Feed(session, Frame("STOMP", "", ("accept-version", "1.2"), ("host", "localhost"), ("Authorization", $"Bearer {SellerToken}")));

        Assert.Equal(Seller.ToString(), ExpectFrame(StompCommand.Connected).Header("user-name"));
    }

    [Fact]
    public void Connect_with_a_receipt_header_gets_connected_then_the_receipt()
    {
        var session = StartSession();

        Feed(session, Frame("CONNECT", "", ("accept-version", "1.2"), ("Authorization", $"Bearer {BuyerToken}"), ("receipt", "hello")));

        ExpectFrame(StompCommand.Connected);
        ExpectReceipt("hello");
    }

    [Fact]
    public void Frames_arriving_with_the_connect_wait_for_the_token_check_and_are_then_handled_in_order()
    {
        var validation = new TaskCompletionSource<ValidToken?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var session = StartSession(validator: (_, _) => validation.Task);

        Feed(session,
            Frame("CONNECT", "", ("accept-version", "1.2"), ("Authorization", $"Bearer {BuyerToken}"))
            + Frame("SUBSCRIBE", "", ("id", "errors"), ("destination", Destination.Errors), ("receipt", "first"))
            + Frame("ACK", "", ("id", "x"), ("receipt", "second")));
        ExpectNothingWritten();

        validation.SetResult(new ValidToken(BuyerCaller, null));
        ExpectFrame(StompCommand.Connected);
        ExpectReceipt("first");
        ExpectReceipt("second");
    }

    // ---- where the token comes from ----

    [Fact]
    public void Token_is_taken_from_the_authorization_header_before_passcode_and_upgrade_token()
    {
        var session = StartSession(upgradeToken: StrangerToken);

        Feed(session, Frame("CONNECT", "", ("accept-version", "1.2"), ("Authorization", $"Bearer {BuyerToken}"), ("passcode", SellerToken)));

        Assert.Equal(Buyer.ToString(), ExpectFrame(StompCommand.Connected).Header("user-name"));
        Assert.Equal([BuyerToken], ValidatedTokens);
    }

    [Fact]
    public void Token_is_taken_from_a_lower_case_authorization_header_with_any_case_of_bearer()
    {
        var session = StartSession();

        Feed(session, Frame("CONNECT", "", ("accept-version", "1.2"), ("authorization", $"bearer  {SellerToken} ")));

        Assert.Equal(Seller.ToString(), ExpectFrame(StompCommand.Connected).Header("user-name"));
        Assert.Equal([SellerToken], ValidatedTokens);
    }

    [Fact]
    public void Token_is_taken_from_passcode_before_the_upgrade_token()
    {
        var session = StartSession(upgradeToken: BuyerToken);

        Feed(session, Frame("CONNECT", "", ("accept-version", "1.2"), ("login", "john"), ("passcode", SellerToken)));

        Assert.Equal(Seller.ToString(), ExpectFrame(StompCommand.Connected).Header("user-name"));
        Assert.Equal([SellerToken], ValidatedTokens);
    }

    [Fact]
    public void Token_of_the_upgrade_request_is_used_when_connect_carries_none()
    {
        var session = StartSession(upgradeToken: SellerToken);

        Feed(session, Frame("CONNECT", "", ("accept-version", "1.2"), ("host", "localhost")));

        Assert.Equal(Seller.ToString(), ExpectFrame(StompCommand.Connected).Header("user-name"));
        Assert.Equal([SellerToken], ValidatedTokens);
    }

    [Fact]
    public void Connect_without_any_token_is_refused_and_closed()
    {
        var session = StartSession();

        Feed(session, Frame("CONNECT", "", ("accept-version", "1.2"), ("host", "localhost")));

        var detail = ExpectFailure(session, "authentication required");
        Assert.Equal("send a bearer token in the CONNECT frame's Authorization (or passcode) header", detail);
        Assert.Empty(ValidatedTokens);
    }

    [Fact]
    public void Connect_with_an_invalid_token_is_refused_and_closed()
    {
        var session = StartSession();

        Feed(session, Frame("CONNECT", "", ("accept-version", "1.2"), ("Authorization", "Bearer forged")));

        Assert.Equal("the bearer token is invalid or expired", ExpectFailure(session, "authentication failed"));
        Assert.Equal(["forged"], ValidatedTokens);
    }

    [Fact]
    public void Connect_whose_token_check_fails_is_refused_and_closed()
    {
        var session = StartSession(validator: (_, _) => Task.FromException<ValidToken?>(new InvalidOperationException("OIDC metadata unreachable")));

        Feed(session, Frame("CONNECT", "", ("accept-version", "1.2"), ("Authorization", $"Bearer {BuyerToken}")));

        ExpectFailure(session, "authentication failed");
    }

    [Fact]
    public void Connect_with_a_malformed_heart_beat_header_is_refused_and_closed()
    {
        var session = StartSession();

        Feed(session, Frame("CONNECT", "", ("accept-version", "1.2"), ("heart-beat", "10000"), ("Authorization", $"Bearer {BuyerToken}")));

        Assert.Equal("heart-beat must be two non-negative integers, e.g. 10000,10000", ExpectFailure(session, "malformed heart-beat header"));
    }

    [Theory]
    [InlineData("9223372036854775807,0")]
    [InlineData("0,99999999999999999999")]
    [InlineData("3600001,10000")]
    public void Connect_with_a_heart_beat_past_an_hour_is_refused_with_an_error_and_closed(string heartBeat)
    {
        var session = StartSession(FiveSecondBeats);

        EventFilter.Exception<Exception>().Expect(0, Wait, () =>
        {
            Feed(session, Frame("CONNECT", "", ("accept-version", "1.2"), ("heart-beat", heartBeat), ("Authorization", $"Bearer {BuyerToken}")));

            Assert.Equal($"heart-beat intervals may be at most 3600000 ms, not {heartBeat}", ExpectFailure(session, "heart-beat out of range"));
        });
    }

    [Fact]
    public void Connect_with_a_heart_beat_of_exactly_an_hour_is_accepted()
    {
        var session = StartSession(FiveSecondBeats);

        Feed(session, Frame("CONNECT", "", ("accept-version", "1.2"), ("heart-beat", "3600000,3600000"), ("Authorization", $"Bearer {BuyerToken}")));

        Assert.Equal("5000,5000", ExpectFrame(StompCommand.Connected).Header("heart-beat"));
        Assert.False(Transport.IsClosed);
    }

    // ---- the token's lifetime ----

    [Fact]
    public void Session_ends_with_an_error_when_its_token_expires()
    {
        var expires = DateTime.UtcNow.AddMilliseconds(800);
        var session = StartSession(validator: (_, _) => Task.FromResult<ValidToken?>(new ValidToken(BuyerCaller, expires)));
        Feed(session, Frame("CONNECT", "", ("accept-version", "1.2"), ("Authorization", $"Bearer {BuyerToken}")));
        ExpectFrame(StompCommand.Connected);

        Assert.Equal("the bearer token has expired; connect again with a fresh one", ExpectFailure(session, "token expired", TimeSpan.FromSeconds(5)));
        Assert.True(DateTime.UtcNow >= expires, $"the session ended {(expires - DateTime.UtcNow).TotalMilliseconds} ms before its token expired");
    }

    [Fact]
    public void Session_whose_token_expires_later_stays_open_until_then()
    {
        var session = StartSession(validator: (_, _) => Task.FromResult<ValidToken?>(new ValidToken(BuyerCaller, DateTime.UtcNow.AddMinutes(5))));
        Feed(session, Frame("CONNECT", "", ("accept-version", "1.2"), ("Authorization", $"Bearer {BuyerToken}")));
        ExpectFrame(StompCommand.Connected);

        Feed(session, Frame("ACK", "", ("id", "1"), ("receipt", "still-here")));

        ExpectReceipt("still-here");
        ExpectNothingWritten(TimeSpan.FromMilliseconds(500));
        Assert.False(Transport.IsClosed);
    }

    // ---- before and after CONNECT ----

    [Fact]
    public void Frame_before_connect_is_refused_and_closed()
    {
        var session = StartSession();

        Feed(session, Frame("SUBSCRIBE", "", ("id", "n"), ("destination", Destination.Notifications)));

        Assert.Equal("the first frame must be CONNECT, not SUBSCRIBE", ExpectFailure(session, "not connected"));
        Mediator.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Send_before_connect_is_refused_without_asking_anyone()
    {
        var session = StartSession();

        Feed(session, Frame("SEND", $$"""{"conversationId":"{{CameraChat}}","text":"hi"}""", ("destination", "/app/message.send")));

        Assert.Equal("the first frame must be CONNECT, not SEND", ExpectFailure(session, "not connected"));
        Inboxes.ExpectNoMsg(Quiet);
        Conversations.ExpectNoMsg(TimeSpan.Zero);
    }

    [Fact]
    public void No_connect_within_the_connect_timeout_is_an_error_and_a_close()
    {
        var session = StartSession(QuietSettings with { ConnectTimeout = TimeSpan.FromMilliseconds(300) });
        Watch(session);

        ExpectNothingWritten(TimeSpan.FromMilliseconds(150));
        // The detail rounds the timeout to whole seconds ("within 0 s" here); production timeouts are seconds long.
        Assert.StartsWith("a CONNECT frame must arrive within ", ExpectError("no CONNECT frame", TimeSpan.FromSeconds(2)));
        ExpectClosed();
        ExpectTerminated(session);
    }

    [Fact]
    public void Connect_timeout_does_not_fire_once_connected()
    {
        var session = StartSession(QuietSettings with { ConnectTimeout = TimeSpan.FromMilliseconds(200) });
        Feed(session, Frame("CONNECT", "", ("accept-version", "1.2"), ("Authorization", $"Bearer {BuyerToken}")));
        ExpectFrame(StompCommand.Connected);

        ExpectNothingWritten(TimeSpan.FromMilliseconds(500));
        Assert.False(Transport.IsClosed);
    }

    [Fact]
    public void Second_connect_is_refused_and_closed()
    {
        var session = ConnectedSession();

        Feed(session, Frame("CONNECT", "", ("accept-version", "1.2"), ("Authorization", $"Bearer {SellerToken}")));

        Assert.Equal("CONNECT may be sent only once", ExpectFailure(session, "already connected"));
    }

    [Fact]
    public void Server_frame_from_the_client_is_refused_and_closed()
    {
        var session = ConnectedSession();

        Feed(session, Frame("MESSAGE", "hi", ("destination", "/topic/x")));

        Assert.Equal("MESSAGE is sent by servers only", ExpectFailure(session, "not a client frame"));
    }
}
