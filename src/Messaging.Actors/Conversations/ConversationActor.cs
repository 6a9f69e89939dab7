using System.Collections.Immutable;
using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Hosting;
using Akka.Persistence;
using Messaging.Actors.Hosting;
using Messaging.Actors.Inbox;
using static Messaging.Actors.Conversations.ConversationCommands;
using static Messaging.Actors.Conversations.ConversationQueries;

namespace Messaging.Actors.Conversations;

/// <summary>
/// The one authority for a conversation. Decides with <see cref="ConversationState"/>, persists, and only then
/// replies and publishes. A change is acknowledged once both participants' inboxes hold it, so the sender's next
/// conversation list already shows it (read-your-writes), or after <see cref="MessagingSettings.InboxAckTimeout"/>.
/// </summary>
/// <remarks>
/// Inbox updates go straight to the inbox entity that last acknowledged one, watched, rather than through its shard
/// region and shard: two hops fewer per inbox per write (BENCHMARKS.md). When that incarnation stops, updates go
/// through the region again, and whatever it had not acknowledged is sent again (updates carry versions, so a repeat
/// is harmless).
/// </remarks>
public sealed class ConversationActor : EntityActor
{
    /// <summary>
    /// What a write lets out once both inboxes hold it: the reply, and the events for the subscribers. <see cref="DurableAt"/>
    /// is when the write was in the journal (a Stopwatch timestamp), null for a retry answered with a stored message.
    /// </summary>
    private sealed record PendingRelease(long Version, IActorRef ReplyTo, IMessagingReply Reply, ImmutableArray<Publish> Announcements, DateTimeOffset Deadline, long? DurableAt);

    private sealed class RetryInboxUpdates
    {
        public static readonly RetryInboxUpdates Instance = new();
        private RetryInboxUpdates() { }
    }

    private readonly MessagingSettings _settings;
    private readonly IActorRef _inboxes;
    private readonly IActorRef _mediator;
    private readonly TimeProvider _clock;
    private readonly MessagingMetrics _metrics;
    private readonly Dictionary<UserId, long> _inboxVersions = new();
    private readonly Dictionary<UserId, IActorRef> _inboxEntities = new();
    private readonly Dictionary<UserId, DateTimeOffset> _lastTyping = new();
    private readonly List<PendingRelease> _pending = new();
    private ConversationState _state;

    public ConversationActor(string entityId, MessagingSettings settings, IActorRef inboxes, IActorRef mediator, TimeProvider clock, MessagingMetrics metrics)
        : base(settings, metrics, EntityType.Conversation)
    {
        _metrics = metrics;
        _settings = settings;
        _inboxes = inboxes;
        _mediator = mediator;
        _clock = clock;
        _state = ConversationState.Empty(new ConversationId(Guid.Parse(entityId)));
        PersistenceId = $"conversation-{entityId}";

        Recover<IConversationEvent>(evt => _state = _state.Apply(evt));
        // An inbox may have missed the last change if the node died between the write and the update: tell them again.
        Recover<RecoveryCompleted>(_ => UpdateInboxes());

        Command<SendMessage>(Decide);
        Command<MarkRead>(Decide);
        Command<SetBlocked>(Decide);
        Command<StartTyping>(RelayTyping);
        Command<ResendSummary>(resend =>
        {
            if (_state.IsParticipant(resend.UserId))
                Sender.Tell(RecordSummaryFor(resend.UserId));
        });
        Command<GetMessages>(query => Sender.Tell(_state.Answer(query)));
        Command<GetSummary>(query => Sender.Tell(_state.Answer(query)));
        Command<LocateMessages>(query => Sender.Tell(_state.Answer(query)));
        Command<InboxReplies.SummaryAcknowledged>(ack =>
        {
            _inboxVersions[ack.UserId] = Math.Max(ack.Version, _inboxVersions.GetValueOrDefault(ack.UserId));
            RememberInboxEntity(ack.UserId, Sender);
            ReleasePending();
        });
        Command<Terminated>(stopped =>
        {
            foreach (var (user, inbox) in _inboxEntities.ToList())
                if (inbox.Equals(stopped.ActorRef))
                    _inboxEntities.Remove(user);
            // What the stopped incarnation had not acknowledged may be lost with it: through the region to the next one.
            UpdateInboxes();
        });
        Command<RetryInboxUpdates>(_ =>
        {
            ReleasePending();
            if (_pending.Count > 0)
                UpdateInboxes();
        });
    }

    public override string PersistenceId { get; }

    public static Props PropsFor(string entityId, MessagingSettings settings, IActorRef inboxes, IActorRef mediator, TimeProvider clock, MessagingMetrics metrics) =>
        Props.Create(() => new ConversationActor(entityId, settings, inboxes, mediator, clock, metrics));

    protected override void RestoreSnapshot(object snapshot) => _state = ConversationState.FromSnapshot((ConversationSnapshot)snapshot);

    protected override object TakeSnapshot() => _state.ToSnapshot();

    private void Decide(IWithConversationId command)
    {
        var now = _clock.GetUtcNow();
        var decision = _state.Process(command, now, new MessageId(Guid.CreateVersion7(now)));
        if (decision.Events.IsEmpty)
        {
            // A retry answered with a stored message waits, like the write itself, until the inboxes hold every write so far.
            if (decision.Reply is ConversationReplies.MessageAccepted && _pending.Count > 0)
                HoldUntilInboxesConfirm(Sender, decision.Reply, [], durableAt: null);
            else
                Sender.Tell(decision.Reply);
            return;
        }

        var replyTo = Sender;
        var announcements = ImmutableArray.CreateBuilder<Publish>();
        // The handler runs once per event, in order. Count them rather than compare with the last event: the journal
        // may hand back copies (it does whenever messages are serialized, e.g. akka.actor.serialize-messages).
        var unhandled = decision.Events.Length;
        var persistCalledAt = Stopwatch.GetTimestamp();
        PersistAll(decision.Events, evt =>
        {
            _state = _state.Apply(evt);
            announcements.AddRange(ConversationTopics.Announce(evt, _state));
            if (--unhandled > 0)
                return;
            JournalWritten(persistCalledAt);
            UpdateInboxes();
            // Held back with the reply, so a client that lists its conversations on hearing of a change sees it listed.
            HoldUntilInboxesConfirm(replyTo, decision.Reply, announcements.ToImmutable(), Stopwatch.GetTimestamp());
            // Started once, not on every write: restarting it would postpone the deadline for as long as writes keep coming.
            if (!Timers.IsTimerActive(nameof(RetryInboxUpdates)))
                Timers.StartPeriodicTimer(nameof(RetryInboxUpdates), RetryInboxUpdates.Instance, _settings.InboxRetryInterval);
            SnapshotIfDue();
        });
    }

    /// <summary>Typing notices are relayed at most once per <see cref="MessagingSettings.TypingThrottle"/> per user; the rest are dropped.</summary>
    private void RelayTyping(StartTyping typing)
    {
        if (_state.MayType(typing.UserId) is { } refused)
        {
            Sender.Tell(refused);
            return;
        }
        var now = _clock.GetUtcNow();
        var relay = !_lastTyping.TryGetValue(typing.UserId, out var last) || now - last >= _settings.TypingThrottle;
        if (relay)
        {
            _lastTyping[typing.UserId] = now;
            var notice = new ConversationNotifications.UserTyping(typing.ConversationId, typing.UserId);
            foreach (var announcement in ConversationTopics.Announce(notice, _state))
                _mediator.Tell(announcement);
        }
        Sender.Tell(new ConversationReplies.TypingAccepted(relay));
    }

    private void UpdateInboxes()
    {
        if (!_state.Started)
            return;
        foreach (var user in new[] { _state.ParticipantA, _state.ParticipantB })
        {
            if (_inboxVersions.GetValueOrDefault(user) < LastSequenceNr)
                _inboxEntities.GetValueOrDefault(user, _inboxes).Tell(RecordSummaryFor(user));
        }
    }

    private void RememberInboxEntity(UserId user, IActorRef inbox)
    {
        if (inbox.IsNobody() || _inboxEntities.TryGetValue(user, out var known) && known.Equals(inbox))
            return;
        _inboxEntities[user] = inbox;
        if (known is not null && !_inboxEntities.ContainsValue(known))
            Context.Unwatch(known);
        Context.Watch(inbox);
    }

    /// <summary>The user's view of this conversation now. The unread set is the state's own immutable set: no copy per write.</summary>
    private InboxCommands.RecordSummary RecordSummaryFor(UserId user) =>
        new(user, new InboxEntry(_state.SummaryFor(user), _state.UnreadFor(user), LastSequenceNr));

    /// <summary>Keeps a reply (and the events of its write) until both inboxes hold every write so far, or InboxAckTimeout passed.</summary>
    private void HoldUntilInboxesConfirm(IActorRef replyTo, IMessagingReply reply, ImmutableArray<Publish> announcements, long? durableAt) =>
        _pending.Add(new PendingRelease(LastSequenceNr, replyTo, reply, announcements, _clock.GetUtcNow() + _settings.InboxAckTimeout, durableAt));

    /// <summary>Lets out, in write order, what both inboxes now hold, or what waited past the deadline.</summary>
    private void ReleasePending()
    {
        var now = _clock.GetUtcNow();
        var inboxVersion = Math.Min(_inboxVersions.GetValueOrDefault(_state.ParticipantA), _inboxVersions.GetValueOrDefault(_state.ParticipantB));
        // Released in write order; what stays is moved, in order, to the front.
        var kept = 0;
        for (var index = 0; index < _pending.Count; index++)
        {
            var pending = _pending[index];
            if (pending.Version > inboxVersion && pending.Deadline > now)
            {
                _pending[kept++] = pending;
                continue;
            }
            if (pending.Version > inboxVersion)
                Log.Warning("Inboxes of {PersistenceId} did not confirm version {Version} in time; acknowledging the durable write anyway", PersistenceId, pending.Version);
            foreach (var announcement in pending.Announcements)
                _mediator.Tell(announcement);
            if (pending.DurableAt is { } durableAt)
                _metrics.Published(durableAt);
            pending.ReplyTo.Tell(pending.Reply);
        }
        _pending.RemoveRange(kept, _pending.Count - kept);
        if (_pending.Count == 0)
            Timers.Cancel(nameof(RetryInboxUpdates));
    }
}

/// <summary>Routes by conversation id over a fixed number of shards.</summary>
public sealed class ConversationMessageExtractor(int shardCount) : HashCodeMessageExtractor(shardCount)
{
    public override string? EntityId(object message) => message switch
    {
        IWithConversationId withId => withId.ConversationId.ToString(),
        _ => null,
    };
}

public static class ConversationActorHostingExtensions
{
    public const string RegionName = "conversation";

    /// <summary>Starts the <c>conversation</c> shard region. Needs the inbox region and DistributedPubSub.</summary>
    public static AkkaConfigurationBuilder AddConversationActors(this AkkaConfigurationBuilder builder, MessagingSettings settings) =>
        builder.WithShardRegion<ConversationActor>(
            RegionName,
            (system, registry, resolver) =>
            {
                var metrics = resolver.GetService<MessagingMetrics>();
                return entityId => ConversationActor.PropsFor(
                    entityId, settings, registry.Get<UserInboxActor>(), DistributedPubSub.Get(system).Mediator, TimeProvider.System, metrics);
            },
            new ConversationMessageExtractor(settings.ShardCount),
            EntityShardOptions.Create());
}
