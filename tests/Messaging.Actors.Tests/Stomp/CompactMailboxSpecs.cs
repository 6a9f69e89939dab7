using Akka.Actor;
using Akka.Dispatch.MessageQueues;
using Akka.TestKit.Xunit2;
using Messaging.Actors.Stomp;

namespace Messaging.Actors.Tests.Stomp;

public sealed class CompactMailboxSpecs() : TestKit(TestConfig.Config, nameof(CompactMailboxSpecs))
{
    private static Envelope Letter(object message) => new(message, ActorRefs.NoSender);

    [Fact]
    public void Messages_come_out_in_the_order_they_went_in()
    {
        var queue = new CompactMailbox.Queue();

        foreach (var message in new[] { "first", "second", "third" })
            queue.Enqueue(TestActor, Letter(message));

        Assert.Equal(3, queue.Count);
        var taken = new List<object>();
        while (queue.TryDequeue(out var envelope))
            taken.Add(envelope.Message);
        Assert.Equal(["first", "second", "third"], taken);
        Assert.False(queue.HasMessages);
    }

    [Fact]
    public void Messages_left_when_the_actor_stops_go_to_dead_letters()
    {
        var queue = new CompactMailbox.Queue();
        var deadLetters = new CompactMailbox.Queue();
        queue.Enqueue(TestActor, Letter("never handled"));

        queue.CleanUp(TestActor, deadLetters);

        Assert.Equal(0, queue.Count);
        Assert.True(deadLetters.TryDequeue(out var dead));
        Assert.Equal("never handled", dead.Message);
    }

    [Fact]
    public void An_actor_with_the_compact_mailbox_receives_its_messages()
    {
        var echo = Sys.ActorOf(Props.Create(() => new Echo(TestActor)).WithMailbox(CompactMailbox.Id));

        echo.Tell("hello");
        echo.Tell("again");

        ExpectMsg("hello");
        ExpectMsg("again");
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo(IActorRef to) => ReceiveAny(message => to.Tell(message));
    }
}
