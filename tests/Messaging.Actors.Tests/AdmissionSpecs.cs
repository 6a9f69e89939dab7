using Messaging.Actors.Conversations;
using Microsoft.Extensions.Time.Testing;
using Messaging.Actors.Doors;
using Messaging.Actors.Tests.Stomp;
using Xunit.Abstractions;
using static Messaging.Actors.Tests.Fixtures;

namespace Messaging.Actors.Tests;

public sealed class AdmissionGateSpecs
{
    private static readonly TimeSpan Target = TimeSpan.FromMilliseconds(100);
    private readonly FakeTimeProvider _clock = new();

    private AdmissionGate Gate(int ceiling, int floor = 16) => new(ceiling, Target, _clock, floor);

    /// <summary>Enters <paramref name="count"/> tickets, lets <paramref name="took"/> pass, and finishes them.</summary>
    private void Work(AdmissionGate gate, int count, TimeSpan took)
    {
        var tickets = Enumerable.Range(0, count).Select(_ => gate.TryEnter()!).ToList();
        _clock.Advance(took);
        tickets.ForEach(ticket => ticket.Dispose());
    }

    [Fact]
    public void Admits_up_to_its_ceiling_and_refuses_past_it()
    {
        var gate = Gate(2, floor: 1);

        var first = gate.TryEnter();
        var second = gate.TryEnter();
        var third = gate.TryEnter();

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(third);
        Assert.Equal(2, gate.InFlight);
    }

    [Fact]
    public void A_finished_ticket_frees_its_place_once_however_often_it_is_disposed()
    {
        var gate = Gate(1, floor: 1);
        var ticket = gate.TryEnter()!;

        ticket.Dispose();
        ticket.Dispose();

        Assert.Equal(0, gate.InFlight);
        Assert.NotNull(gate.TryEnter());
        Assert.Null(gate.TryEnter());
    }

    [Fact]
    public void Work_slower_than_the_target_lowers_the_limit_by_a_tenth_once_per_target_interval()
    {
        var gate = Gate(100);

        Work(gate, 70, TimeSpan.FromMilliseconds(150));

        Assert.Equal(90, gate.Limit); // seventy slow finishes at the same moment count once
        Work(gate, 70, TimeSpan.FromMilliseconds(150));
        Assert.Equal(81, gate.Limit);
        Assert.Equal(81, Enumerable.Range(0, 100).Count(_ => gate.TryEnter() is not null));
    }

    [Fact]
    public void A_slow_finish_among_recent_work_mostly_within_the_target_leaves_the_limit_as_it_is()
    {
        var gate = Gate(100);

        for (var round = 0; round < 20; round++)
        {
            // Five sends stall while the node holds all it admits, among ninety-five quick ones.
            var stalled = Enumerable.Range(0, 5).Select(_ => gate.TryEnter()!).ToList();
            _clock.Advance(TimeSpan.FromMilliseconds(140));
            var quick = Enumerable.Range(0, 95).Select(_ => gate.TryEnter()!).ToList();
            _clock.Advance(TimeSpan.FromMilliseconds(10));
            stalled.ForEach(ticket => ticket.Dispose());
            quick.ForEach(ticket => ticket.Dispose());
        }

        Assert.Equal(100, gate.Limit);
    }

    [Fact]
    public void The_limit_never_falls_below_the_floor()
    {
        var gate = Gate(100, floor: 20);

        for (var round = 0; round < 40; round++)
            Work(gate, gate.Limit, TimeSpan.FromMilliseconds(200));

        Assert.Equal(20, gate.Limit);
    }

    [Fact]
    public void Slow_work_filling_less_than_half_the_limit_leaves_the_limit_as_it_is()
    {
        var gate = Gate(100);

        for (var round = 0; round < 10; round++)
            Work(gate, 49, TimeSpan.FromMilliseconds(300));

        Assert.Equal(100, gate.Limit);
        Assert.Equal(100, Enumerable.Range(0, 100).Count(_ => gate.TryEnter() is not null));
    }

    [Fact]
    public void Work_within_the_target_raises_the_limit_by_one_for_every_limits_worth_of_it()
    {
        var gate = Gate(100);
        Work(gate, 70, TimeSpan.FromMilliseconds(150));
        Assert.Equal(90, gate.Limit);

        Work(gate, 89, TimeSpan.FromMilliseconds(10));
        Assert.Equal(90, gate.Limit);
        Work(gate, 1, TimeSpan.FromMilliseconds(10));
        Assert.Equal(91, gate.Limit);
        Work(gate, 91, TimeSpan.FromMilliseconds(10));
        Assert.Equal(92, gate.Limit);
    }

    [Fact]
    public void Once_almost_no_recent_work_is_slow_the_limit_grows_by_one_for_every_tenth_of_a_limits_worth()
    {
        var gate = Gate(100);
        Work(gate, 70, TimeSpan.FromMilliseconds(150));
        Assert.Equal(90, gate.Limit);

        var limits = Enumerable.Range(0, 10).Select(_ =>
        {
            Work(gate, 50, TimeSpan.FromMilliseconds(10));
            return gate.Limit;
        }).ToList();

        // The slow burst's share of the recent work wanes below a hundredth after about four hundred quick finishes.
        Assert.Equal([90, 91, 91, 92, 92, 93, 93, 96, 100, 100], limits);
    }

    [Fact]
    public void Work_within_the_target_raises_the_limit_no_further_than_the_ceiling()
    {
        var gate = Gate(100);
        Work(gate, 70, TimeSpan.FromMilliseconds(150));

        for (var round = 0; round < 20; round++)
            Work(gate, gate.Limit, TimeSpan.FromMilliseconds(10));

        Assert.Equal(100, gate.Limit);
        Assert.Equal(100, Enumerable.Range(0, 101).Count(_ => gate.TryEnter() is not null));
    }

    [Fact]
    public void A_slow_interval_starts_the_count_towards_the_next_raise_again()
    {
        var gate = Gate(100);
        Work(gate, 60, TimeSpan.FromMilliseconds(10));

        Work(gate, 70, TimeSpan.FromMilliseconds(150));
        Work(gate, 89, TimeSpan.FromMilliseconds(10));

        Assert.Equal(90, gate.Limit);
    }
}

/// <summary>The gateway refuses sends past <see cref="MessagingSettings.MaxSendsInFlight"/> at once, over every door.</summary>
public sealed class SendAdmissionSpecs(ITestOutputHelper output) : StompSessionFixture(output, nameof(SendAdmissionSpecs))
{
    private static SendMessageRequest Request(string text) => new(CameraChat.ToString(), null, null, text);

    [Fact]
    public async Task Send_past_the_nodes_capacity_is_refused_at_once_as_unavailable_and_the_next_one_after_a_finished_send_is_admitted()
    {
        var gateway = Gateway(GatewaySettings with { MaxSendsInFlight = 1 });
        var pending = gateway.Send(BuyerCaller, Request("first"), Door.Rest, CancellationToken.None);
        await Inboxes.ExpectMsgAsync<ConversationCommands.SendMessage>(Wait);
        var firstAsker = Inboxes.LastSender;

        var refused = await gateway.Send(SellerCaller, Request("second"), Door.Rest, CancellationToken.None);

        Assert.Equal(new Rejection(RejectionReason.Unavailable, "the server is at capacity; retry shortly", TimeSpan.FromSeconds(1)), refused.Rejection);
        Inboxes.ExpectNoMsg(Quiet);
        firstAsker.Tell(new ConversationReplies.MessageAccepted(BuyerMessage(1, "first")), Inboxes.Ref);
        Assert.Equal("first", (await pending).Value!.Text);
        var third = gateway.Send(SellerCaller, Request("third"), Door.Rest, CancellationToken.None);
        Assert.Equal("third", (await Inboxes.ExpectMsgAsync<ConversationCommands.SendMessage>(Wait)).Text);
        Inboxes.Reply(new ConversationReplies.MessageAccepted(BuyerMessage(2, "third")));
        Assert.Null((await third).Rejection);
    }
}
