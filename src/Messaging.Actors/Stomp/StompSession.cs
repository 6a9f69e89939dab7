using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Messaging.Actors.Conversations;
using Messaging.Actors.Doors;

namespace Messaging.Actors.Stomp;

/// <summary>
/// One client connection speaking STOMP 1.2 (1.0 and 1.1 accepted). Authenticates CONNECT, checks every SUBSCRIBE,
/// turns SENDs into the same gateway calls as the REST endpoints, and writes events as MESSAGE frames. Frames are
/// handled one at a time in arrival order, so a client's messages are stored in the order it sent them.
/// Knows nothing of what carries its bytes (<see cref="IStompTransport"/>).
/// </summary>
/// <remarks>
/// A node holds one session per connection, tens of thousands when idle, so a session keeps little: it is an
/// <see cref="UntypedActor"/> (no handler table per instance), subscribes itself to its topics (no actor per
/// subscription), and runs one timer for all its deadlines.
/// </remarks>
public sealed class StompSession : UntypedActor, IWithTimers
{
    /// <summary>Bytes from the client, as the transport received them (any split).</summary>
    public sealed record Received(ReadOnlyMemory<byte> Bytes);

    /// <summary>The transport is gone; the session ends.</summary>
    public sealed class TransportClosed
    {
        public static readonly TransportClosed Instance = new();
        private TransportClosed() { }
    }

    /// <summary>The node is shutting down: the session ends with an ERROR once the frame in hand is done, so the client reconnects elsewhere.</summary>
    public sealed class ServerStopping
    {
        public static readonly ServerStopping Instance = new();
        private ServerStopping() { }
    }

    private sealed record Authenticated(StompFrame Connect, string Version, ValidToken? Token);

    /// <summary>A CONNECT whose token and heart-beat are fine, waiting for the parent to admit one more session of its user.</summary>
    private sealed record Admitting(StompFrame Connect, string Version, ValidToken Token, TimeSpan ClientSends, TimeSpan ClientWants);

    private sealed record SubscriptionChecked(StompFrame Subscribe, Destination Destination, Rejection? Refusal);

    private sealed record AppSendCompleted(StompFrame Send, Rejection? Refusal);

    /// <summary>The earliest of the session's deadlines may have come: CONNECT, token expiry, a heart-beat out, a silence check.</summary>
    private sealed class Tick
    {
        public static readonly Tick Instance = new();
        private Tick() { }
    }

    /// <summary>A check found silence: confirmed behind whatever the mailbox already holds.</summary>
    private sealed class ConfirmSilence
    {
        public static readonly ConfirmSilence Instance = new();
        private ConfirmSilence() { }
    }

    public const string ServerName = "messaging/1.0";
    private const string ReceiptHeader = "receipt";
    private static readonly string[] SupportedVersions = ["1.2", "1.1", "1.0"];

    /// <summary>The longest heart-beat interval a client may ask for: longer ones are no heart-beat at all, and overflow the timers.</summary>
    public static readonly TimeSpan MaxHeartBeat = TimeSpan.FromHours(1);

    private readonly IStompTransport _transport;
    private readonly ConversationGateway _gateway;
    private readonly TokenValidator _validateToken;
    private readonly IActorRef _mediator;
    private readonly StompSettings _settings;
    private readonly MessagingMetrics _metrics;
    private readonly string? _upgradeToken;
    private readonly StompDecoder _decoder;
    private readonly Queue<StompFrame> _frames = new();
    private readonly Dictionary<string, Destination> _subscriptions = new();
    private readonly CancellationTokenSource _stopping = new();
    private ILoggingAdapter? _log;
    private Caller? _caller;
    private Admitting? _admitting;
    private bool _busy;
    private bool _closing;
    private bool _serverStopping;
    private bool _receivingPaused;
    private long _messageCount;
    private TimeSpan _clientHeartBeat;
    private TimeSpan _serverHeartBeat;
    private DateTime _lastReceived = DateTime.UtcNow;
    private DateTime _connectDeadline;
    private DateTime? _tokenExpires;
    private DateTime _nextHeartBeat;
    private DateTime _nextSilenceCheck;

    /// <summary>The receipt a SUBSCRIBE asked for, sent once its topic acknowledges the subscription.</summary>
    private string? _subscribeReceipt;

    public StompSession(
        IStompTransport transport, ConversationGateway gateway, TokenValidator validateToken, IActorRef mediator, StompSettings settings, MessagingMetrics metrics,
        string? upgradeToken)
    {
        _transport = transport;
        _gateway = gateway;
        _validateToken = validateToken;
        _mediator = mediator;
        _settings = settings;
        _metrics = metrics;
        _upgradeToken = upgradeToken;
        _decoder = new StompDecoder(settings.Limits);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Made on first use: most sessions never log, and an adapter per session is memory every idle connection holds.</summary>
    private ILoggingAdapter Log => _log ??= Context.GetLogger();

    private bool ClientSilent => DateTime.UtcNow - _lastReceived > _clientHeartBeat * _settings.HeartBeatGrace;

    public static Props PropsFor(
        IStompTransport transport, ConversationGateway gateway, TokenValidator validateToken, IActorRef mediator, StompSettings settings, MessagingMetrics metrics,
        string? upgradeToken) =>
        Props.Create(() => new StompSession(transport, gateway, validateToken, mediator, settings, metrics, upgradeToken)).WithMailbox(CompactMailbox.Id);

    protected override void PreStart()
    {
        _metrics.StompSessionOpened();
        _connectDeadline = DateTime.UtcNow + _settings.ConnectTimeout;
        ScheduleTick(DateTime.UtcNow);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Received received:
                OnReceived(received);
                break;
            case ConversationTopics.Announcement announcement:
                OnAnnouncement(announcement);
                break;
            case AppSendCompleted completed:
                OnSendCompleted(completed);
                break;
            case Tick:
                OnTick();
                break;
            case ConfirmSilence:
                if (ClientSilent)
                    Fail("heart-beat timeout", $"nothing received for {(DateTime.UtcNow - _lastReceived).TotalSeconds:0.###} s");
                break;
            case Authenticated authenticated:
                OnAuthenticated(authenticated);
                break;
            case StompSessions.Admission admission:
                OnAdmission(admission);
                break;
            case SubscriptionChecked checkedSubscription:
                OnSubscriptionChecked(checkedSubscription);
                break;
            case SubscribeAck:
                OnTopicSubscribed();
                break;
            case UnsubscribeAck:
                break;
            case TransportClosed:
                Context.Stop(Self);
                break;
            case ServerStopping:
                // Frames not yet begun are not begun: their client hears no receipt and sends them again elsewhere.
                _serverStopping = true;
                _frames.Clear();
                HandleQueuedFrames();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>The SEND in hand is answered: a receipt, or the refusal on the errors queue; the next frame may begin.</summary>
    private void OnSendCompleted(AppSendCompleted completed)
    {
        _busy = false;
        if (completed.Refusal is { } refusal)
            ReportError(refusal.StatusCode(), refusal.Detail, completed.Send.Header(ReceiptHeader));
        else
            Receipt(completed.Send.Header(ReceiptHeader));
        HandleQueuedFrames();
    }

    private void OnSubscriptionChecked(SubscriptionChecked checkedSubscription)
    {
        _busy = false;
        if (checkedSubscription.Refusal is { } refusal)
            Fail($"not allowed to subscribe to {checkedSubscription.Destination.Name}", refusal.Detail, checkedSubscription.Subscribe);
        else
            Subscribe(checkedSubscription.Subscribe, checkedSubscription.Destination);
        HandleQueuedFrames();
    }

    /// <summary>The topic of the SUBSCRIBE in hand is live: its receipt goes out now, so nothing after it is missed.</summary>
    private void OnTopicSubscribed()
    {
        _busy = false;
        Receipt(_subscribeReceipt);
        _subscribeReceipt = null;
        HandleQueuedFrames();
    }

    /// <summary>
    /// Meets whichever deadlines have come, then waits for the next. Silence is measured when the session runs, so a
    /// session that was not scheduled for a while would see its client's beats only after the check: the check looks
    /// again behind them before dropping the client.
    /// </summary>
    private void OnTick()
    {
        var now = DateTime.UtcNow;
        if (_caller is null)
        {
            if (now >= _connectDeadline)
                Fail("no CONNECT frame", $"a CONNECT frame must arrive within {_settings.ConnectTimeout.TotalSeconds:0.###} s");
        }
        // REST refuses an expired token; a session opened with it must not outlive it either.
        else if (_tokenExpires is { } expires && now >= expires)
            Fail("token expired", "the bearer token has expired; connect again with a fresh one");
        else
        {
            if (_serverHeartBeat > TimeSpan.Zero && now >= _nextHeartBeat)
            {
                Write(StompEncoder.HeartBeat);
                _nextHeartBeat = Next(_nextHeartBeat, _serverHeartBeat, now);
            }
            if (_clientHeartBeat > TimeSpan.Zero && now >= _nextSilenceCheck)
            {
                if (ClientSilent)
                    Self.Tell(ConfirmSilence.Instance);
                _nextSilenceCheck = Next(_nextSilenceCheck, _clientHeartBeat, now);
            }
        }
        ScheduleTick(now);
    }

    /// <summary>One timer for every deadline, set for the earliest; a long one is cut to <see cref="MaxHeartBeat"/> and simply looked at again.</summary>
    private void ScheduleTick(DateTime now)
    {
        if (_closing)
            return;
        var next = now + MaxHeartBeat;
        if (_caller is null)
            next = Min(next, _connectDeadline);
        else
        {
            if (_tokenExpires is { } expires)
                next = Min(next, expires);
            if (_serverHeartBeat > TimeSpan.Zero)
                next = Min(next, _nextHeartBeat);
            if (_clientHeartBeat > TimeSpan.Zero)
                next = Min(next, _nextSilenceCheck);
        }
        Timers.StartSingleTimer(nameof(Tick), Tick.Instance, Max(next - now, TimeSpan.Zero));
    }

    /// <summary>The next time a periodic duty is due: one period on, or one period from now if the session fell behind.</summary>
    private static DateTime Next(DateTime due, TimeSpan period, DateTime now) => due + period > now ? due + period : now + period;

    /// <summary>
    /// A session that throws is stopped by its parent (<see cref="StompSessions"/>); the client is told first, when its
    /// queue has room, and PostStop closes the transport.
    /// </summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception) when (!_closing)
        {
            _closing = true;
            _transport.TrySend(StompEncoder.Encode(StompFrame.WithText(StompCommand.Error, "the server failed to handle this connection; connect again",
                [("message", "internal error"), ("content-type", "text/plain")])));
            throw;
        }
    }

    protected override void PostStop()
    {
        _metrics.StompSessionClosed();
        if (_subscriptions.Count > 0)
            _metrics.StompSubscriptionsChanged(-_subscriptions.Count);
        foreach (var topic in _subscriptions.Values.Select(destination => destination.Topic).OfType<string>().Distinct())
            _mediator.Tell(new Unsubscribe(topic, Self));
        _stopping.Cancel();
        _stopping.Dispose();
        _transport.Close();
    }

    private void OnReceived(Received received)
    {
        if (_closing)
            return;
        _lastReceived = DateTime.UtcNow;
        IReadOnlyList<StompFrame> frames;
        try
        {
            frames = _decoder.Decode(received.Bytes.Span);
        }
        catch (StompProtocolException error)
        {
            Fail($"malformed frame ({error.Kind})", error.Message);
            return;
        }
        foreach (var frame in frames)
            _frames.Enqueue(frame);
        HandleQueuedFrames();
    }

    private void HandleQueuedFrames()
    {
        if (_serverStopping && !_busy)
        {
            Fail("server shutting down", "this node is shutting down: connect again to reach another one");
            return;
        }
        while (!_busy && !_closing && _frames.TryDequeue(out var frame))
            Handle(frame);
        // Back-pressure: the client waits in TCP while too much is queued here; a hysteresis avoids flapping.
        if (!_receivingPaused && _frames.Count >= _settings.MaxQueuedFrames)
            SetReceiving(false);
        else if (_receivingPaused && _frames.Count <= _settings.MaxQueuedFrames / 2)
            SetReceiving(true);
    }

    private void SetReceiving(bool receiving)
    {
        _receivingPaused = !receiving;
        _transport.SetReceiving(receiving);
    }

    private void Handle(StompFrame frame)
    {
        if (_caller is null)
        {
            if (frame.Command is StompCommand.Connect or StompCommand.Stomp)
                Connect(frame);
            else
                Fail("not connected", $"the first frame must be CONNECT, not {frame.Command.ToString().ToUpperInvariant()}", frame);
            return;
        }

        switch (frame.Command)
        {
            case StompCommand.Subscribe:
                HandleSubscribe(frame);
                break;
            case StompCommand.Unsubscribe:
                HandleUnsubscribe(frame);
                break;
            case StompCommand.Send:
                HandleSend(frame);
                break;
            case StompCommand.Ack or StompCommand.Nack:
                // Every subscription is ack:auto in effect; acknowledgements are accepted and need nothing more.
                Receipt(frame.Header(ReceiptHeader));
                break;
            case StompCommand.Begin or StompCommand.Commit or StompCommand.Abort:
                Fail("transactions are not supported", "BEGIN, COMMIT and ABORT are not supported by this server", frame);
                break;
            case StompCommand.Disconnect:
                Receipt(frame.Header(ReceiptHeader));
                Close();
                break;
            case StompCommand.Connect or StompCommand.Stomp:
                Fail("already connected", "CONNECT may be sent only once", frame);
                break;
            default:
                Fail("not a client frame", $"{frame.Command.ToString().ToUpperInvariant()} is sent by servers only", frame);
                break;
        }
    }

    private void Connect(StompFrame connect)
    {
        if (NegotiateVersion(connect.Header("accept-version")) is not { } version)
        {
            Fail("unsupported protocol version", $"supported versions are {string.Join(",", SupportedVersions.Reverse())}", connect, ("version", "1.0,1.1,1.2"));
            return;
        }
        if (TokenOf(connect) is not { } token)
        {
            Fail("authentication required", "send a bearer token in the CONNECT frame's Authorization (or passcode) header", connect);
            return;
        }
        _busy = true;
        _validateToken(token, _stopping.Token).PipeTo(Self,
            success: caller => new Authenticated(connect, version, caller),
            failure: _ => new Authenticated(connect, version, null));
    }

    private void OnAuthenticated(Authenticated authenticated)
    {
        _busy = false;
        if (authenticated.Token is not { } token)
        {
            Fail("authentication failed", "the bearer token is invalid or expired", authenticated.Connect);
            return;
        }
        var heartBeat = authenticated.Connect.Header("heart-beat");
        if (!TryParseHeartBeat(heartBeat, out var clientSends, out var clientWants))
        {
            Fail("malformed heart-beat header", "heart-beat must be two non-negative integers, e.g. 10000,10000", authenticated.Connect);
            return;
        }
        if (clientSends > MaxHeartBeat || clientWants > MaxHeartBeat)
        {
            Fail("heart-beat out of range", $"heart-beat intervals may be at most {(long)MaxHeartBeat.TotalMilliseconds} ms, not {heartBeat}", authenticated.Connect);
            return;
        }
        _busy = true;
        _admitting = new Admitting(authenticated.Connect, authenticated.Version, token, clientSends, clientWants);
        Context.Parent.Tell(new StompSessions.Admit(token.Caller.Id));
    }

    private void OnAdmission(StompSessions.Admission admission)
    {
        _busy = false;
        var (connect, version, token, clientSends, clientWants) = _admitting!;
        _admitting = null;
        if (admission.RefusedLimit is { } limit)
        {
            Fail("too many connections", limit, connect);
            return;
        }
        _caller = token.Caller;
        _tokenExpires = token.ExpiresUtc;

        var server = _settings.ServerHeartBeat;
        // Each side beats at the slower of what one offers and the other wants; zero on either side means never.
        _serverHeartBeat = server > TimeSpan.Zero && clientWants > TimeSpan.Zero ? Max(server, clientWants) : TimeSpan.Zero;
        _clientHeartBeat = server > TimeSpan.Zero && clientSends > TimeSpan.Zero ? Max(server, clientSends) : TimeSpan.Zero;
        var now = DateTime.UtcNow;
        _nextHeartBeat = now + _serverHeartBeat;
        _nextSilenceCheck = now + _clientHeartBeat;
        ScheduleTick(now);

        var milliseconds = ((long)server.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        Write(StompFrame.Create(StompCommand.Connected,
            ("version", version),
            ("heart-beat", $"{milliseconds},{milliseconds}"),
            ("server", ServerName),
            ("user-name", _caller.Id.ToString())));
        Receipt(connect.Header(ReceiptHeader));
        HandleQueuedFrames();
    }

    private void HandleSubscribe(StompFrame subscribe)
    {
        var id = subscribe.Header("id");
        var name = subscribe.Header("destination");
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(name))
            Fail("malformed SUBSCRIBE", "SUBSCRIBE needs an id and a destination header", subscribe);
        else if (_subscriptions.ContainsKey(id))
            Fail("duplicate subscription id", $"subscription id {id} is already in use on this connection", subscribe);
        else if (_subscriptions.Count >= _settings.MaxSubscriptions)
            Fail("too many subscriptions", $"at most {_settings.MaxSubscriptions} subscriptions per connection", subscribe);
        else if (Destination.Parse(name, _caller!.Id) is not { } destination)
            Fail("unknown destination", $"{name} is not a destination; use /topic/conversation.{{id}}, {Destination.Notifications} or {Destination.Errors}", subscribe);
        else if (destination.ConversationId is { } conversationId)
        {
            _busy = true;
            _gateway.CheckParticipant(_caller, conversationId, _stopping.Token).PipeTo(Self,
                success: refusal => new SubscriptionChecked(subscribe, destination, refusal),
                failure: _ => new SubscriptionChecked(subscribe, destination, Rejection.Unavailable("the conversation did not answer in time")));
        }
        else
            Subscribe(subscribe, destination);
    }

    /// <summary>
    /// A subscription fed by a topic is acknowledged once the topic subscription is live, so nothing after the RECEIPT
    /// is missed. A second subscription to a topic the session already hears needs no new topic subscription.
    /// </summary>
    private void Subscribe(StompFrame subscribe, Destination destination)
    {
        var receipt = subscribe.Header(ReceiptHeader);
        var topic = destination.Topic;
        var newTopic = topic is not null && !HearsTopic(topic);
        _subscriptions[subscribe.Header("id")!] = destination;
        _metrics.StompSubscriptionsChanged(1);
        if (newTopic)
        {
            _busy = true;
            _subscribeReceipt = receipt;
            _mediator.Tell(new Subscribe(topic!, Self));
        }
        else
            Receipt(receipt);
    }

    private bool HearsTopic(string topic) => _subscriptions.Values.Any(destination => destination.Topic == topic);

    private void HandleUnsubscribe(StompFrame unsubscribe)
    {
        if (unsubscribe.Header("id") is not { Length: > 0 } id)
        {
            Fail("malformed UNSUBSCRIBE", "UNSUBSCRIBE needs an id header", unsubscribe);
            return;
        }
        if (_subscriptions.Remove(id, out var destination))
        {
            _metrics.StompSubscriptionsChanged(-1);
            if (destination.Topic is { } topic && !HearsTopic(topic))
                _mediator.Tell(new Unsubscribe(topic, Self));
        }
        Receipt(unsubscribe.Header(ReceiptHeader));
    }

    private void HandleSend(StompFrame send)
    {
        var caller = _caller!;
        var cancellation = _stopping.Token;
        Task<Rejection?> work = send.Header("destination") switch
        {
            AppDestinations.MessageSend => Call<SendMessageRequest, ChatMessage>(send, request => _gateway.Send(caller, request, Door.Stomp, cancellation),
                unreadable: () => _metrics.SendRefused(Door.Stomp, RejectionReason.Invalid)),
            AppDestinations.TypingStart => Call<TypingRequest, bool>(send, request => _gateway.StartTyping(caller, request.ConversationId, cancellation)),
            AppDestinations.MessagesRead => Call<MarkReadRequest, int>(send, request => _gateway.MarkRead(caller, request, cancellation)),
            AppDestinations.ConversationBlock => Call<BlockConversationRequest, ConversationReplies.BlockChanged>(send,
                request => _gateway.SetBlocked(caller, request.ConversationId ?? "", new BlockRequest(request.Block), cancellation)),
            var other => Task.FromResult<Rejection?>(Rejection.NotFound(
                $"{other ?? "(none)"} is not a destination; send to {AppDestinations.MessageSend}, {AppDestinations.TypingStart}, {AppDestinations.MessagesRead} or {AppDestinations.ConversationBlock}")),
        };
        _busy = true;
        work.PipeTo(Self,
            success: refusal => new AppSendCompleted(send, refusal),
            failure: _ => new AppSendCompleted(send, Rejection.Unavailable("the service did not answer in time; retry shortly")));
    }

    /// <summary>
    /// Reads a SEND body as the JSON request of <typeparamref name="TRequest"/> and makes the call; the refusal, if any.
    /// <paramref name="unreadable"/> learns of a body that could not be read.
    /// </summary>
    private static async Task<Rejection?> Call<TRequest, TResult>(StompFrame send, Func<TRequest, Task<Outcome<TResult>>> call, Action? unreadable = null)
        where TRequest : class
    {
        if (DoorJson.TryRead<TRequest>(send.Body.Span, DoorJson.Options, out var request, out var problem))
            return (await call(request)).Rejection;
        unreadable?.Invoke();
        return Rejection.Invalid(problem);
    }

    /// <summary>Every subscription fed by the topic that carried the event sees it, each as its destination shows it.</summary>
    private void OnAnnouncement(ConversationTopics.Announcement announcement)
    {
        foreach (var (id, destination) in _subscriptions)
        {
            if (destination.Topic == announcement.Topic && StompEvents.Body(destination.Kind, announcement.Event, _caller!.Id) is { } body)
                SendMessage(id, destination.Name, body);
        }
    }

    /// <summary>A refused SEND does not end the connection: the client hears of it on its errors queue, if it subscribed to it.</summary>
    private void ReportError(int code, string message, string? receiptId)
    {
        var errors = _subscriptions.FirstOrDefault(subscription => subscription.Value.Kind == DestinationKind.UserErrors);
        if (errors.Key is not null)
            SendMessage(errors.Key, Destination.Errors, StompEvents.Error(code, message, receiptId));
        else
            Log.Debug("Refused SEND ({Code}: {Refusal}) not reported: no subscription to {Destination}", code, message, Destination.Errors);
    }

    private void SendMessage(string subscriptionId, string destination, byte[] body) =>
        Write(new StompFrame(StompCommand.Message,
        [
            new("subscription", subscriptionId),
            new("message-id", (++_messageCount).ToString(CultureInfo.InvariantCulture)),
            new("destination", destination),
            new("content-type", "application/json"),
        ], body));

    private void Receipt(string? receiptId)
    {
        if (receiptId is not null)
            Write(StompFrame.Create(StompCommand.Receipt, ("receipt-id", receiptId)));
    }

    /// <summary>
    /// Sends an ERROR frame naming the problem and closes, as STOMP requires after an ERROR. The ERROR carries the
    /// <c>receipt-id</c> of the frame that caused it, when that frame asked for a receipt.
    /// </summary>
    private void Fail(string message, string detail, StompFrame? cause = null, params (string Name, string Value)[] headers)
    {
        if (_closing)
            return;
        Log.Debug("Closing STOMP session: {Reason} ({Detail})", message, detail);
        (string Name, string Value)[] receipt = cause?.Header(ReceiptHeader) is { } receiptId ? [("receipt-id", receiptId)] : [];
        Write(StompFrame.WithText(StompCommand.Error, detail, [("message", message), ("content-type", "text/plain"), ..receipt, ..headers]));
        Close();
    }

    private void Close()
    {
        _closing = true;
        _frames.Clear();
        _transport.Close();
        Context.Stop(Self);
    }

    private void Write(StompFrame frame) => Write(StompEncoder.Encode(frame));

    private void Write(ReadOnlyMemory<byte> bytes)
    {
        if (_transport.TrySend(bytes))
            return;
        // The client stopped reading: dropping it keeps our memory bounded; it can reconnect.
        Log.Info("Closing STOMP session of {UserId}: the client does not read its frames", _caller?.Id.ToString() ?? "an unauthenticated client");
        Close();
    }

    private string? TokenOf(StompFrame connect) =>
        Stomp.BearerToken.From(connect.Header("Authorization") ?? connect.Header("authorization"))
        ?? (connect.Header("passcode") is { Length: > 0 } passcode ? passcode : _upgradeToken);

    private static string? NegotiateVersion(string? acceptVersion)
    {
        if (acceptVersion is null)
            return "1.0"; // a client that names no version speaks 1.0
        var offered = acceptVersion.Split(',', StringSplitOptions.TrimEntries);
        return SupportedVersions.FirstOrDefault(offered.Contains);
    }

    /// <summary>Reads the two intervals; one past <see cref="MaxHeartBeat"/> comes back as <see cref="TimeSpan.MaxValue"/>, for the caller to refuse.</summary>
    private static bool TryParseHeartBeat(string? header, out TimeSpan clientSends, out TimeSpan clientWants)
    {
        clientSends = clientWants = TimeSpan.Zero;
        if (header is null)
            return true;
        var parts = header.Split(',', StringSplitOptions.TrimEntries);
        return parts.Length == 2 && TryParseInterval(parts[0], out clientSends) && TryParseInterval(parts[1], out clientWants);
    }

    private static bool TryParseInterval(string milliseconds, out TimeSpan interval)
    {
        interval = TimeSpan.Zero;
        if (milliseconds.Length == 0 || !milliseconds.All(char.IsAsciiDigit))
            return false;
        // Past the maximum, the digits need not even fit a long: the value is out of range either way.
        interval = long.TryParse(milliseconds, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= (long)MaxHeartBeat.TotalMilliseconds
            ? TimeSpan.FromMilliseconds(value)
            : TimeSpan.MaxValue;
        return true;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}
