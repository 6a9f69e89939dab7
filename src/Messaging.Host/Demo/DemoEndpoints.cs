using Messaging.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace Messaging.Host.Demo;

/// <summary>The demo user as the page gets it: who they are and a token to act as them.</summary>
public sealed record DemoUserResponse(Guid Id, string Name, string Email, string Token);

/// <summary>The issuer of the demo users' tokens, registered only when the demo is enabled.</summary>
public sealed record DemoTokens(JwtSettings Jwt)
{
    public DemoUserResponse For(DemoUser user) => new(user.Id, user.Name, user.Email, DevelopmentTokens.Issue(Jwt, user.Id, user.Name, user.Email));
}

/// <summary>
/// The demo chat page (<c>/demo</c>, static files copied beside the host from <c>Demo/site</c>), the demo users with a
/// token each (<c>/demo/users</c>) and the demo products (<c>/demo/products</c>). Nothing is mapped when the demo is off.
/// </summary>
public static class DemoEndpoints
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static IServiceCollection AddDemo(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment, JwtSettings jwt)
    {
        var demo = DemoSettings.From(configuration, environment).Validate(jwt);
        return demo.Enabled ? services.AddSingleton(new DemoTokens(jwt)).AddHostedService<DemoSeeder>() : services;
    }

    public static IEndpointRouteBuilder MapDemo(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetService<DemoTokens>() is null)
            return endpoints;
        var site = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "Demo", "site"));
        var demo = endpoints.MapGroup("/demo");
        demo.MapGet("/", () => SiteFile(site, "index.html"));
        demo.MapGet("/users", (DemoTokens tokens) => TypedResults.Ok(DemoDirectory.Users.Select(tokens.For).ToArray()));
        demo.MapGet("/products", () => TypedResults.Ok(DemoDirectory.Products));
        demo.MapGet("/{**path}", (string path) => SiteFile(site, path));
        return endpoints;
    }

    private static Results<PhysicalFileHttpResult, NotFound> SiteFile(PhysicalFileProvider site, string path)
    {
        // The provider refuses paths that climb out of the site folder.
        var file = site.GetFileInfo(path);
        if (!file.Exists || file.IsDirectory || file.PhysicalPath is null)
            return TypedResults.NotFound();
        return TypedResults.PhysicalFile(file.PhysicalPath, ContentTypes.TryGetContentType(path, out var contentType) ? contentType : "application/octet-stream");
    }
}
