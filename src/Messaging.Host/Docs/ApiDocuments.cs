using Scalar.AspNetCore;

namespace Messaging.Host.Docs;

/// <summary>
/// The machine-readable contract, <c>/openapi/v1.json</c> and <c>/asyncapi/v1.json</c>, and the interactive reference
/// page at <c>/docs</c>, as <see cref="ApiDocsSettings"/> say. The page is Scalar's, with its script served by the host
/// (embedded in the package) and nothing fetched from elsewhere: no CDN fonts, no telemetry, no AI agent, no
/// toolbar offering to upload the documents.
/// </summary>
public static class ApiDocuments
{
    public const string DocsPath = "/docs";

    public static IServiceCollection AddApiDocuments(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var settings = ApiDocsSettings.From(configuration, environment).Validate();
        services.AddSingleton(settings);
        return settings.Enabled ? services.AddMessagingOpenApi() : services;
    }

    public static IEndpointRouteBuilder MapApiDocuments(this IEndpointRouteBuilder endpoints)
    {
        var settings = endpoints.ServiceProvider.GetRequiredService<ApiDocsSettings>();
        if (!settings.Enabled)
            return endpoints;
        endpoints.MapOpenApi(); // at /openapi/{documentName}.json: OpenApiDocuments.OpenApiPath
        endpoints.MapGet(AsyncApiDocument.Path, (HttpRequest request) =>
            TypedResults.Json(AsyncApiDocument.Build(request.Host.Value ?? "localhost", request.IsHttps), contentType: "application/json"));
        if (settings.DocsEnabled)
        {
            endpoints.MapScalarApiReference(DocsPath, options => options
                .WithTitle("Marketplace messaging API")
                .AddDocument(OpenApiDocuments.DocumentName, "REST API", OpenApiDocuments.OpenApiPath, isDefault: true)
                .AddAsyncApiDocument("realtime", "Realtime (STOMP)", AsyncApiDocument.Path)
                .HideDeveloperTools() // its Share and Deploy buttons upload the documents to Scalar's service
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp());
        }
        return endpoints;
    }
}
