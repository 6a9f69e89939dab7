using System.Reflection;
using Messaging.Host.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Messaging.Host.Docs;

/// <summary>
/// The OpenAPI 3.1 document of the REST API (<c>/openapi/v1.json</c>): the endpoints under <c>/api</c> only, with their
/// problem+json refusals, <c>Retry-After</c> where a retry is invited, and the JWT bearer scheme.
/// </summary>
public static class OpenApiDocuments
{
    public const string DocumentName = "v1";
    public const string OpenApiPath = "/openapi/v1.json";
    private const string BearerScheme = "Bearer";

    public static IServiceCollection AddMessagingOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            // The STOMP, SockJS, demo and health URLs are not this API: the realtime side has its AsyncAPI document.
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Marketplace messaging API",
                    Version = "1.0",
                    Description = "Buyers and sellers chat one to one about a product. Every endpoint needs a JWT bearer token whose `sub` is the "
                        + "caller's UUID. Refusals are `application/problem+json` with a readable `detail`. The realtime side (STOMP over "
                        + "WebSocket at `/ws`) is described by the AsyncAPI document at `" + AsyncApiDocument.Path + "`.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "An HS256 (or the configured authority's) JWT whose `sub` is the caller's UUID.",
                };
                return Task.CompletedTask;
            });
            options.AddSchemaTransformer((schema, context, _) =>
            {
                DescribeWhatTheExporterCannotSee(schema, context.JsonTypeInfo.Type);
                return Task.CompletedTask;
            });
            options.AddOperationTransformer(async (operation, context, cancellationToken) =>
            {
                if (RequestBodyType(context.Description) is { } bodyType && context.Document is { } document)
                {
                    // A named schema, as the framework makes for response records, so client generators name the type.
                    document.Components ??= new OpenApiComponents();
                    document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
                    document.Components.Schemas.TryAdd(bodyType.Name, await context.GetOrCreateSchemaAsync(bodyType, cancellationToken: cancellationToken));
                    operation.RequestBody = new OpenApiRequestBody
                    {
                        Required = true,
                        Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchemaReference(bodyType.Name, document) } },
                    };
                }
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any())
                    operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
                foreach (var status in RetryableStatuses)
                {
                    if (operation.Responses?.GetValueOrDefault(status) is OpenApiResponse response)
                    {
                        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                        response.Headers["Retry-After"] = new OpenApiHeader
                        {
                            Description = "Seconds to wait before retrying.",
                            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
                        };
                    }
                }
            });
        });

    /// <summary>
    /// The request record of an endpoint that reads its body as <see cref="JsonBody{T}"/>. Declaring it with
    /// <c>Accepts</c> instead would make routing answer a body of another content type with a bare 415 before the
    /// endpoint can refuse it with a readable 400.
    /// </summary>
    private static Type? RequestBodyType(ApiDescription description) =>
        description.ActionDescriptor.EndpointMetadata.OfType<MethodInfo>().FirstOrDefault()?.GetParameters()
            .Select(parameter => parameter.ParameterType)
            .FirstOrDefault(type => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(JsonBody<>))
            ?.GetGenericArguments()[0];

    private static void DescribeWhatTheExporterCannotSee(OpenApiSchema schema, Type type)
    {
        // Timestamps go through our converter, which the exporter cannot see through: they are ISO-8601 UTC strings.
        if ((Nullable.GetUnderlyingType(type) ?? type) == typeof(DateTimeOffset))
            schema.Type = type == typeof(DateTimeOffset) ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
        // The web defaults read numbers from strings too; the server writes numbers, and that is the contract.
        if (schema.Type is { } numeric && numeric.HasFlag(JsonSchemaType.Integer) && numeric.HasFlag(JsonSchemaType.String))
        {
            schema.Type = numeric & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
        if (type == typeof(ProblemDetails))
        {
            // Every refusal of ours names its status and why; the framework adds the trace id of the request.
            schema.Required = new HashSet<string> { "status", "detail" };
            schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
            schema.Properties["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request's W3C trace id, for the server's logs." };
        }
        if (RequestSchemas.RequiredFields.TryGetValue(type, out var required))
        {
            schema.Required = new HashSet<string>(required);
            foreach (var (_, property) in (schema.Properties ?? new Dictionary<string, IOpenApiSchema>()).Where(property => RequestSchemas.UuidFields.Contains(property.Key)))
            {
                if ((property.Items ?? property) is OpenApiSchema uuid)
                    uuid.Format = "uuid";
            }
        }
    }

    /// <summary>Refusals that tell the client when to try again.</summary>
    private static readonly string[] RetryableStatuses = ["429", "503"];

    /// <summary>Declares the problem+json responses an endpoint (or a group) answers with.</summary>
    public static TBuilder ProducesProblems<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
            builder.ProducesProblem(status);
        return builder;
    }
}
