using Akka.Actor;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;
using Messaging.Actors.Hosting;
using Config = Akka.Configuration.Config;

namespace Messaging.Actors.Stomp;

/// <summary>
/// The mailbox of the actor each connection holds, its session. Akka's default unbounded mailbox starts with a 32-slot
/// concurrent segment (about 1 KiB) whatever the actor receives, and an idle connection's session receives a
/// heart-beat now and then. This one is a locked queue, empty until its first message and grown as needed: about 1 KiB
/// less per actor (BENCHMARKS.md, "Idle connections"). Its messages come one at a time from a few senders, so the lock
/// is not contended.
/// </summary>
public sealed class CompactMailbox(Settings settings, Config config) : MailboxType(settings, config), IProducesMessageQueue<CompactMailbox.Queue>
{
    /// <summary>The configuration path actors name in <see cref="Props.WithMailbox"/>.</summary>
    public const string Id = "messaging.compact-mailbox";

    /// <summary>The configuration that defines <see cref="Id"/>; part of every actor system that runs sessions.</summary>
    public static readonly string Hocon = $"{Id}.mailbox-type = \"{HoconTypeName.Of(typeof(CompactMailbox))}\"";

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new Queue();

    public sealed class Queue : IMessageQueue, IUnboundedMessageQueueSemantics
    {
        private readonly Queue<Envelope> _envelopes = new();
        private readonly Lock _lock = new();

        public bool HasMessages
        {
            get { lock (_lock) return _envelopes.Count > 0; }
        }

        public int Count
        {
            get { lock (_lock) return _envelopes.Count; }
        }

        public void Enqueue(IActorRef receiver, Envelope envelope)
        {
            lock (_lock)
                _envelopes.Enqueue(envelope);
        }

        public bool TryDequeue(out Envelope envelope)
        {
            lock (_lock)
                return _envelopes.TryDequeue(out envelope);
        }

        public void CleanUp(IActorRef owner, IMessageQueue deadletters)
        {
            while (TryDequeue(out var envelope))
                deadletters.Enqueue(owner, envelope);
        }
    }
}
