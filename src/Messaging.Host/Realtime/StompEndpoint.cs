using System.Security.Claims;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Messaging.Actors;
using Messaging.Actors.Doors;
using Messaging.Actors.Stomp;
using Messaging.Host.Api;
using Messaging.Host.Auth;
using Messaging.Host.Realtime.SockJs;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Messaging.Host.Realtime;

public static class StompEndpoint
{
    /// <summary>STOMP subprotocols in the order we prefer them; a client naming none is accepted too.</summary>
    private static readonly string[] SubProtocols = ["v12.stomp", "v11.stomp", "v10.stomp"];

    /// <summary>
    /// <c>/ws</c>: a WebSocket speaking STOMP (also at <c>/ws/websocket</c>, as Spring's SockJS endpoint offers it), and
    /// SockJS with STOMP over it for clients such as <c>new SockJS('/ws')</c>; one <see cref="StompSession"/> actor per
    /// connection or SockJS session.
    /// </summary>
    public static IEndpointRouteBuilder MapStompEndpoint(this IEndpointRouteBuilder endpoints)
    {
        var settings = endpoints.ServiceProvider.GetRequiredService<StompSettings>();
        var sockJs = endpoints.ServiceProvider.GetRequiredService<SockJsServer>();
        // A plain GET of /ws is the SockJS greeting; an upgrade is the raw WebSocket.
        endpoints.Map("/ws", (HttpContext context, StompSessionParent sessions) =>
            context.WebSockets.IsWebSocketRequest ? Accept(context, sessions, settings) : SockJsGreeting(context, sockJs));
        endpoints.Map("/ws/websocket", Accept);
        endpoints.MapSockJs("/ws", sockJs);
        // Before the web server drains its requests and the actor system leaves the cluster.
        endpoints.ServiceProvider.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping
            .Register(endpoints.ServiceProvider.GetRequiredService<StompSessionParent>().NodeStopping);
        return endpoints;
    }

    /// <summary>
    /// The parent of this node's STOMP sessions (<see cref="StompSessions"/>), and the SockJS server of <c>/ws</c>, one
    /// per node (its sessions end when the host stops), carrying STOMP.
    /// </summary>
    public static IServiceCollection AddStompSessions(this IServiceCollection services) =>
        services
            .AddSingleton(provider =>
            {
                var system = provider.GetRequiredService<ActorSystem>();
                return new StompSessionParent(system.ActorOf(
                    StompSessions.PropsFor(
                        provider.GetRequiredService<ConversationGateway>(), provider.GetRequiredService<JwtTokenValidator>().Validate,
                        DistributedPubSub.Get(system).Mediator, provider.GetRequiredService<StompSettings>(),
                        provider.GetRequiredService<MessagingMetrics>()),
                    StompSessions.Name));
            })
            .AddSingleton(provider => new SockJsServer(
                provider.GetRequiredService<SockJsSettings>(),
                provider.GetRequiredService<StompSettings>().OutboundQueueFrames,
                new StompOverSockJs(provider.GetRequiredService<StompSessionParent>(), provider.GetRequiredService<StompSettings>()),
                provider.GetRequiredService<StompSettings>().AllowsOrigin));

    private static async Task<IResult> SockJsGreeting(HttpContext context, SockJsServer sockJs)
    {
        await sockJs.Handle(context, PathString.Empty);
        return TypedResults.Empty;
    }

    private static async Task<IResult> Accept(HttpContext context, StompSessionParent sessions, StompSettings settings)
    {
        if (!context.WebSockets.IsWebSocketRequest)
            return Problems.Status(StatusCodes.Status400BadRequest, "this endpoint speaks STOMP over WebSocket: send a WebSocket upgrade request");
        // Browsers let any page open a WebSocket to any host, with the user's cookies: the Origin is the only defence.
        if (!settings.AllowsOrigin(context.Request.Headers.Origin.ToString()))
            return Problems.Status(StatusCodes.Status403Forbidden, "this origin may not open realtime connections (Stomp__AllowedOrigins)");
        var requested = context.WebSockets.WebSocketRequestedProtocols;
        var subProtocol = SubProtocols.FirstOrDefault(requested.Contains);
        if (requested.Count > 0 && subProtocol is null)
            return Problems.Status(StatusCodes.Status400BadRequest, $"supported subprotocols are {string.Join(", ", SubProtocols)}");

        using var socket = await context.WebSockets.AcceptWebSocketAsync(subProtocol);
        var transport = new WebSocketTransport(socket, settings.OutboundQueueFrames);
        var session = await sessions.Open(transport, UpgradeToken(context, settings));
        await transport.Run(session, context.RequestAborted);
        return Results.Empty;
    }

    /// <summary>A token the upgrade request carried, used when CONNECT carries none: Authorization header, access_token query, or the configured cookie.</summary>
    internal static string? UpgradeToken(HttpContext context, StompSettings settings)
    {
        if (BearerToken.From(context.Request.Headers.Authorization.ToString()) is { } headerToken)
            return headerToken;
        if (context.Request.Query["access_token"].ToString() is { Length: > 0 } queryToken)
            return queryToken;
        return settings.TokenCookie is { } cookie && context.Request.Cookies.TryGetValue(cookie, out var cookieToken) ? cookieToken : null;
    }
}

/// <summary>The <see cref="StompSessions"/> actor of this node, which starts every STOMP session, whatever carries it.</summary>
public sealed class StompSessionParent(IActorRef sessions)
{
    private static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(10);

    public IActorRef Actor => sessions;

    /// <summary>Ends every session with an ERROR (<c>server shutting down</c>): clients reconnect, through the load balancer, to a node that stays.</summary>
    public void NodeStopping() => sessions.Tell(StompSessions.NodeStopping.Instance);

    /// <summary>A new session on <paramref name="transport"/>, a child of the parent.</summary>
    public Task<IActorRef> Open(IStompTransport transport, string? upgradeToken) =>
        sessions.Ask<IActorRef>(new StompSessions.Open(transport, upgradeToken), OpenTimeout);
}

/// <summary>STOMP over SockJS: each SockJS session carries one <see cref="StompSession"/> actor, message by message.</summary>
internal sealed class StompOverSockJs(StompSessionParent sessions, StompSettings settings) : ISockJsApplication
{
    public ISockJsReceiver Open(SockJsSession session, HttpContext request)
    {
        var receiver = new Receiver();
        _ = Start(session, receiver, StompEndpoint.UpgradeToken(request, settings));
        return receiver;
    }

    private async Task Start(SockJsSession session, Receiver receiver, string? upgradeToken)
    {
        try
        {
            receiver.Started(await sessions.Open(session, upgradeToken));
        }
        catch (AskTimeoutException)
        {
            session.Close(); // the node is stopping
        }
    }

    /// <summary>Messages that arrive while the parent starts the session wait here, in order, and follow once it runs.</summary>
    private sealed class Receiver : ISockJsReceiver
    {
        private readonly Lock _gate = new();
        private List<object>? _early = [];
        private IActorRef _session = ActorRefs.Nobody;

        public void Started(IActorRef session)
        {
            lock (_gate)
            {
                _session = session;
                foreach (var message in _early!)
                    session.Tell(message);
                _early = null;
            }
        }

        public void Received(ReadOnlyMemory<byte> message) => Deliver(new StompSession.Received(message));

        public void Closed() => Deliver(StompSession.TransportClosed.Instance);

        private void Deliver(object message)
        {
            lock (_gate)
            {
                if (_early is { } early)
                    early.Add(message);
                else
                    _session.Tell(message);
            }
        }
    }
}

/// <summary>Validates socket tokens with exactly the rules of the HTTP endpoints (the JwtBearer options, OIDC keys included).</summary>
public sealed class JwtTokenValidator(IOptionsMonitor<JwtBearerOptions> options)
{
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    public async Task<ValidToken?> Validate(string token, CancellationToken cancellationToken)
    {
        var bearer = options.Get(JwtBearerDefaults.AuthenticationScheme);
        var parameters = bearer.TokenValidationParameters.Clone();
        if (bearer.ConfigurationManager is { } metadata)
        {
            var configuration = await metadata.GetConfigurationAsync(cancellationToken);
            parameters.IssuerSigningKeys = configuration.SigningKeys;
            parameters.ValidIssuer ??= configuration.Issuer;
        }
        var result = await Handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid || CurrentUser.TryFrom(new ClaimsPrincipal(result.ClaimsIdentity)) is not { } caller)
            return null;
        // Lifetime is validated, so a valid token has an expiry unless the options stop requiring one.
        return new ValidToken(caller, result.SecurityToken is JsonWebToken { ValidTo: var expires } && expires != DateTime.MinValue ? expires : null);
    }
}
