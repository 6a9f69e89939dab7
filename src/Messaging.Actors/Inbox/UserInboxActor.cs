using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Hosting;
using Akka.Persistence;
using Messaging.Actors.Conversations;
using Messaging.Actors.Hosting;
using static Messaging.Actors.Inbox.InboxCommands;

namespace Messaging.Actors.Inbox;

/// <summary>
/// One user's conversation list with unread counts, so listing never touches every conversation, and the user's
/// rate limits. The conversations stay the authority and their journal the durable record: the inbox persists only
/// that it holds a conversation, keeps every later summary in memory and saves them in a snapshot when it stops.
/// A recovery that finds the journal ahead of the snapshot (a crash) asks each conversation for its summary again
/// and answers no list or mark-read request before they all have (or <c>InboxAckTimeout</c> passed: then it answers
/// with what it holds and keeps asking the silent ones).
/// </summary>
public sealed class UserInboxActor : EntityActor
{
    private sealed class RefreshDeadline
    {
        public static readonly RefreshDeadline Instance = new();
        private RefreshDeadline() { }
    }

    private readonly MessagingSettings _settings;
    private readonly Func<IActorRef> _conversations;
    private readonly Func<IActorRef> _inboxes;
    private readonly MessagingMetrics _metrics;
    private readonly Dictionary<PermitKind, SlidingWindowLimit> _permits = new();
    /// <summary>Conversations asked to resend their summary after a crash that have not yet done so.</summary>
    private readonly HashSet<ConversationId> _unconfirmed = new();
    /// <summary>True while list and mark-read requests wait for the resent summaries (until all came, or the deadline).</summary>
    private bool _holdingRequests;
    private UserInboxState _state;
    /// <summary>True once the journal says that summaries newer than the last snapshot exist (only in memory).</summary>
    private bool _aheadOfSnapshot;

    public UserInboxActor(string entityId, MessagingSettings settings, Func<IActorRef> conversations, Func<IActorRef> inboxes, MessagingMetrics metrics)
        : base(settings, metrics, EntityType.Inbox)
    {
        _metrics = metrics;
        _settings = settings;
        _conversations = conversations;
        _inboxes = inboxes;
        _state = UserInboxState.Empty(new UserId(Guid.Parse(entityId)));
        PersistenceId = $"inbox-{entityId}";

        Recover<InboxEvents.SummaryRecorded>(recorded => _state = _state.Apply(recorded));
        Recover<InboxEvents.SummariesInMemory>(_ => { });
        Recover<RecoveryCompleted>(_ => RefreshIfBehind());

        Command<RecordSummary>(OnRecordSummary);
        Command<IRateLimited>(OnRateLimited);
        Command<InboxQueries.GetConversations>(query =>
        {
            if (_holdingRequests) Stash.Stash();
            else Sender.Tell(new InboxReplies.ConversationList(_state.Conversations()));
        });
        Command<MarkRead>(markRead =>
        {
            if (_holdingRequests) Stash.Stash();
            else
                MarkReadFanOut.Run(_conversations(), markRead.UserId, _state.Plan(markRead.MessageIds), _state.Entries.Keys.ToList(), settings.MarkReadBudget)
                    .PipeTo(Sender);
        });
        Command<RefreshDeadline>(_ =>
        {
            Log.Warning("Inbox {PersistenceId}: {Unconfirmed} conversations did not resend their summaries in time; answering with what it holds and asking them again",
                PersistenceId, _unconfirmed.Count);
            ReleaseHeldRequests();
            AskUnconfirmedToResend();
        });
    }

    public override string PersistenceId { get; }

    public static Props PropsFor(string entityId, MessagingSettings settings, Func<IActorRef> conversations, Func<IActorRef> inboxes, MessagingMetrics metrics) =>
        Props.Create(() => new UserInboxActor(entityId, settings, conversations, inboxes, metrics));

    protected override void RestoreSnapshot(object snapshot) => _state = UserInboxState.FromSnapshot((UserInboxSnapshot)snapshot);

    protected override object TakeSnapshot() => _state.ToSnapshot();

    /// <summary>
    /// Saves the in-memory summaries, then stops; if the snapshot fails, the next recovery refreshes instead. An inbox
    /// still waiting for resent summaries saves nothing (a snapshot of half-refreshed summaries would hide the crash
    /// from the next recovery) and hands the requests it holds to the next incarnation.
    /// </summary>
    protected override void OnStopRequested()
    {
        if (_unconfirmed.Count > 0)
        {
            foreach (var held in Stash.ClearStash())
                OnMessageWhileStopping(held.Message, held.Sender);
            base.OnStopRequested();
        }
        else if (_aheadOfSnapshot)
            SnapshotThenStop();
        else
            base.OnStopRequested();
    }

    /// <summary>
    /// Back through the region: the shard holds it while this incarnation stops (passivation), the region while the
    /// shard moves (hand-off), and the next incarnation answers it, so no request waits for its Ask to time out.
    /// </summary>
    protected override void OnMessageWhileStopping(object message, IActorRef sender)
    {
        if (message is IWithUserId)
            _inboxes().Tell(message, sender);
    }

    /// <summary>Events after the newest snapshot mean the last run held summaries that only the conversations still know.</summary>
    private void RefreshIfBehind()
    {
        if (LastSequenceNr <= LastSnapshotSequenceNr)
            return;
        _aheadOfSnapshot = true;
        _unconfirmed.UnionWith(_state.Entries.Keys);
        _holdingRequests = _unconfirmed.Count > 0;
        AskUnconfirmedToResend();
    }

    /// <summary>Asks again, every <c>InboxAckTimeout</c>, until each has answered: a summary left stale would never heal.</summary>
    private void AskUnconfirmedToResend()
    {
        foreach (var conversation in _unconfirmed)
            _conversations().Tell(new ConversationCommands.ResendSummary(conversation, _state.Owner));
        if (_unconfirmed.Count > 0)
            Timers.StartSingleTimer(nameof(RefreshDeadline), RefreshDeadline.Instance, _settings.InboxAckTimeout);
    }

    private void ReleaseHeldRequests()
    {
        if (!_holdingRequests)
            return;
        _holdingRequests = false;
        Stash.UnstashAll();
    }

    private void OnRecordSummary(RecordSummary record)
    {
        var conversation = Sender;
        var acknowledgement = new InboxReplies.SummaryAcknowledged(record.UserId, record.Entry.Summary.ConversationId, record.Entry.Version);
        // Asynchronously: a seller who gets many first messages at once has them written in shared journal batches,
        // not one round trip after another. Recording a conversation twice (a retry meanwhile) is harmless.
        var persistCalledAt = Stopwatch.GetTimestamp();
        if (_state.IsNew(acknowledgement.ConversationId))
            PersistAsync(new InboxEvents.SummaryRecorded(record.UserId, record.Entry), recorded =>
            {
                JournalWritten(persistCalledAt);
                Recorded(recorded.Entry, conversation, acknowledgement);
                // The snapshot holds everything so far; the next in-memory summary is ahead of it again.
                _aheadOfSnapshot = !SnapshotIfDue();
            });
        else if (!_aheadOfSnapshot && _state.IsNewer(record.Entry))
            Persist(new InboxEvents.SummariesInMemory(record.UserId), _ =>
            {
                JournalWritten(persistCalledAt);
                _aheadOfSnapshot = true;
                Recorded(record.Entry, conversation, acknowledgement);
            });
        else
            Recorded(record.Entry, conversation, acknowledgement);
    }

    private void Recorded(InboxEntry entry, IActorRef conversation, InboxReplies.SummaryAcknowledged acknowledgement)
    {
        _state = _state.Record(entry);
        conversation.Tell(acknowledgement);
        if (_unconfirmed.Remove(entry.Summary.ConversationId) && _unconfirmed.Count == 0)
        {
            Timers.Cancel(nameof(RefreshDeadline));
            ReleaseHeldRequests();
        }
    }

    /// <summary>Rate limits live here, so every door and every node counts against the same limit; the command goes on to its conversation.</summary>
    private void OnRateLimited(IRateLimited command)
    {
        var (capacity, what) = command.Kind == PermitKind.Message ? (_settings.MessagesPerMinute, "messages") : (_settings.TypingPerMinute, "typing notices");
        var (allowed, retryAfter, next) = _permits.GetValueOrDefault(command.Kind, SlidingWindowLimit.Empty).Take(DateTimeOffset.UtcNow, capacity, TimeSpan.FromMinutes(1));
        _permits[command.Kind] = next;
        if (allowed)
            _conversations().Forward(command);
        else
        {
            _metrics.RateLimited(command.Kind);
            Sender.Tell(Rejection.TooManyRequests($"at most {capacity} {what} per minute", retryAfter));
        }
    }
}

/// <summary>Routes by user id over a fixed number of shards.</summary>
public sealed class UserInboxMessageExtractor(int shardCount) : HashCodeMessageExtractor(shardCount)
{
    public override string? EntityId(object message) => message switch
    {
        IWithUserId withId => withId.UserId.ToString(),
        _ => null,
    };
}

public static class UserInboxActorHostingExtensions
{
    public const string RegionName = "user";

    /// <summary>Starts the <c>user</c> shard region of inboxes. Its entities find the conversation region when they start.</summary>
    public static AkkaConfigurationBuilder AddUserInboxActors(this AkkaConfigurationBuilder builder, MessagingSettings settings) =>
        builder.WithShardRegion<UserInboxActor>(
            RegionName,
            (_, registry, resolver) =>
            {
                var metrics = resolver.GetService<MessagingMetrics>();
                return entityId => UserInboxActor.PropsFor(
                    entityId, settings, () => registry.Get<ConversationActor>(), () => registry.Get<UserInboxActor>(), metrics);
            },
            new UserInboxMessageExtractor(settings.ShardCount),
            EntityShardOptions.Create());
}
