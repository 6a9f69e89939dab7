using Messaging.Actors.Conversations;
using Messaging.Actors.Doors;
using Messaging.Actors.Tests.Stomp;
using Xunit.Abstractions;
using static Messaging.Actors.Tests.Fixtures;

namespace Messaging.Actors.Tests;

public sealed class AdmissionGateSpecs
{
    [Fact]
    public void Admits_up_to_its_capacity_and_refuses_past_it()
    {
        var gate = new AdmissionGate(2);

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
        var gate = new AdmissionGate(1);
        var ticket = gate.TryEnter()!;

        ticket.Dispose();
        ticket.Dispose();

        Assert.Equal(0, gate.InFlight);
        Assert.NotNull(gate.TryEnter());
        Assert.Null(gate.TryEnter());
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
        var pending = gateway.Send(BuyerCaller, Request("first"), CancellationToken.None);
        await Inboxes.ExpectMsgAsync<ConversationCommands.SendMessage>(Wait);
        var firstAsker = Inboxes.LastSender;

        var refused = await gateway.Send(SellerCaller, Request("second"), CancellationToken.None);

        Assert.Equal(new Rejection(RejectionReason.Unavailable, "the server is at capacity; retry shortly", TimeSpan.FromSeconds(1)), refused.Rejection);
        Inboxes.ExpectNoMsg(Quiet);
        firstAsker.Tell(new ConversationReplies.MessageAccepted(BuyerMessage(1, "first")), Inboxes.Ref);
        Assert.Equal("first", (await pending).Value!.Text);
        var third = gateway.Send(SellerCaller, Request("third"), CancellationToken.None);
        Assert.Equal("third", (await Inboxes.ExpectMsgAsync<ConversationCommands.SendMessage>(Wait)).Text);
        Inboxes.Reply(new ConversationReplies.MessageAccepted(BuyerMessage(2, "third")));
        Assert.Null((await third).Rejection);
    }
}
