using System.Security.Claims;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
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
        endpoints.Map("/ws", (HttpContext context, ActorSystem system, ConversationGateway gateway, JwtTokenValidator tokens) =>
            context.WebSockets.IsWebSocketRequest ? Accept(context, system, gateway, tokens, settings) : SockJsGreeting(context, sockJs));
        endpoints.Map("/ws/websocket", Accept);
        endpoints.MapSockJs("/ws", sockJs);
        return endpoints;
    }

    /// <summary>The SockJS server of <c>/ws</c>, one per node (its sessions end when the host stops), carrying STOMP.</summary>
    public static IServiceCollection AddStompOverSockJs(this IServiceCollection services) =>
        services.AddSingleton(provider => new SockJsServer(
            provider.GetRequiredService<SockJsSettings>(),
            provider.GetRequiredService<StompSettings>().OutboundQueueFrames,
            new StompOverSockJs(
                provider.GetRequiredService<ActorSystem>(), provider.GetRequiredService<ConversationGateway>(),
                provider.GetRequiredService<JwtTokenValidator>(), provider.GetRequiredService<StompSettings>()),
            provider.GetRequiredService<StompSettings>().AllowsOrigin));

    private static async Task<IResult> SockJsGreeting(HttpContext context, SockJsServer sockJs)
    {
        await sockJs.Handle(context, PathString.Empty);
        return TypedResults.Empty;
    }

    private static async Task<IResult> Accept(
        HttpContext context, ActorSystem system, ConversationGateway gateway, JwtTokenValidator tokens, StompSettings settings)
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
        var session = system.ActorOf(StompSession.PropsFor(
            transport, gateway, tokens.Validate, DistributedPubSub.Get(system).Mediator, settings, UpgradeToken(context, settings)));
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

/// <summary>STOMP over SockJS: each SockJS session carries one <see cref="StompSession"/> actor, message by message.</summary>
internal sealed class StompOverSockJs(ActorSystem system, ConversationGateway gateway, JwtTokenValidator tokens, StompSettings settings) : ISockJsApplication
{
    public ISockJsReceiver Open(SockJsSession session, HttpContext request) =>
        new Receiver(system.ActorOf(StompSession.PropsFor(
            session, gateway, tokens.Validate, DistributedPubSub.Get(system).Mediator, settings, StompEndpoint.UpgradeToken(request, settings))));

    private sealed class Receiver(IActorRef session) : ISockJsReceiver
    {
        public void Received(ReadOnlyMemory<byte> message) => session.Tell(new StompSession.Received(message));

        public void Closed() => session.Tell(StompSession.TransportClosed.Instance);
    }
}

/// <summary>Validates socket tokens with exactly the rules of the HTTP endpoints (the JwtBearer options, OIDC keys included).</summary>
public sealed class JwtTokenValidator(IOptionsMonitor<JwtBearerOptions> options)
{
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    public async Task<Caller?> Validate(string token, CancellationToken cancellationToken)
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
        return result.IsValid ? CurrentUser.TryFrom(new ClaimsPrincipal(result.ClaimsIdentity)) : null;
    }
}
