using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Akka.Hosting;
using Akka.TestKit;
using Messaging.Actors.Conversations;
using Messaging.Actors.Doors;
using Messaging.Actors.Inbox;
using Messaging.Actors.Stomp;
using Xunit.Abstractions;
using static Messaging.Actors.Tests.Fixtures;

namespace Messaging.Actors.Tests.Stomp;

/// <summary>What <see cref="RecordingTransport"/> tells its probe, in the order the session called it.</summary>
public static class TransportCalls
{
    /// <summary>One successful <see cref="IStompTransport.TrySend"/>: a whole frame, or a heart-beat.</summary>
    public sealed record Written(byte[] Bytes)
    {
        public bool IsHeartBeat => Bytes.AsSpan().SequenceEqual(StompEncoder.HeartBeat.Span);

        public override string ToString() => $"Written({Encoding.UTF8.GetString(Bytes).Replace("\n", "\\n").Replace("\0", "\\0")})";
    }

    /// <summary>A <see cref="IStompTransport.TrySend"/> answered false: the client's queue is full.</summary>
    public sealed record Refused(byte[] Bytes);

    public sealed class Closed
    {
        public static readonly Closed Instance = new();
        private Closed() { }
    }
}

/// <summary>
/// A transport that reports every write and close to a probe, so specs wait for them with TestKit's
/// ExpectMsg. Told to, it refuses writes as a WebSocket's full bounded queue does.
/// </summary>
public sealed class RecordingTransport(IActorRef probe) : IStompTransport
{
    private volatile bool _refusing;
    private int _closes;

    public bool IsClosed => Volatile.Read(ref _closes) > 0;

    /// <summary>False while the session has told the transport to stop reading from the client.</summary>
    public bool IsReceiving { get; private set; } = true;

    public void SetReceiving(bool receiving) => IsReceiving = receiving;

    /// <summary>From now on the client "stops reading": every write is refused.</summary>
    public void RefuseWrites() => _refusing = true;

    public bool TrySend(ReadOnlyMemory<byte> bytes)
    {
        if (_refusing)
        {
            probe.Tell(new TransportCalls.Refused(bytes.ToArray()));
            return false;
        }
        probe.Tell(new TransportCalls.Written(bytes.ToArray()));
        return true;
    }

    public void Close()
    {
        // The session closes once when it decides to, and again in PostStop; only the first is reported.
        if (Interlocked.Increment(ref _closes) == 1)
            probe.Tell(TransportCalls.Closed.Instance);
    }
}

/// <summary>The directory of the marketplace the specs talk about: the buyer and the seller, and the camera.</summary>
public sealed class InMemoryDirectory : IDirectory
{
    private readonly Dictionary<UserId, UserProfile> _users = new()
    {
        [Buyer] = new UserProfile(Buyer, "Jane Smith", "jane@example.com"),
        [Seller] = new UserProfile(Seller, "John Doe", "john@example.com"),
    };

    private readonly Dictionary<ProductId, ProductInfo> _products = new()
    {
        [Camera] = new ProductInfo(Camera, "Camera", null),
    };

    public Task<UserProfile?> FindUser(UserId id, CancellationToken cancellationToken) => Task.FromResult(_users.GetValueOrDefault(id));

    public Task<ProductInfo?> FindProduct(ProductId id, CancellationToken cancellationToken) => Task.FromResult(_products.GetValueOrDefault(id));

    public Task<IReadOnlyDictionary<UserId, UserProfile>> FindUsers(IReadOnlyCollection<UserId> ids, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<UserId, UserProfile>>(_users.Where(user => ids.Contains(user.Key)).ToDictionary());

    public Task<IReadOnlyDictionary<ProductId, ProductInfo>> FindProducts(IReadOnlyCollection<ProductId> ids, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<ProductId, ProductInfo>>(_products.Where(product => ids.Contains(product.Key)).ToDictionary());
}

/// <summary>
/// One <see cref="StompSession"/> per spec with everything around it stood in for: a <see cref="RecordingTransport"/>,
/// a token table, a probe as the DistributedPubSub mediator, and a real <see cref="ConversationGateway"/> whose
/// conversation and inbox regions are probes (registered in an Akka.Hosting <see cref="ActorRegistry"/>, as in the host).
/// </summary>
public abstract class StompSessionFixture : Akka.TestKit.Xunit2.TestKit
{
    public const string BuyerToken = "buyer-token";
    public const string SellerToken = "seller-token";
    public const string StrangerToken = "stranger-token";

    // Names in the tokens differ from the directory's, so a spec can tell which one the gateway used.
    public static readonly Caller BuyerCaller = new(Buyer, "jane (token)", "jane@token.example");
    public static readonly Caller SellerCaller = new(Seller, "john (token)", "john@token.example");
    public static readonly Caller StrangerCaller = new(Stranger, "stranger", null);

    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);

    /// <summary>No heart-beats unless a spec asks for them, so no "\n" interleaves with the frames it expects.</summary>
    public static readonly StompSettings QuietSettings = new()
    {
        ServerHeartBeat = TimeSpan.Zero,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        MaxFrameBytes = 4096,
        MaxHeaders = 16,
        MaxSubscriptions = 4,
        MaxQueuedFrames = 8,
    };

    public static readonly MessagingSettings GatewaySettings = new() { InboxAckTimeout = TimeSpan.FromSeconds(1), AskTimeout = TimeSpan.FromSeconds(5) };

    /// <summary>
    /// serialize-messages is off here, unlike in <see cref="TestConfig"/>: the session is a local actor per socket and
    /// its internal messages carry what no serializer is meant to carry (bytes as ReadOnlyMemory, decoded frames,
    /// the published object of a topic); with it on, the session does not even get its first Received and every spec
    /// times out. What crosses nodes (the gateway's asks and replies, the published events) goes through our
    /// serializer in the entity and serializer specs.
    /// </summary>
    public static readonly Config SessionConfig =
        ConfigurationFactory.ParseString("akka.actor.serialize-messages = off").WithFallback(TestConfig.Config);

    private static readonly Dictionary<string, Caller> Callers = new()
    {
        [BuyerToken] = BuyerCaller,
        [SellerToken] = SellerCaller,
        [StrangerToken] = StrangerCaller,
    };

    protected StompSessionFixture(ITestOutputHelper output, string name) : base(SessionConfig, name, output)
    {
        TransportProbe = CreateTestProbe("transport");
        Transport = new RecordingTransport(TransportProbe.Ref);
        Mediator = CreateTestProbe("mediator");
        Conversations = CreateTestProbe("conversations");
        Inboxes = CreateTestProbe("inboxes");
    }

    public TestProbe TransportProbe { get; }
    public RecordingTransport Transport { get; }
    public TestProbe Mediator { get; }
    public TestProbe Conversations { get; }
    public TestProbe Inboxes { get; }

    /// <summary>The metrics the gateway and the sessions of this spec record to.</summary>
    public TestMeters Meters { get; } = new();

    protected override void AfterAll()
    {
        Meters.Dispose();
        base.AfterAll();
    }

    /// <summary>Every token the validator was asked about, in order.</summary>
    public List<string> ValidatedTokens { get; } = [];

    /// <summary>The fixture's tokens never expire.</summary>
    public Task<ValidToken?> ValidateToken(string token, CancellationToken cancellationToken)
    {
        lock (ValidatedTokens)
            ValidatedTokens.Add(token);
        return Task.FromResult(Callers.GetValueOrDefault(token) is { } caller ? new ValidToken(caller, null) : null);
    }

    public ConversationGateway Gateway(MessagingSettings? settings = null)
    {
        var registry = new ActorRegistry();
        registry.Register<ConversationActor>(Conversations.Ref);
        registry.Register<UserInboxActor>(Inboxes.Ref);
        var gatewaySettings = settings ?? GatewaySettings;
        return new ConversationGateway(new RequiredActor<ConversationActor>(registry), new RequiredActor<UserInboxActor>(registry),
            new InMemoryDirectory(), AdmissionGate.ForSends(gatewaySettings), gatewaySettings, Meters.Metrics);
    }

    /// <summary>A parent of sessions, as the host has one per node, with the fixture's gateway, tokens and mediator.</summary>
    public IActorRef StartParent(StompSettings? settings = null, MessagingSettings? gatewaySettings = null, TokenValidator? validator = null) =>
        Sys.ActorOf(StompSessions.PropsFor(Gateway(gatewaySettings), validator ?? ValidateToken, Mediator.Ref, settings ?? QuietSettings, Meters.Metrics));

    /// <summary>A session <paramref name="parent"/> started on <paramref name="transport"/>.</summary>
    public IActorRef OpenSession(IActorRef parent, IStompTransport transport, string? upgradeToken = null)
    {
        var opener = CreateTestProbe();
        parent.Tell(new StompSessions.Open(transport, upgradeToken), opener);
        return opener.ExpectMsg<IActorRef>(Wait);
    }

    /// <summary>A session on <see cref="Transport"/>, under a parent of its own.</summary>
    public IActorRef StartSession(StompSettings? settings = null, string? upgradeToken = null, MessagingSettings? gatewaySettings = null, TokenValidator? validator = null) =>
        OpenSession(StartParent(settings, gatewaySettings, validator), Transport, upgradeToken);

    /// <summary>A session of the buyer, CONNECTED (frame consumed).</summary>
    public IActorRef ConnectedSession(StompSettings? settings = null, MessagingSettings? gatewaySettings = null, string token = BuyerToken)
    {
        var session = StartSession(settings, gatewaySettings: gatewaySettings);
        Feed(session, $"CONNECT\naccept-version:1.2\nhost:localhost\nAuthorization:Bearer {token}\n\n\0");
        Assert.Equal(StompCommand.Connected, ExpectFrame().Command);
        return session;
    }

    public static void Feed(IActorRef session, string wire) => Feed(session, Encoding.UTF8.GetBytes(wire));

    public static void Feed(IActorRef session, byte[] wire) => session.Tell(new StompSession.Received(wire));

    public static string Frame(string command, string body = "", params (string Name, string Value)[] headers)
    {
        var wire = new StringBuilder(command).Append('\n');
        foreach (var (name, value) in headers)
            wire.Append(name).Append(':').Append(value).Append('\n');
        return wire.Append('\n').Append(body).Append('\0').ToString();
    }

    /// <summary>The next frame the session wrote (heart-beats skipped); fails on a close or a refused write.</summary>
    public StompFrame ExpectFrame(TimeSpan? within = null)
    {
        var written = Assert.IsType<TransportCalls.Written>(NextCallBesidesHeartBeats(within));
        // A fresh decoder per write: every TrySend must carry exactly one whole frame.
        return Assert.Single(new StompDecoder(new StompLimits(1 << 20, 64)).Decode(written.Bytes));
    }

    /// <summary>The next write or close of the transport within the time allowed, heart-beats skipped.</summary>
    private object NextCallBesidesHeartBeats(TimeSpan? within)
    {
        var deadline = DateTime.UtcNow + (within ?? Wait);
        while (true)
        {
            var remaining = deadline - DateTime.UtcNow;
            var call = TransportProbe.ExpectMsg<object>(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1));
            if (call is not TransportCalls.Written { IsHeartBeat: true })
                return call;
        }
    }

    public StompFrame ExpectFrame(StompCommand command, TimeSpan? within = null)
    {
        var frame = ExpectFrame(within);
        Assert.True(command == frame.Command, $"expected {command} but the session wrote {frame.Command} ({frame.Header("message")}: {frame.BodyText})");
        return frame;
    }

    public void ExpectReceipt(string receiptId, TimeSpan? within = null) =>
        Assert.Equal(receiptId, ExpectFrame(StompCommand.Receipt, within).Header("receipt-id"));

    /// <summary>An ERROR frame with this message header and content-type text/plain; returns its body.</summary>
    public string ExpectError(string message, TimeSpan? within = null)
    {
        var error = ExpectFrame(StompCommand.Error, within);
        Assert.Equal(message, error.Header("message"));
        Assert.Equal("text/plain", error.Header("content-type"));
        return error.BodyText;
    }

    public void ExpectClosed(TimeSpan? within = null) => Assert.IsType<TransportCalls.Closed>(NextCallBesidesHeartBeats(within));

    /// <summary>An ERROR frame, then the transport closed and the session stopped.</summary>
    public string ExpectFailure(IActorRef session, string message, TimeSpan? within = null)
    {
        Watch(session);
        var detail = ExpectError(message, within);
        ExpectClosed();
        ExpectTerminated(session);
        return detail;
    }

    /// <summary>Nothing written (heart-beats aside) and no close for a short while.</summary>
    public void ExpectNothingWritten(TimeSpan? during = null)
    {
        var calls = TransportProbe.ReceiveWhile<object>(during ?? Quiet, call => call);
        Assert.All(calls, call => Assert.True(call is TransportCalls.Written { IsHeartBeat: true }, $"unexpected {call}"));
    }

    /// <summary>The mediator's next Subscribe, acknowledged as DistributedPubSub does.</summary>
    public Subscribe AcknowledgeSubscribe(string topic)
    {
        var subscribe = Mediator.ExpectMsg<Subscribe>(Wait);
        Assert.Equal(topic, subscribe.Topic);
        Assert.Null(subscribe.Group);
        subscribe.Ref.Tell(new SubscribeAck(subscribe));
        return subscribe;
    }

    /// <summary>SUBSCRIBE to the buyer's notification queue, acknowledged; returns its topic, to publish on.</summary>
    public TopicFeed SubscribeNotifications(IActorRef session, string id = "notifications", UserId? user = null)
    {
        Feed(session, Frame("SUBSCRIBE", "", ("id", id), ("destination", Destination.Notifications), ("receipt", $"sub-{id}")));
        var subscribe = AcknowledgeSubscribe(ConversationTopics.User(user ?? Buyer));
        ExpectReceipt($"sub-{id}");
        return new TopicFeed(subscribe.Topic, subscribe.Ref);
    }

    /// <summary>SUBSCRIBE to the buyer's errors queue (no topic behind it).</summary>
    public void SubscribeErrors(IActorRef session, string id = "errors")
    {
        Feed(session, Frame("SUBSCRIBE", "", ("id", id), ("destination", Destination.Errors), ("receipt", $"sub-{id}")));
        ExpectReceipt($"sub-{id}");
    }

    /// <summary>SUBSCRIBE to the camera chat as a participant; returns its topic, to publish on.</summary>
    public TopicFeed SubscribeCameraChat(IActorRef session, string id = "chat", UserId? viewer = null)
    {
        Feed(session, Frame("SUBSCRIBE", "", ("id", id), ("destination", $"/topic/conversation.{CameraChat}"), ("receipt", $"sub-{id}")));
        var query = Conversations.ExpectMsg<ConversationQueries.GetSummary>(Wait);
        Assert.Equal(new ConversationQueries.GetSummary(CameraChat, viewer ?? Buyer), query);
        Conversations.Reply(CameraChatSummary(viewer ?? Buyer));
        var subscribe = AcknowledgeSubscribe(ConversationTopics.Conversation(CameraChat));
        ExpectReceipt($"sub-{id}");
        return new TopicFeed(subscribe.Topic, subscribe.Ref);
    }

    public static ConversationSummary CameraChatSummary(UserId viewer) =>
        new(CameraChat, Camera, viewer == Buyer ? Seller : Buyer, "Is this still available?", T0, 0, false, false);

    /// <summary>A MESSAGE frame with the headers every MESSAGE carries; returns its body.</summary>
    public string ExpectMessage(string subscription, string destination, string? messageId = null)
    {
        var message = ExpectFrame(StompCommand.Message);
        Assert.Equal(subscription, message.Header("subscription"));
        Assert.Equal(destination, message.Header("destination"));
        Assert.Equal("application/json", message.Header("content-type"));
        Assert.Equal(message.Body.Length.ToString(), message.Header("content-length"));
        var id = message.Header("message-id");
        Assert.False(string.IsNullOrEmpty(id));
        if (messageId is not null)
            Assert.Equal(messageId, id);
        return message.BodyText;
    }

    /// <summary>An error event on the errors queue; returns the parsed body for specs whose message is not exact.</summary>
    public JsonElement ExpectErrorEvent(string subscription = "errors")
    {
        var body = ExpectMessage(subscription, Destination.Errors);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    public static string ErrorEventJson(int code, string message, string? receiptId) =>
        $$"""{"type":"ERROR","code":{{code}},"message":{{JsonSerializer.Serialize(message)}},"receiptId":{{(receiptId is null ? "null" : $"\"{receiptId}\"")}}}""";

    /// <summary>A message of the camera chat, from the seller to the buyer, as stored.</summary>
    public static ChatMessage SellerReply(int n = 1, string text = "Yes, still available!") =>
        new(MessageNo(n), CameraChat, Seller, Buyer, Camera, text, T0.AddMinutes(5), false, "John Doe", "john@example.com");

    public static ChatMessage BuyerMessage(int n, string text) =>
        new(MessageNo(n), CameraChat, Buyer, Seller, Camera, text, T0.AddMinutes(n), false, "Jane Smith", "jane@example.com");
}

/// <summary>A topic a session subscribed to (the session itself is the subscriber), published on as a conversation does.</summary>
public sealed record TopicFeed(string Topic, IActorRef Subscriber)
{
    public void Publish(object evt) => Subscriber.Tell(new ConversationTopics.Announcement(Topic, evt));
}
