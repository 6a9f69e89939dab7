using Akka.Actor;
using Messaging.Actors.Conversations;
using Messaging.Actors.Doors;
using Messaging.Actors.Stomp;
using Xunit.Abstractions;
using static Messaging.Actors.Conversations.ConversationCommands;
using static Messaging.Actors.Conversations.ConversationReplies;
using static Messaging.Actors.Tests.Fixtures;

namespace Messaging.Actors.Tests.Stomp;

/// <summary>What the doors (the gateway and the STOMP sessions) count: sends by door and outcome, sessions, subscriptions.</summary>
public sealed class StompMetricsSpecs(ITestOutputHelper output) : StompSessionFixture(output, nameof(StompMetricsSpecs))
{
    private static string SendFrame(string text, string receipt) =>
        Frame("SEND", $$"""{"conversationId":"{{CameraChat}}","text":"{{text}}"}""", ("destination", "/app/message.send"), ("receipt", receipt));

    private static SendMessageRequest Request(string text) => new(CameraChat.ToString(), null, null, text);

    [Fact]
    public void Message_send_accepted_over_stomp_counts_one_accepted_message_of_the_stomp_door_and_its_duration()
    {
        using var accepted = Meters.Collect<long>("messaging.messages.accepted");
        using var duration = Meters.Collect<double>("messaging.send.duration");
        using var refused = Meters.Collect<long>("messaging.messages.refused");
        var session = ConnectedSession();

        Feed(session, SendFrame("hello", "send-1"));
        Inboxes.ExpectMsg<SendMessage>(Wait);
        Inboxes.Reply(new MessageAccepted(BuyerMessage(1, "hello")));
        ExpectReceipt("send-1");

        Assert.Equal(1, TestMeters.Single(accepted, ("messaging.door", "stomp")));
        Assert.InRange(TestMeters.Single(duration, ("messaging.door", "stomp")), 0, Wait.TotalSeconds);
        Assert.Empty(refused.GetMeasurementSnapshot());
    }

    [Fact]
    public void Message_send_refused_over_stomp_counts_one_refusal_of_the_stomp_door_with_its_reason()
    {
        using var refused = Meters.Collect<long>("messaging.messages.refused");
        using var accepted = Meters.Collect<long>("messaging.messages.accepted");
        var session = ConnectedSession();
        SubscribeErrors(session);

        Feed(session, SendFrame("spam", "send-61"));
        Inboxes.ExpectMsg<SendMessage>(Wait);
        Inboxes.Reply(Rejection.TooManyRequests("at most 60 messages per minute", TimeSpan.FromSeconds(30)));
        Assert.Equal(Destination.Errors, ExpectFrame(StompCommand.Message).Header("destination"));

        Assert.Equal(1, TestMeters.Single(refused, ("messaging.door", "stomp"), ("messaging.refusal.reason", "too_many_requests")));
        Assert.Empty(accepted.GetMeasurementSnapshot());
    }

    [Fact]
    public void Message_send_with_an_unreadable_body_counts_one_invalid_refusal_of_the_stomp_door()
    {
        using var refused = Meters.Collect<long>("messaging.messages.refused");
        var session = ConnectedSession();
        SubscribeErrors(session);

        Feed(session, Frame("SEND", $$"""{"conversationId":"{{CameraChat}}","text":5}""", ("destination", "/app/message.send"), ("receipt", "send-1")));
        Assert.Equal(Destination.Errors, ExpectFrame(StompCommand.Message).Header("destination"));

        Assert.Equal(1, TestMeters.Single(refused, ("messaging.door", "stomp"), ("messaging.refusal.reason", "invalid")));
        Inboxes.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Send_refused_by_the_gateways_own_checks_counts_its_reason_for_its_door()
    {
        using var refused = Meters.Collect<long>("messaging.messages.refused");

        var outcome = await Gateway().Send(BuyerCaller, Request("   "), Door.Rest, CancellationToken.None);

        Assert.Equal(RejectionReason.Invalid, outcome.Rejection?.Reason);
        Assert.Equal(1, TestMeters.Single(refused, ("messaging.door", "rest"), ("messaging.refusal.reason", "invalid")));
    }

    [Fact]
    public async Task Send_whose_entity_does_not_answer_in_time_counts_as_refused_unavailable()
    {
        using var refused = Meters.Collect<long>("messaging.messages.refused");
        var gateway = Gateway(GatewaySettings with { AskTimeout = TimeSpan.FromMilliseconds(200) });

        await Assert.ThrowsAsync<AskTimeoutException>(() => gateway.Send(BuyerCaller, Request("anyone?"), Door.Rest, CancellationToken.None));

        Assert.Equal(1, TestMeters.Single(refused, ("messaging.door", "rest"), ("messaging.refusal.reason", "unavailable")));
    }

    [Fact]
    public void Open_sessions_and_their_subscriptions_are_counted_until_the_session_ends()
    {
        using var sessions = Meters.Collect<long>("messaging.stomp.sessions");
        using var subscriptions = Meters.Collect<long>("messaging.stomp.subscriptions");
        var session = ConnectedSession();
        Assert.Equal(1, TestMeters.Total(sessions));

        SubscribeErrors(session);
        SubscribeNotifications(session);
        Assert.Equal(2, TestMeters.Total(subscriptions));
        Feed(session, Frame("UNSUBSCRIBE", "", ("id", "errors"), ("receipt", "unsub")));
        ExpectReceipt("unsub");
        Assert.Equal(1, TestMeters.Total(subscriptions));

        Watch(session);
        Feed(session, Frame("DISCONNECT", "", ("receipt", "bye")));
        ExpectReceipt("bye");
        ExpectTerminated(session);
        Assert.Equal((0L, 0L), (TestMeters.Total(sessions), TestMeters.Total(subscriptions)));
    }
}
