using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Messaging.Actors.Conversations;
using Messaging.Actors.Hosting;
using static Messaging.Actors.Inbox.InboxCommands;

namespace Messaging.Actors.Inbox;

/// <summary>
/// One user's conversation list with unread counts, so listing never touches every conversation. Holds the newest
/// summary each conversation sent it; persists them so a restart does not need the conversations.
/// </summary>
public sealed class UserInboxActor : EntityActor
{
    private readonly Dictionary<PermitKind, SlidingWindowLimit> _permits = new();
    private UserInboxState _state;

    public UserInboxActor(string entityId, MessagingSettings settings, Func<IActorRef> conversations) : base(settings)
    {
        _state = UserInboxState.Empty(new UserId(Guid.Parse(entityId)));
        PersistenceId = $"inbox-{entityId}";

        Recover<InboxEvents.SummaryRecorded>(recorded => _state = _state.Apply(recorded));

        Command<RecordSummary>(record =>
        {
            var acknowledgement = new InboxReplies.SummaryAcknowledged(record.UserId, record.Entry.Summary.ConversationId, record.Entry.Version);
            if (!_state.IsNewer(record.Entry))
            {
                Sender.Tell(acknowledgement);
                return;
            }
            var conversation = Sender;
            Persist(new InboxEvents.SummaryRecorded(record.UserId, record.Entry), recorded =>
            {
                _state = _state.Apply(recorded);
                conversation.Tell(acknowledgement);
                SnapshotIfDue();
            });
        });
        Command<AcquirePermit>(acquire =>
        {
            var (capacity, what) = acquire.Kind == PermitKind.Message ? (settings.MessagesPerMinute, "messages") : (settings.TypingPerMinute, "typing notices");
            var now = DateTimeOffset.UtcNow;
            var (allowed, retryAfter, next) = _permits.GetValueOrDefault(acquire.Kind, SlidingWindowLimit.Empty).Take(now, capacity, TimeSpan.FromMinutes(1));
            _permits[acquire.Kind] = next;
            Sender.Tell(allowed
                ? new InboxReplies.PermitGranted(acquire.Kind)
                : Rejection.TooManyRequests($"at most {capacity} {what} per minute", retryAfter));
        });
        Command<InboxQueries.GetConversations>(_ => Sender.Tell(new InboxReplies.ConversationList(_state.Conversations())));
        Command<MarkRead>(markRead =>
            MarkReadFanOut.Run(conversations(), markRead.UserId, _state.Plan(markRead.MessageIds), _state.Entries.Keys.ToList(), settings.MarkReadBudget)
                .PipeTo(Sender));
    }

    public override string PersistenceId { get; }

    public static Props PropsFor(string entityId, MessagingSettings settings, Func<IActorRef> conversations) =>
        Props.Create(() => new UserInboxActor(entityId, settings, conversations));

    protected override void RestoreSnapshot(object snapshot) => _state = UserInboxState.FromSnapshot((UserInboxSnapshot)snapshot);

    protected override object TakeSnapshot() => _state.ToSnapshot();
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
            (_, registry, _) => entityId => UserInboxActor.PropsFor(entityId, settings, () => registry.Get<ConversationActor>()),
            new UserInboxMessageExtractor(settings.ShardCount),
            EntityShardOptions.Create());
}
