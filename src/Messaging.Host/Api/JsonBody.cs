using Messaging.Actors.Doors;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Messaging.Host.Api;

/// <summary>
/// A request body read by us rather than by the framework, so malformed JSON, a wrong content type, a missing
/// or an oversized body become a 400 or 413 with a readable detail instead of a bare status.
/// </summary>
public sealed record JsonBody<T>(T? Value, ApiProblem? Problem) where T : class
{
    /// <summary>Far above the largest valid request (10,000 characters of text, escaped), far below what hurts a node.</summary>
    public const int MaxBytes = 256 * 1024;

    /// <summary>What reading a body may answer besides 400: too large (413), or not sent in time (Kestrel's 408).</summary>
    public static readonly int[] Statuses = [StatusCodes.Status408RequestTimeout, StatusCodes.Status413PayloadTooLarge];

    public static async ValueTask<JsonBody<T>> BindAsync(HttpContext context)
    {
        if (!context.Request.HasJsonContentType())
            return Refuse(StatusCodes.Status400BadRequest, "request body must be JSON (Content-Type: application/json)");
        if (context.Request.ContentLength > MaxBytes || await ReadAtMost(context.Request.Body, MaxBytes, context.RequestAborted) is not { } bytes)
            return Refuse(StatusCodes.Status413PayloadTooLarge, $"request body must be at most {MaxBytes} bytes");
        var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        return DoorJson.TryRead<T>(bytes.Span, options, out var value, out var problem)
            ? new JsonBody<T>(value, null)
            : Refuse(StatusCodes.Status400BadRequest, problem);
    }

    private static JsonBody<T> Refuse(int status, string detail) => new(null, Problems.Status(status, detail));

    /// <summary>The whole body, or null when it is longer than <paramref name="limit"/> (chunked bodies have no Content-Length to check).</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadAtMost(Stream body, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
