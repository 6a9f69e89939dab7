namespace Messaging.Host.Realtime.SockJs;

public static class SockJsEndpoints
{
    /// <summary>Serves <paramref name="server"/> under <paramref name="prefix"/> (every URL below it, the prefix itself included).</summary>
    public static IEndpointRouteBuilder MapSockJs(this IEndpointRouteBuilder endpoints, string prefix, SockJsServer server)
    {
        // A catch-all matches the bare prefix too; a route mapped for the prefix itself (e.g. a WebSocket there) takes precedence.
        endpoints.Map(prefix + "/{**path}", context =>
            server.Handle(context, context.Request.Path.StartsWithSegments(prefix, out var rest) ? rest : context.Request.Path));
        return endpoints;
    }
}
