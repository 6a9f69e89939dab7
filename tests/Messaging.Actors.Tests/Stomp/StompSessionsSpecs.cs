using Akka.Actor;
using Akka.TestKit;
using Messaging.Actors.Stomp;
using Xunit.Abstractions;

namespace Messaging.Actors.Tests.Stomp;

/// <summary>
/// The parent of the sessions (<see cref="StompSessions"/>): a failed session is stopped and its transport closed,
/// never restarted; and it bounds the sessions one user, and the node, may hold.
/// </summary>
public sealed class StompSessionsSpecs(ITestOutputHelper output) : StompSessionFixture(output, nameof(StompSessionsSpecs))
{
    private static readonly StompSettings TwoPerUserFourInAll = QuietSettings with { MaxConnectionsPerUser = 2, MaxConnections = 4 };

    // ---- a session that fails ----

    [Fact]
    public void Session_that_throws_tells_the_client_closes_its_transport_and_is_stopped_not_restarted()
    {
        var session = StartSession(validator: (_, _) => throw new InvalidOperationException("validator bug"));
        Watch(session);

        EventFilter.Exception<InvalidOperationException>("validator bug").ExpectOne(() =>
            Feed(session, Frame("CONNECT", "", ("accept-version", "1.2"), ("Authorization", $"Bearer {BuyerToken}"))));

        Assert.Equal("the server failed to handle this connection; connect again", ExpectError("internal error"));
        ExpectClosed();
        ExpectTerminated(session);
    }

    [Fact]
    public void Session_that_throws_after_the_client_stopped_reading_still_closes_its_transport()
    {
        var session = StartSession(validator: (_, _) => throw new InvalidOperationException("validator bug"));
        Watch(session);
        Transport.RefuseWrites();

        EventFilter.Exception<InvalidOperationException>("validator bug").ExpectOne(() =>
            Feed(session, Frame("CONNECT", "", ("accept-version", "1.2"), ("Authorization", $"Bearer {BuyerToken}"))));

        TransportProbe.ExpectMsg<TransportCalls.Refused>(Wait);
        ExpectClosed();
        ExpectTerminated(session);
    }

    // ---- the node shutting down ----

    [Fact]
    public void Every_session_ends_with_an_error_its_client_can_reconnect_from_when_the_node_stops()
    {
        var session = ConnectedSession();
        Watch(session);

        Sys.ActorSelection(session.Path.Parent).Tell(StompSessions.NodeStopping.Instance); // the parent tells its children

        Assert.Equal("this node is shutting down: connect again to reach another one", ExpectError("server shutting down"));
        ExpectClosed();
        ExpectTerminated(session);
    }

    // ---- connection limits ----

    [Fact]
    public void A_user_past_the_per_user_limit_gets_an_error_naming_it_and_is_closed()
    {
        var parent = StartParent(TwoPerUserFourInAll);
        ExpectConnected(Connect(parent, BuyerToken));
        ExpectConnected(Connect(parent, BuyerToken));

        var third = Connect(parent, BuyerToken);

        var error = third.NextFrame();
        Assert.Equal((StompCommand.Error, "too many connections"), (error.Command, error.Header("message")));
        Assert.Equal("at most 2 connections per user (Stomp__MaxConnectionsPerUser)", error.BodyText);
        third.Probe.ExpectMsg<TransportCalls.Closed>(Wait);
        Assert.Equal(2, AdmittedBy(parent));
    }

    [Fact]
    public void The_per_user_limit_leaves_other_users_alone()
    {
        var parent = StartParent(TwoPerUserFourInAll);
        ExpectConnected(Connect(parent, BuyerToken));
        ExpectConnected(Connect(parent, BuyerToken));

        ExpectConnected(Connect(parent, SellerToken));
    }

    [Fact]
    public void A_closed_session_frees_its_place_for_the_next_one()
    {
        var parent = StartParent(TwoPerUserFourInAll);
        var first = Connect(parent, BuyerToken);
        ExpectConnected(first);
        ExpectConnected(Connect(parent, BuyerToken));
        Watch(first.Session);

        first.Session.Tell(StompSession.TransportClosed.Instance);
        ExpectTerminated(first.Session);

        AwaitAssert(() => Assert.Equal(1, AdmittedBy(parent)), Wait);
        ExpectConnected(Connect(parent, BuyerToken));
    }

    [Fact]
    public void Past_the_limit_of_the_node_any_user_gets_an_error_naming_it_and_is_closed()
    {
        var parent = StartParent(QuietSettings with { MaxConnectionsPerUser = 2, MaxConnections = 2 });
        ExpectConnected(Connect(parent, BuyerToken));
        ExpectConnected(Connect(parent, SellerToken));

        var third = Connect(parent, StrangerToken);

        var error = third.NextFrame();
        Assert.Equal((StompCommand.Error, "too many connections"), (error.Command, error.Header("message")));
        Assert.Equal("at most 2 connections on this server (Stomp__MaxConnections)", error.BodyText);
        third.Probe.ExpectMsg<TransportCalls.Closed>(Wait);
    }

    [Fact]
    public void A_connection_that_never_authenticates_takes_no_place()
    {
        var parent = StartParent(QuietSettings with { MaxConnectionsPerUser = 1, MaxConnections = 1 });
        var refused = Connect(parent, "forged");
        Assert.Equal("authentication failed", refused.NextFrame().Header("message"));

        ExpectConnected(Connect(parent, BuyerToken));
    }

    /// <summary>A session on a transport of its own, with CONNECT sent.</summary>
    private Client Connect(IActorRef parent, string token)
    {
        var probe = CreateTestProbe();
        var session = OpenSession(parent, new RecordingTransport(probe.Ref));
        Feed(session, Frame("CONNECT", "", ("accept-version", "1.2"), ("Authorization", $"Bearer {token}")));
        return new Client(probe, session);
    }

    private static void ExpectConnected(Client client) => Assert.Equal(StompCommand.Connected, client.NextFrame().Command);

    private int AdmittedBy(IActorRef parent)
    {
        var asker = CreateTestProbe();
        parent.Tell(StompSessions.CountAdmitted.Instance, asker);
        return asker.ExpectMsg<int>(Wait);
    }

    private sealed record Client(TestProbe Probe, IActorRef Session)
    {
        public StompFrame NextFrame() =>
            Assert.Single(new StompDecoder(new StompLimits(1 << 20, 64)).Decode(Probe.ExpectMsg<TransportCalls.Written>(Wait).Bytes));
    }
}
