using System.Collections.Immutable;
using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Messaging.Actors.Conversations;
using Messaging.Actors.Inbox;
using Messaging.Actors.Serialization;
using static Messaging.Actors.Tests.Fixtures;

namespace Messaging.Actors.Tests;

public sealed class MessagingSerializerSpecs : Akka.TestKit.Xunit2.TestKit
{
    private readonly MessagingSerializer _serializer;

    public MessagingSerializerSpecs() : base(TestConfig.Config, nameof(MessagingSerializerSpecs))
    {
        _serializer = new MessagingSerializer((ExtendedActorSystem)Sys);
    }

    private static readonly ChatMessage Question = new(
        MessageNo(1), CameraChat, Buyer, Seller, Camera, "Is this still available? <b>\u00E9</b> \U0001F4F7",
        new DateTimeOffset(2025, 11, 10, 14, 30, 0, 123, TimeSpan.Zero), Read: false, "Jane Smith", "jane@example.com");

    private static readonly ChatMessage Answer = new(
        MessageNo(2), CameraChat, Seller, Buyer, ProductId: null, "Yes", T0.AddMinutes(5), Read: true, SenderName: null, SenderEmail: null,
        ClientMessageId: "web-7f3c9a");

    private static readonly ConversationSummary SellerView = new(CameraChat, Camera, Buyer, "Is this still available?", T0, 1, IsBlocked: true, BlockedByMe: false);

    private static readonly InboxEntry SellerEntry = new(SellerView, [MessageNo(1)], 7);

    /// <summary>One realistic value of every type the serializer writes.</summary>
    public static readonly IReadOnlyDictionary<Type, object> Samples = new object[]
    {
        new ConversationEvents.ConversationStarted(CameraChat, Camera, Buyer, Seller, T0),
        new ConversationEvents.MessageSent(CameraChat, Question),
        new ConversationEvents.MessagesRead(CameraChat, Seller, [MessageNo(1), MessageNo(3)], T0.AddMinutes(1)),
        new ConversationEvents.ConversationBlocked(CameraChat, Seller, T0.AddMinutes(2)),
        new ConversationEvents.ConversationUnblocked(CameraChat, Seller, T0.AddMinutes(3)),
        new ConversationSnapshot(CameraChat, true, Camera, Buyer, Seller, T0, [Question, Answer], [new BlockRecord(Seller, T0.AddMinutes(2))]),
        new InboxEvents.SummaryRecorded(Seller, SellerEntry),
        new InboxEvents.SummariesInMemory(Seller),
        new UserInboxSnapshot(Seller, [SellerEntry, new InboxEntry(SellerView with { ConversationId = ConversationIdentity.For(null, Buyer, Seller), ProductId = null, LastMessage = null, LastMessageAt = null, UnreadCount = 0 }, [], 1)]),
        new ConversationCommands.SendMessage(CameraChat, Buyer, Seller, Camera, "hello", BuyerProfile, ClientMessageId: "web-1"),
        new ConversationCommands.MarkRead(CameraChat, Seller, [MessageNo(1)]),
        new ConversationCommands.SetBlocked(CameraChat, Seller, true),
        new ConversationCommands.StartTyping(CameraChat, Buyer),
        new ConversationCommands.ResendSummary(CameraChat, Seller),
        new ConversationQueries.GetMessages(CameraChat, Buyer, 50, MessageNo(9)),
        new ConversationQueries.GetSummary(CameraChat, Buyer),
        new ConversationQueries.LocateMessages(CameraChat, Buyer, [MessageNo(1), MessageNo(2)]),
        new ConversationReplies.MessageAccepted(Question),
        new ConversationReplies.MessagesMarkedRead(CameraChat, [MessageNo(1)]),
        new ConversationReplies.BlockChanged(CameraChat, true, Seller),
        new ConversationReplies.MessagePage([Question, Answer]),
        new ConversationReplies.MessagesLocated(CameraChat, [MessageNo(2)]),
        new ConversationReplies.TypingAccepted(true),
        new ConversationNotifications.UserTyping(CameraChat, Buyer),
        new ConversationTopics.Announcement(ConversationTopics.User(Seller), new ConversationEvents.MessageSent(CameraChat, Question)),
        SellerView,
        Rejection.TooManyRequests("at most 60 messages per minute", TimeSpan.FromSeconds(7)),
        new InboxCommands.RecordSummary(Seller, SellerEntry),
        new InboxCommands.MarkRead(Seller, [MessageNo(1), MessageNo(2)]),
        new InboxQueries.GetConversations(Seller),
        new InboxReplies.SummaryAcknowledged(Seller, CameraChat, 7),
        new InboxReplies.ConversationList([SellerView]),
        new InboxReplies.MarkedRead(3),
    }.ToDictionary(sample => sample.GetType());

    public static TheoryData<Type> ManifestedTypes => new(MessagingSerializer.Manifests.Keys.OrderBy(type => type.FullName));

    [Fact]
    public void There_is_a_sample_of_every_type_the_serializer_writes()
    {
        Assert.Empty(MessagingSerializer.Manifests.Keys.Except(Samples.Keys).Select(type => type.FullName));
    }

    [Theory]
    [MemberData(nameof(ManifestedTypes))]
    public void Every_type_round_trips_with_all_its_values(Type type)
    {
        var sample = Samples[type];

        var bytes = _serializer.ToBinary(sample);
        var back = _serializer.FromBinary(bytes, _serializer.Manifest(sample));

        Assert.IsType(type, back);
        Assert.Equal(Json.Of(sample), Json.Of(back));
        Assert.Equal(bytes, _serializer.ToBinary(back));
        if (!HoldsCollections(type))
            Assert.Equal(sample, back); // records without arrays compare by value
    }

    private static bool HoldsCollections(Type type) =>
        type.GetProperties().Any(property => property.PropertyType.IsGenericType
            && property.PropertyType.GetGenericTypeDefinition() is var generic && (generic == typeof(ImmutableArray<>) || generic == typeof(ImmutableHashSet<>)))
        || type.GetProperties().Any(property => property.PropertyType != type && property.PropertyType.Namespace?.StartsWith("Messaging") == true && !property.PropertyType.IsValueType && HoldsCollections(property.PropertyType));

    [Fact]
    public void Texts_with_markup_and_emoji_round_trip_verbatim()
    {
        var sent = new ConversationEvents.MessageSent(CameraChat, Question);

        var back = (ConversationEvents.MessageSent)_serializer.FromBinary(_serializer.ToBinary(sent), "cv-sent");

        Assert.Equal(Question, back.Message);
        Assert.Equal("Is this still available? <b>\u00E9</b> \U0001F4F7", back.Message.Text);
    }

    [Theory]
    [InlineData(typeof(ConversationEvents.ConversationStarted), "cv-started")]
    [InlineData(typeof(ConversationEvents.MessageSent), "cv-sent")]
    [InlineData(typeof(ConversationEvents.MessagesRead), "cv-read")]
    [InlineData(typeof(ConversationEvents.ConversationBlocked), "cv-blocked")]
    [InlineData(typeof(ConversationEvents.ConversationUnblocked), "cv-unblocked")]
    [InlineData(typeof(ConversationSnapshot), "cv-snapshot")]
    [InlineData(typeof(InboxEvents.SummaryRecorded), "ib-recorded")]
    [InlineData(typeof(InboxEvents.SummariesInMemory), "ib-in-memory")]
    [InlineData(typeof(UserInboxSnapshot), "ib-snapshot")]
    public void Manifest_of_a_persisted_type_never_changes(Type type, string manifest)
    {
        Assert.Equal(manifest, _serializer.Manifest(Samples[type]));
        Assert.Equal(manifest, MessagingSerializer.Manifests[type]);
    }

    [Fact]
    public void Manifests_are_unique()
    {
        Assert.Equal(MessagingSerializer.Manifests.Count, MessagingSerializer.Manifests.Values.Distinct().Count());
    }

    [Fact]
    public void Serializer_identifier_never_changes()
    {
        Assert.Equal(4711, _serializer.Identifier);
        Assert.Equal(4711, MessagingSerializer.SerializerId);
    }

    [Fact]
    public void Every_message_type_behind_a_bound_marker_interface_has_a_manifest()
    {
        var bound = typeof(MessagingSerializer).Assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false } && MessagingSerializer.BoundTypes.Any(marker => marker.IsAssignableFrom(type)));

        Assert.Empty(bound.Where(type => !MessagingSerializer.Manifests.ContainsKey(type)).Select(type => type.FullName));
    }

    [Theory]
    [MemberData(nameof(ManifestedTypes))]
    public void Actor_system_picks_this_serializer_for_every_type(Type type)
    {
        Assert.IsType<MessagingSerializer>(Sys.Serialization.FindSerializerForType(type));
    }

    [Fact]
    public void Unknown_manifest_is_refused()
    {
        var error = Assert.Throws<SerializationException>(() => _serializer.FromBinary("{}"u8.ToArray(), "cv-no-such-thing"));

        Assert.Contains("cv-no-such-thing", error.Message);
    }

    [Fact]
    public void Type_without_a_manifest_is_refused()
    {
        Assert.Throws<SerializationException>(() => _serializer.Manifest(new MarkReadPlan(ImmutableDictionary<ConversationId, ImmutableArray<MessageId>>.Empty, [])));
    }

    [Fact]
    public void Json_null_payload_is_refused()
    {
        Assert.Throws<SerializationException>(() => _serializer.FromBinary("null"u8.ToArray(), "cv-sent"));
    }

    // ---- golden payloads: written by this build, committed, and read by every later build ----

    private const string GoldenMessageSent =
        """{"ConversationId":"8a5cae0d-132c-525d-9dbc-17440e4deac4","Message":{"Id":"00000000-0000-7000-8000-000000000001","ConversationId":"8a5cae0d-132c-525d-9dbc-17440e4deac4","SenderId":"11111111-1111-4111-8111-111111111111","RecipientId":"22222222-2222-4222-8222-222222222222","ProductId":"aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa","Text":"Is this still available? \u003Cb\u003E\u00E9\u003C/b\u003E \uD83D\uDCF7","CreatedAt":"2025-11-10T14:30:00.123+00:00","Read":false,"SenderName":"Jane Smith","SenderEmail":"jane@example.com"}}""";

    [Fact]
    public void Stored_MessageSent_written_by_an_earlier_build_is_read()
    {
        var evt = _serializer.FromBinary(Encoding.UTF8.GetBytes(GoldenMessageSent), "cv-sent");

        Assert.Equal(new ConversationEvents.MessageSent(CameraChat, Question), evt);
    }

    [Fact]
    public void MessageSent_is_written_exactly_as_the_stored_golden_payload()
    {
        Assert.Equal(GoldenMessageSent, Encoding.UTF8.GetString(_serializer.ToBinary(new ConversationEvents.MessageSent(CameraChat, Question))));
    }

    private const string GoldenConversationStarted =
        """{"ConversationId":"8a5cae0d-132c-525d-9dbc-17440e4deac4","ProductId":"aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa","InitiatorId":"11111111-1111-4111-8111-111111111111","RecipientId":"22222222-2222-4222-8222-222222222222","At":"2025-11-10T14:30:00+00:00"}""";

    [Fact]
    public void Stored_ConversationStarted_written_by_an_earlier_build_is_read()
    {
        var evt = _serializer.FromBinary(Encoding.UTF8.GetBytes(GoldenConversationStarted), "cv-started");

        Assert.Equal(new ConversationEvents.ConversationStarted(CameraChat, Camera, Buyer, Seller, T0), evt);
    }

    private const string GoldenMessagesRead =
        """{"ConversationId":"8a5cae0d-132c-525d-9dbc-17440e4deac4","ReaderId":"22222222-2222-4222-8222-222222222222","MessageIds":["00000000-0000-7000-8000-000000000001","00000000-0000-7000-8000-000000000003"],"At":"2025-11-10T14:31:00+00:00"}""";

    [Fact]
    public void Stored_MessagesRead_written_by_an_earlier_build_is_read()
    {
        var evt = Assert.IsType<ConversationEvents.MessagesRead>(_serializer.FromBinary(Encoding.UTF8.GetBytes(GoldenMessagesRead), "cv-read"));

        Assert.Equal((CameraChat, Seller, T0.AddMinutes(1)), (evt.ConversationId, evt.ReaderId, evt.At));
        Expect.Sequence([MessageNo(1), MessageNo(3)], evt.MessageIds);
    }

    private const string GoldenSummaryRecorded =
        """{"UserId":"22222222-2222-4222-8222-222222222222","Entry":{"Summary":{"ConversationId":"8a5cae0d-132c-525d-9dbc-17440e4deac4","ProductId":"aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa","ParticipantId":"11111111-1111-4111-8111-111111111111","LastMessage":"Is this still available?","LastMessageAt":"2025-11-10T14:30:00+00:00","UnreadCount":1,"IsBlocked":true,"BlockedByMe":false},"UnreadMessageIds":["00000000-0000-7000-8000-000000000001"],"Version":7}}""";

    [Fact]
    public void Stored_SummaryRecorded_written_by_an_earlier_build_is_read()
    {
        var evt = Assert.IsType<InboxEvents.SummaryRecorded>(_serializer.FromBinary(Encoding.UTF8.GetBytes(GoldenSummaryRecorded), "ib-recorded"));

        Assert.Equal(Seller, evt.UserId);
        Assert.Equal(SellerView, evt.Entry.Summary);
        Assert.Equal(7, evt.Entry.Version);
        Expect.Sequence([MessageNo(1)], evt.Entry.UnreadMessageIds);
    }

    private const string GoldenConversationSnapshot =
        """{"ConversationId":"8a5cae0d-132c-525d-9dbc-17440e4deac4","Started":true,"ProductId":"aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa","ParticipantA":"11111111-1111-4111-8111-111111111111","ParticipantB":"22222222-2222-4222-8222-222222222222","CreatedAt":"2025-11-10T14:30:00+00:00","Messages":[{"Id":"00000000-0000-7000-8000-000000000001","ConversationId":"8a5cae0d-132c-525d-9dbc-17440e4deac4","SenderId":"11111111-1111-4111-8111-111111111111","RecipientId":"22222222-2222-4222-8222-222222222222","ProductId":"aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa","Text":"Is this still available? \u003Cb\u003E\u00E9\u003C/b\u003E \uD83D\uDCF7","CreatedAt":"2025-11-10T14:30:00.123+00:00","Read":false,"SenderName":"Jane Smith","SenderEmail":"jane@example.com"},{"Id":"00000000-0000-7000-8000-000000000002","ConversationId":"8a5cae0d-132c-525d-9dbc-17440e4deac4","SenderId":"22222222-2222-4222-8222-222222222222","RecipientId":"11111111-1111-4111-8111-111111111111","ProductId":null,"Text":"Yes","CreatedAt":"2025-11-10T14:35:00+00:00","Read":true,"SenderName":null,"SenderEmail":null}],"Blocks":[{"BlockedBy":"22222222-2222-4222-8222-222222222222","At":"2025-11-10T14:32:00+00:00"}]}""";

    [Fact]
    public void Stored_ConversationSnapshot_written_by_an_earlier_build_is_read()
    {
        var snapshot = Assert.IsType<ConversationSnapshot>(_serializer.FromBinary(Encoding.UTF8.GetBytes(GoldenConversationSnapshot), "cv-snapshot"));
        var state = ConversationState.FromSnapshot(snapshot);

        Expect.Sequence([Question, Answer with { ClientMessageId = null }], state.Messages); // earlier builds stored no client ids
        Expect.Sequence([Seller], state.Blocks.Keys);
        Assert.Equal(1, state.SummaryFor(Seller).UnreadCount);
        Assert.True(state.SummaryFor(Seller).BlockedByMe);
    }
}
