using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Messaging.Actors;
using Messaging.Actors.Conversations;
using Messaging.Actors.Doors;
using Messaging.Actors.Inbox;
using Messaging.Actors.Stomp;
using Messaging.Host.Auth;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Messaging.Host;

/// <summary>
/// Runs every hot path once before the node reports ready, so no user pays for JIT, query compilation, shard
/// allocation or journal initialisation: a first message between two new users through the gateway (directory,
/// a new conversation and two new inboxes: journal reads for their recovery, journal writes), then, over this node's
/// own HTTP port, every REST endpoint and a STOMP session. The two users are new on every start and reserved: their
/// ids are version-0 UUIDs (<c>00000000-0000-0000-…</c>), which no generator of real ids makes. They are never put in
/// the directory (a directory of the warm-up's own names them to its gateway), no real user takes part in their
/// conversation, and their entities leave memory when idle; what stays is a handful of journal rows per start.
/// </summary>
public sealed class WarmStart(
    IRequiredActor<ConversationActor> conversations,
    IRequiredActor<UserInboxActor> inboxes,
    IDirectory directory,
    AdmissionGate sends,
    MessagingSettings settings,
    MessagingMetrics metrics,
    JwtSettings jwt,
    ActorSystem system,
    IServer server,
    IHostApplicationLifetime lifetime,
    ILogger<WarmStart> logger) : BackgroundService
{
    private const int Attempts = 3;
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly TaskCompletionSource _warm = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Done once the hot paths ran (or warming gave up, so a node that cannot warm still serves).</summary>
    public Task Warmed => _warm.Task;

    public bool IsWarm => Warmed.IsCompleted;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Started(stoppingToken);
        var clock = Stopwatch.StartNew();
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            try
            {
                await RunHotPaths(stoppingToken);
                logger.LogInformation("Warm after {ElapsedMs} ms", clock.ElapsedMilliseconds);
                break;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Warm-up attempt {Attempt} of {Attempts} failed", attempt, Attempts);
                if (attempt < Attempts)
                    await Task.Delay(RetryAfter, stoppingToken);
            }
        }
        _warm.TrySetResult();
    }

    /// <summary>Kestrel listens and this node is an Up member of the cluster: the state in which users reach it.</summary>
    private async Task Started(CancellationToken stoppingToken)
    {
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Cluster.Get(system).RegisterOnMemberUp(() => up.TrySetResult());
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await Task.WhenAll(up.Task, started.Task).WaitAsync(stoppingToken);
    }

    private async Task RunHotPaths(CancellationToken cancellationToken)
    {
        var (buyer, seller) = (ReservedUser(), ReservedUser());
        var gateway = new ConversationGateway(conversations, inboxes, new ReservedUsersDirectory(directory, [buyer, seller]), sends, settings, metrics);
        var sent = await gateway.Send(new Caller(buyer, "Warm-up", null), new SendMessageRequest(null, seller.ToString(), null, "warm-up", Guid.NewGuid().ToString()), Door.Rest, cancellationToken);
        var message = sent.Value ?? throw new InvalidOperationException($"the warm-up send was refused: {sent.Rejection?.Detail}");
        if (jwt.SigningKey is not null && LocalAddress() is { } address)
        {
            await ExerciseRest(address, buyer, seller, message.ConversationId, cancellationToken);
            await ExerciseStomp(address, buyer, message.ConversationId, cancellationToken);
        }
    }

    /// <summary>A version-0 UUID: its first three groups are zero, the rest random.</summary>
    private static UserId ReservedUser()
    {
        var bytes = Guid.NewGuid().ToByteArray();
        Array.Clear(bytes, 0, 8);
        return new UserId(new Guid(bytes));
    }

    /// <summary>Each REST endpoint through the whole pipeline (authentication, binding, JSON, the problem writer).</summary>
    private async Task ExerciseRest(Uri address, UserId buyerId, UserId sellerId, ConversationId conversationId, CancellationToken cancellationToken)
    {
        using var buyer = Client(address, buyerId);
        using var seller = Client(address, sellerId);
        var sent = await Success(buyer.PostAsJsonAsync("/api/messages", new { conversationId = conversationId.ToString(), text = "warm-up" }, cancellationToken));
        var messageId = (await sent.Content.ReadFromJsonAsync<MessageResponse>(DoorJson.Options, cancellationToken))!.Id;
        await Success(seller.GetAsync($"/api/messages?conversationId={conversationId}", cancellationToken));
        await Success(seller.GetAsync("/api/conversations", cancellationToken));
        await Success(seller.GetAsync($"/api/conversations/{conversationId}", cancellationToken));
        await Success(seller.PatchAsJsonAsync("/api/messages/mark-read", new { messageIds = new[] { messageId } }, cancellationToken));
        // A refused body: the 400 problem path and the JSON error wording.
        using var refused = await buyer.PostAsJsonAsync("/api/messages", new { conversationId = 1 }, cancellationToken);
    }

    /// <summary>A STOMP session over the WebSocket: CONNECT, SUBSCRIBE to the conversation, a SEND answered by its RECEIPT and the MESSAGE.</summary>
    private async Task ExerciseStomp(Uri address, UserId buyer, ConversationId conversationId, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("v12.stomp");
        await socket.ConnectAsync(new UriBuilder(address) { Scheme = "ws", Path = "/ws" }.Uri, timeout.Token);
        var decoder = new StompDecoder(new StompLimits());
        var token = Token(buyer);
        await Write(socket, StompFrame.Create(StompCommand.Connect, ("accept-version", "1.2"), ("host", address.Host), ("Authorization", $"Bearer {token}")), timeout.Token);
        await Read(socket, decoder, StompCommand.Connected, timeout.Token);
        await Write(socket, StompFrame.Create(StompCommand.Subscribe, ("id", "warm-up"), ("destination", $"/topic/{ConversationTopics.Conversation(conversationId)}"), ("receipt", "subscribed")), timeout.Token);
        await Read(socket, decoder, StompCommand.Receipt, timeout.Token);
        await Write(socket, StompFrame.WithText(StompCommand.Send,
            JsonSerializer.Serialize(new SendMessageRequest(conversationId.ToString(), null, null, "warm-up", Guid.NewGuid().ToString()), DoorJson.Options),
            ("destination", "/app/message.send"), ("content-type", "application/json"), ("receipt", "sent")), timeout.Token);
        await Read(socket, decoder, StompCommand.Receipt, timeout.Token);
        await Write(socket, StompFrame.Create(StompCommand.Disconnect), timeout.Token);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
    }

    private static Task Write(WebSocket socket, StompFrame frame, CancellationToken cancellationToken) =>
        socket.SendAsync(StompEncoder.Encode(frame), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    /// <summary>Reads until a frame of <paramref name="command"/> arrives; an ERROR fails the warm-up.</summary>
    private static async Task Read(WebSocket socket, StompDecoder decoder, StompCommand command, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, cancellationToken);
            if (received.MessageType == WebSocketMessageType.Close)
                throw new InvalidOperationException($"the STOMP session closed before {command}");
            foreach (var frame in decoder.Decode(buffer.AsSpan(0, received.Count)))
            {
                if (frame.Command == StompCommand.Error)
                    throw new InvalidOperationException($"the STOMP session answered ERROR {frame.Header("message")}: {frame.BodyText}");
                if (frame.Command == command)
                    return;
            }
        }
    }

    private HttpClient Client(Uri address, UserId user)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = RequestTimeout };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(user));
        return client;
    }

    private string Token(UserId user) => DevelopmentTokens.Issue(jwt, user.Value, "Warm-up", lifetime: TimeSpan.FromMinutes(5));

    private static async Task<HttpResponseMessage> Success(Task<HttpResponseMessage> request)
    {
        var response = await request;
        return response.IsSuccessStatusCode
            ? response
            : throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>This node's own HTTP address on loopback, or null when it serves no socket (an in-memory test server).</summary>
    private Uri? LocalAddress()
    {
        var listening = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault(address => address.StartsWith("http://", StringComparison.Ordinal));
        if (listening is null)
            return null;
        var address = new Uri(listening.Replace("://+", "://localhost").Replace("://*", "://localhost"));
        return new UriBuilder(address) { Host = address.Host is "0.0.0.0" or "[::]" ? "localhost" : address.Host }.Uri;
    }

    /// <summary>The directory with the warm-up's users added in memory only, for the warm-up's own gateway.</summary>
    private sealed class ReservedUsersDirectory(IDirectory directory, UserId[] reserved) : IDirectory
    {
        public async Task<UserProfile?> FindUser(UserId id, CancellationToken cancellationToken) =>
            IsReserved(id) ? new UserProfile(id, "Warm-up", "warm-up@invalid") : await directory.FindUser(id, cancellationToken);

        public Task<ProductInfo?> FindProduct(ProductId id, CancellationToken cancellationToken) => directory.FindProduct(id, cancellationToken);

        public Task<IReadOnlyDictionary<UserId, UserProfile>> FindUsers(IReadOnlyCollection<UserId> ids, CancellationToken cancellationToken) =>
            directory.FindUsers(ids, cancellationToken);

        public Task<IReadOnlyDictionary<ProductId, ProductInfo>> FindProducts(IReadOnlyCollection<ProductId> ids, CancellationToken cancellationToken) =>
            directory.FindProducts(ids, cancellationToken);

        private bool IsReserved(UserId id) => reserved.Contains(id);
    }
}
