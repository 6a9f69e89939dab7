using System.Text.Json;
using Messaging.Actors.Conversations;

namespace Messaging.Actors.Doors;

public static class DoorJson
{
    /// <summary>The JSON of every door: camelCase names, UTC timestamps with a Z (the same as the HTTP endpoints use).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        // {"text":"a","Text":"b"} must be refused, not read as "b": both names bind the same property, which counts as a duplicate.
        options.AllowDuplicateProperties = false;
        options.Converters.Add(new UtcTimestampConverter());
        return options;
    }

    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>The HTTP status a refusal stands for; REST answers with it, STOMP puts it in an error event's <c>code</c>.</summary>
    public static int StatusCode(this Rejection rejection) => rejection.Reason switch
    {
        RejectionReason.Invalid => 400,
        RejectionReason.Forbidden => 403,
        RejectionReason.NotFound => 404,
        RejectionReason.TooManyRequests => 429,
        RejectionReason.Unavailable => 503,
        _ => throw new ArgumentOutOfRangeException(nameof(rejection), rejection.Reason, null),
    };
}
