using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Messaging.Host.Api;

/// <summary>
/// A request body read by us rather than by the framework, so malformed JSON, a wrong content type or a missing
/// body become a 400 with a readable detail instead of a bare status.
/// </summary>
public sealed record JsonBody<T>(T? Value, string? Error) where T : class
{
    public static async ValueTask<JsonBody<T>> BindAsync(HttpContext context)
    {
        if (!context.Request.HasJsonContentType())
            return new JsonBody<T>(null, "request body must be JSON (Content-Type: application/json)");
        var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var value = await context.Request.ReadFromJsonAsync<T>(options, context.RequestAborted);
            return value is null ? new JsonBody<T>(null, "request body is required") : new JsonBody<T>(value, null);
        }
        catch (JsonException exception)
        {
            return new JsonBody<T>(null, $"request body is not valid JSON for this endpoint: {exception.Message}");
        }
    }
}
