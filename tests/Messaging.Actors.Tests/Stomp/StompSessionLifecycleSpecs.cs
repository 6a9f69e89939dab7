using System.Diagnostics;
using System.Text;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Messaging.Actors.Stomp;
using Xunit.Abstractions;
using static Messaging.Actors.Conversations.ConversationEvents;
using static Messaging.Actors.Tests.Fixtures;

namespace Messaging.Actors.Tests.Stomp;

/// <summary>How a <see cref="StompSession"/> ends: on DISCONNECT, on bad or oversized input, on a client that stops reading or goes silent, and with its transport.</summary>
public sealed class StompSessionLifecycleSpecs(ITestOutputHelper output) : StompSessionFixture(output, nameof(StompSessionLifecycleSpecs))
{
    private static readonly StompSettings FastBeats = QuietSettings with { ServerHeartBeat = TimeSpan.FromMilliseconds(200), HeartBeatGrace = 2 };

    /// <summary>A tolerance of 5 x 200 ms for beats sent every 100 ms: wide enough that a loaded test machine never drops a beating client.</summary>
    private static readonly StompSettings TolerantBeats = FastBeats with { HeartBeatGrace = 5 };

    // ---- DISCONNECT and the transport ----

    [Fact]
    public void Disconnect_with_a_receipt_is_receipted_then_closed()
    {
        var session = ConnectedSession();
        Watch(session);

        Feed(session, Frame("DISCONNECT", "", ("receipt", "77")));

        ExpectReceipt("77");
        ExpectClosed();
        ExpectTerminated(session);
    }

    [Fact]
    public void Frames_after_disconnect_are_not_handled()
    {
        var session = ConnectedSession();
        Watch(session);

        Feed(session, Frame("DISCONNECT", "") + Frame("SUBSCRIBE", "", ("id", "n"), ("destination", Destination.Notifications), ("receipt", "late")));

        ExpectClosed();
        ExpectTerminated(session);
        Mediator.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Transport_closed_stops_the_session_and_leaves_its_topics()
    {
        var session = ConnectedSession();
        var subscriber = SubscribeNotifications(session);
        Watch(session);

        session.Tell(StompSession.TransportClosed.Instance);

        ExpectTerminated(session);
        var unsubscribe = Mediator.ExpectMsg<Unsubscribe>(Wait);
        Assert.Equal(($"user.{Buyer}", session), (unsubscribe.Topic, unsubscribe.Ref));
        ExpectClosed(); // PostStop closes the transport too; writing what is queued is the transport's business
    }

    // ---- bad input ----

    [Fact]
    public void Garbage_is_an_error_naming_the_problem_and_a_close()
    {
        var session = ConnectedSession();

        Feed(session, "HELLO\nfoo:bar\n\n\0");

        Assert.Equal("Unknown command 'HELLO'.", ExpectFailure(session, "malformed frame (UnknownCommand)"));
    }

    [Fact]
    public void Garbage_before_connect_is_an_error_and_a_close_too()
    {
        var session = StartSession();

        Feed(session, [0x16, 0x03, 0x01, 0x02, 0x00, (byte)'\n']); // a TLS hello on a plain socket

        var detail = ExpectFailure(session, "malformed frame (UnknownCommand)");
        Assert.StartsWith("Unknown command", detail);
        Assert.Empty(ValidatedTokens);
    }

    [Fact]
    public void Header_without_a_colon_is_an_error_naming_the_problem_and_a_close()
    {
        var session = ConnectedSession();

        Feed(session, "SEND\ndestination /app/message.send\n\n{}\0");

        Assert.Equal("Header line 'destination /app/message.send' has no ':'.", ExpectFailure(session, "malformed frame (MalformedHeader)"));
        Inboxes.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Oversized_frame_is_an_error_naming_the_limit_and_a_close()
    {
        var session = ConnectedSession(QuietSettings with { MaxFrameBytes = 1024 });

        Feed(session, Frame("SEND", new string('x', 2000), ("destination", "/app/message.send")));

        Assert.Equal("A frame may be at most 1024 bytes.", ExpectFailure(session, "malformed frame (FrameTooLarge)"));
        Inboxes.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Oversized_frame_arriving_in_pieces_is_refused_as_soon_as_it_passes_the_limit()
    {
        var session = ConnectedSession(QuietSettings with { MaxFrameBytes = 1024 });
        Feed(session, "SEND\ndestination:/app/message.send\n\n" + new string('x', 900));
        ExpectNothingWritten();

        Feed(session, new string('x', 200));

        Assert.Equal("A frame may be at most 1024 bytes.", ExpectFailure(session, "malformed frame (FrameTooLarge)"));
    }

    [Fact]
    public void Content_length_past_the_limit_is_refused_before_the_body_arrives()
    {
        var session = ConnectedSession(QuietSettings with { MaxFrameBytes = 1024 });

        Feed(session, "SEND\ndestination:/app/message.send\ncontent-length:5000\n\n");

        Assert.Equal("content-length '5000' is not a byte count of at most 1024.", ExpectFailure(session, "malformed frame (InvalidContentLength)"));
    }

    [Fact]
    public void Too_many_headers_is_an_error_naming_the_limit_and_a_close()
    {
        var session = ConnectedSession(QuietSettings with { MaxHeaders = 4 });
        var headers = string.Concat(Enumerable.Range(1, 5).Select(n => $"h{n}:v\n"));

        Feed(session, $"ACK\n{headers}\n\0");

        Assert.Equal("A frame may carry at most 4 headers.", ExpectFailure(session, "malformed frame (TooManyHeaders)"));
    }

    [Fact]
    public void Frames_piling_up_behind_a_pending_send_stop_the_reading_until_half_of_them_are_handled()
    {
        var session = ConnectedSession(QuietSettings with { MaxQueuedFrames = 4 });
        Feed(session, Frame("SEND", $$"""{"conversationId":"{{CameraChat}}","text":"one"}""", ("destination", "/app/message.send")));
        Inboxes.ExpectMsg<Messaging.Actors.Conversations.ConversationCommands.SendMessage>(Wait); // unanswered for now: the session is busy

        Feed(session, string.Concat(Enumerable.Repeat(Frame("ACK", "", ("id", "1")), 3)));
        AwaitAssert(() => Assert.True(Transport.IsReceiving), Wait);
        Feed(session, Frame("ACK", "", ("id", "1"), ("receipt", "fourth")));
        AwaitAssert(() => Assert.False(Transport.IsReceiving), Wait);
        ExpectNothingWritten();

        Inboxes.Reply(new Messaging.Actors.Conversations.ConversationReplies.MessageAccepted(BuyerMessage(1, "one")));

        ExpectReceipt("fourth"); // every queued frame is handled, none refused
        AwaitAssert(() => Assert.True(Transport.IsReceiving), Wait);
        Assert.False(Transport.IsClosed);
    }

    // ---- a client that stops reading ----

    [Fact]
    public void Client_that_stops_reading_is_closed_without_crashing_the_session()
    {
        var session = ConnectedSession();
        var notifications = SubscribeNotifications(session);
        Watch(session);

        Transport.RefuseWrites();
        EventFilter.Exception<Exception>().Expect(0, TimeSpan.FromSeconds(2), () =>
        {
            notifications.Publish(new MessageSent(CameraChat, SellerReply()));

            Assert.StartsWith("MESSAGE\n", Encoding.UTF8.GetString(TransportProbe.ExpectMsg<TransportCalls.Refused>(Wait).Bytes));
            ExpectClosed();
            ExpectTerminated(session);
        });
        Assert.Equal($"user.{Buyer}", Mediator.ExpectMsg<Unsubscribe>(Wait).Topic);
    }

    [Fact]
    public void Refused_receipt_closes_the_session_before_it_handles_the_next_frame()
    {
        var session = ConnectedSession();
        Watch(session);
        Transport.RefuseWrites();

        Feed(session, Frame("ACK", "", ("id", "1"), ("receipt", "a")) + Frame("SUBSCRIBE", "", ("id", "n"), ("destination", Destination.Notifications)));

        TransportProbe.ExpectMsg<TransportCalls.Refused>(Wait);
        ExpectClosed();
        ExpectTerminated(session);
        Mediator.ExpectNoMsg(Quiet);
    }

    // ---- heart-beats ----

    [Fact]
    public void Server_beats_at_the_negotiated_interval_and_drops_a_client_silent_past_the_grace()
    {
        var session = StartSession(FastBeats);
        Watch(session);
        var sinceConnect = Stopwatch.StartNew();
        Feed(session, Frame("CONNECT", "", ("accept-version", "1.2"), ("heart-beat", "100,100"), ("Authorization", $"Bearer {BuyerToken}")));
        Assert.Equal("200,200", ExpectFrame(StompCommand.Connected).Header("heart-beat"));

        // Both ways at max(200, 100) = 200 ms; the client is given 2 x 200 ms of silence, and beaten to meanwhile.
        var beats = 0;
        object call;
        while ((call = TransportProbe.ExpectMsg<object>(TimeSpan.FromSeconds(2))) is TransportCalls.Written { IsHeartBeat: true })
            beats++;
        var silence = sinceConnect.Elapsed;

        Assert.True(beats >= 1, "no heart-beat was written before the session gave up on the client");
        Assert.True(silence >= TimeSpan.FromMilliseconds(400), $"dropped after {silence.TotalMilliseconds} ms, before 2 x 200 ms of silence");
        var error = Assert.Single(new StompDecoder(new StompLimits()).Decode(Assert.IsType<TransportCalls.Written>(call).Bytes));
        Assert.Equal((StompCommand.Error, "heart-beat timeout"), (error.Command, error.Header("message")));
        Assert.StartsWith("nothing received for ", error.BodyText);
        ExpectClosed();
        ExpectTerminated(session);
    }

    [Fact]
    public void Client_that_keeps_beating_stays_connected_until_it_stops()
    {
        var session = StartSession(TolerantBeats);
        Watch(session);
        // The client beats every 100 ms from the scheduler's own thread, from before its CONNECT (end-of-lines may
        // precede a frame), so neither a busy test machine nor a slow test thread leaves a gap in its beats.
        var beating = Sys.Scheduler.ScheduleTellRepeatedlyCancelable(
            TimeSpan.Zero, TimeSpan.FromMilliseconds(100), session, new StompSession.Received("\n"u8.ToArray()), ActorRefs.NoSender);
        Feed(session, Frame("CONNECT", "", ("accept-version", "1.2"), ("heart-beat", "100,0"), ("Authorization", $"Bearer {BuyerToken}")));
        ExpectFrame(StompCommand.Connected);

        TransportProbe.ExpectNoMsg(TimeSpan.FromMilliseconds(2000)); // twice the 1 s tolerance; the client wants no beats, so nothing at all
        Assert.False(Transport.IsClosed);

        beating.Cancel();
        ExpectError("heart-beat timeout", TimeSpan.FromSeconds(3));
        ExpectClosed();
        ExpectTerminated(session);
    }

    [Fact]
    public void Client_that_offers_no_beats_is_never_dropped_for_silence()
    {
        var session = StartSession(FastBeats);
        Feed(session, Frame("CONNECT", "", ("accept-version", "1.2"), ("heart-beat", "0,0"), ("Authorization", $"Bearer {BuyerToken}")));
        Assert.Equal("200,200", ExpectFrame(StompCommand.Connected).Header("heart-beat"));

        TransportProbe.ExpectNoMsg(TimeSpan.FromMilliseconds(900));
        Assert.False(Transport.IsClosed);
    }

    [Fact]
    public void Server_without_heart_beats_neither_beats_nor_checks()
    {
        var session = StartSession(QuietSettings);
        Feed(session, Frame("CONNECT", "", ("accept-version", "1.2"), ("heart-beat", "100,100"), ("Authorization", $"Bearer {BuyerToken}")));
        Assert.Equal("0,0", ExpectFrame(StompCommand.Connected).Header("heart-beat"));

        TransportProbe.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        Assert.False(Transport.IsClosed);
    }
}
