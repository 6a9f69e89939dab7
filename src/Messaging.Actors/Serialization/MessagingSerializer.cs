using System.Collections.Frozen;
using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Akka.Serialization;
using Messaging.Actors.Conversations;
using Messaging.Actors.Inbox;

namespace Messaging.Actors.Serialization;

/// <summary>
/// System.Text.Json with short fixed manifests for everything we persist or send between nodes. A manifest names
/// what was written, not a C# type, so types can be renamed or moved without breaking stored data.
/// Manifests are never reused or changed; a new shape gets a new manifest.
/// </summary>
public sealed class MessagingSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int SerializerId = 4711;

    /// <summary>Every type this serializer writes, with its manifest.</summary>
    public static readonly FrozenDictionary<Type, string> Manifests = new Dictionary<Type, string>
    {
        // persisted: conversation
        [typeof(ConversationEvents.ConversationStarted)] = "cv-started",
        [typeof(ConversationEvents.MessageSent)] = "cv-sent",
        [typeof(ConversationEvents.MessagesRead)] = "cv-read",
        [typeof(ConversationEvents.ConversationBlocked)] = "cv-blocked",
        [typeof(ConversationEvents.ConversationUnblocked)] = "cv-unblocked",
        [typeof(ConversationSnapshot)] = "cv-snapshot",
        // persisted: inbox
        [typeof(InboxEvents.SummaryRecorded)] = "ib-recorded",
        [typeof(InboxEvents.SummariesInMemory)] = "ib-in-memory",
        [typeof(UserInboxSnapshot)] = "ib-snapshot",
        // between nodes: conversation protocol
        [typeof(ConversationCommands.SendMessage)] = "cv-c-send",
        [typeof(ConversationCommands.MarkRead)] = "cv-c-read",
        [typeof(ConversationCommands.SetBlocked)] = "cv-c-block",
        [typeof(ConversationCommands.StartTyping)] = "cv-c-typing",
        [typeof(ConversationCommands.ResendSummary)] = "cv-c-resend",
        [typeof(ConversationQueries.GetMessages)] = "cv-q-messages",
        [typeof(ConversationQueries.GetSummary)] = "cv-q-summary",
        [typeof(ConversationQueries.LocateMessages)] = "cv-q-locate",
        [typeof(ConversationReplies.MessageAccepted)] = "cv-r-accepted",
        [typeof(ConversationReplies.MessagesMarkedRead)] = "cv-r-read",
        [typeof(ConversationReplies.BlockChanged)] = "cv-r-block",
        [typeof(ConversationReplies.MessagePage)] = "cv-r-page",
        [typeof(ConversationReplies.MessagesLocated)] = "cv-r-located",
        [typeof(ConversationReplies.TypingAccepted)] = "cv-r-typing",
        [typeof(ConversationNotifications.UserTyping)] = "cv-n-typing",
        [typeof(ConversationTopics.Announcement)] = "cv-n-announcement",
        [typeof(ConversationSummary)] = "cv-r-summary",
        [typeof(Rejection)] = "rejection",
        // between nodes: inbox protocol
        [typeof(InboxCommands.RecordSummary)] = "ib-c-record",
        [typeof(InboxCommands.MarkRead)] = "ib-c-read",
        [typeof(InboxQueries.GetConversations)] = "ib-q-list",
        [typeof(InboxReplies.SummaryAcknowledged)] = "ib-r-ack",
        [typeof(InboxReplies.ConversationList)] = "ib-r-list",
        [typeof(InboxReplies.MarkedRead)] = "ib-r-read",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, Type> Types = Manifests.ToFrozenDictionary(pair => pair.Value, pair => pair.Key);

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General);

    /// <summary>The marker interfaces this serializer is bound to in the actor system.</summary>
    public static readonly Type[] BoundTypes = [typeof(IWithConversationId), typeof(IWithUserId), typeof(IMessagingReply)];

    public override int Identifier => SerializerId;

    public override string Manifest(object o) =>
        Manifests.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new SerializationException($"{o.GetType()} has no manifest in {nameof(MessagingSerializer)}");

    public override byte[] ToBinary(object obj) => obj is ConversationTopics.Announcement announcement
        ? JsonSerializer.SerializeToUtf8Bytes(new AnnouncementEnvelope(
            announcement.Topic, Manifest(announcement.Event), JsonSerializer.SerializeToElement(announcement.Event, announcement.Event.GetType(), Options)), Options)
        : JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Options);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        var type = TypeOf(manifest);
        if (type != typeof(ConversationTopics.Announcement))
            return JsonSerializer.Deserialize(bytes, type, Options) ?? throw EmptyPayload(manifest);
        var envelope = JsonSerializer.Deserialize<AnnouncementEnvelope>(bytes, Options) ?? throw EmptyPayload(manifest);
        return new ConversationTopics.Announcement(
            envelope.Topic, envelope.Event.Deserialize(TypeOf(envelope.Manifest), Options) ?? throw EmptyPayload(envelope.Manifest));
    }

    private static Type TypeOf(string manifest) =>
        Types.TryGetValue(manifest, out var type) ? type : throw new SerializationException($"Unknown manifest {manifest}");

    private static SerializationException EmptyPayload(string manifest) => new($"Empty payload for manifest {manifest}");

    /// <summary>An announcement as written: its topic, and its event with the event's own manifest.</summary>
    private sealed record AnnouncementEnvelope(string Topic, string Manifest, JsonElement Event);
}

public static class MessagingSerializerHostingExtensions
{
    public static AkkaConfigurationBuilder AddMessagingSerializer(this AkkaConfigurationBuilder builder) =>
        builder.WithCustomSerializer("messaging", MessagingSerializer.BoundTypes, system => new MessagingSerializer(system));
}
