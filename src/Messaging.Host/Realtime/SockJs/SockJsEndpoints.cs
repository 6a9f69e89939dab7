namespace Messaging.Host.Realtime.SockJs;

public static class SockJsEndpoints
{
    /// <summary>Serves <paramref name="server"/> under <paramref name="prefix"/> (every URL below it, the prefix itself included).</summary>
    public static IEndpointRouteBuilder MapSockJs(this IEndpointRouteBuilder endpoints, string prefix, SockJsServer server)
    {
        endpoints.Map(prefix, context => server.Handle(context, PathString.Empty));
        endpoints.Map(prefix + "/{**path}", context =>
            server.Handle(context, context.Request.Path.StartsWithSegments(prefix, out var rest) ? rest : context.Request.Path));
        return endpoints;
    }
}
