using Akka.Actor;
using Messaging.Actors.Doors;

namespace Messaging.Actors.Stomp;

/// <summary>
/// The parent of every <see cref="StompSession"/> of this node, whatever carries it. A failed session is stopped,
/// never restarted: a restarted session would start over on a transport whose client is still connected. It also
/// counts the authenticated sessions, per user and in all, so idle connections cannot pile up without bound.
/// </summary>
public sealed class StompSessions : ReceiveActor
{
    public const string Name = "stomp-sessions";

    /// <summary>Starts a session on <paramref name="Transport"/>; the reply is the session's <see cref="IActorRef"/>.</summary>
    public sealed record Open(IStompTransport Transport, string? UpgradeToken);

    /// <summary>A session asks, once its CONNECT is authenticated, whether its user may hold one more.</summary>
    internal sealed record Admit(UserId User);

    /// <summary>The answer to <see cref="Admit"/>: the limit it would break, or null when admitted.</summary>
    internal sealed record Admission(string? RefusedLimit);

    /// <summary>The node is shutting down: every session ends with an ERROR its client can reconnect from.</summary>
    public sealed class NodeStopping
    {
        public static readonly NodeStopping Instance = new();
        private NodeStopping() { }
    }

    /// <summary>Asks how many sessions are admitted; the reply is an int.</summary>
    public sealed class CountAdmitted
    {
        public static readonly CountAdmitted Instance = new();
        private CountAdmitted() { }
    }

    private readonly Dictionary<IActorRef, UserId> _admitted = new();
    private readonly Dictionary<UserId, int> _perUser = new();

    public StompSessions(ConversationGateway gateway, TokenValidator validateToken, IActorRef mediator, StompSettings settings, MessagingMetrics metrics)
    {
        Receive<Open>(open =>
        {
            var session = Context.ActorOf(StompSession.PropsFor(open.Transport, gateway, validateToken, mediator, settings, metrics, open.UpgradeToken));
            Context.Watch(session);
            Sender.Tell(session);
        });
        Receive<Admit>(admit =>
        {
            var held = _perUser.GetValueOrDefault(admit.User);
            if (held >= settings.MaxConnectionsPerUser)
                Sender.Tell(new Admission($"at most {settings.MaxConnectionsPerUser} connections per user (Stomp__MaxConnectionsPerUser)"));
            else if (_admitted.Count >= settings.MaxConnections)
                Sender.Tell(new Admission($"at most {settings.MaxConnections} connections on this server (Stomp__MaxConnections)"));
            else
            {
                _admitted[Sender] = admit.User;
                _perUser[admit.User] = held + 1;
                Sender.Tell(new Admission(null));
            }
        });
        Receive<CountAdmitted>(_ => Sender.Tell(_admitted.Count));
        Receive<NodeStopping>(_ =>
        {
            foreach (var session in Context.GetChildren())
                session.Tell(StompSession.ServerStopping.Instance);
        });
        Receive<Terminated>(terminated =>
        {
            if (!_admitted.Remove(terminated.ActorRef, out var user))
                return;
            if (_perUser[user] == 1)
                _perUser.Remove(user);
            else
                _perUser[user]--;
        });
    }

    public static Props PropsFor(ConversationGateway gateway, TokenValidator validateToken, IActorRef mediator, StompSettings settings, MessagingMetrics metrics) =>
        Props.Create(() => new StompSessions(gateway, validateToken, mediator, settings, metrics));

    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;
}
