using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;

namespace Messaging.Actors.Stomp;

/// <summary>
/// One STOMP subscription's pub/sub topic, as a child of the session: it tags what the topic publishes with the
/// subscription it is for (a session may hear the same event on two topics) and says when the subscription is live.
/// </summary>
internal sealed class TopicSubscriber : ReceiveActor
{
    private readonly IActorRef _mediator;
    private readonly string _topic;

    public TopicSubscriber(IActorRef mediator, string topic, string subscriptionId, string? receipt)
    {
        _mediator = mediator;
        _topic = topic;
        Receive<SubscribeAck>(_ => Context.Parent.Tell(new StompSession.TopicSubscribed(subscriptionId, receipt)));
        Receive<UnsubscribeAck>(_ => { });
        ReceiveAny(published => Context.Parent.Tell(new StompSession.TopicEvent(subscriptionId, published)));
    }

    public static Props PropsFor(IActorRef mediator, string topic, string subscriptionId, string? receipt) =>
        Props.Create(() => new TopicSubscriber(mediator, topic, subscriptionId, receipt)).WithMailbox(CompactMailbox.Id);

    protected override void PreStart() => _mediator.Tell(new Subscribe(_topic, Self));

    protected override void PostStop() => _mediator.Tell(new Unsubscribe(_topic, Self));
}
