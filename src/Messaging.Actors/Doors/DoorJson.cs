using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Messaging.Actors.Conversations;

namespace Messaging.Actors.Doors;

public static partial class DoorJson
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

    /// <summary>
    /// Reads a request body of either door, or says in the client's terms why it is not one: malformed JSON, not an
    /// object, a field named twice, or a field of the wrong type (<c>text must be a string</c>), never a .NET type name.
    /// </summary>
    public static bool TryRead<T>(ReadOnlySpan<byte> body, JsonSerializerOptions options, [NotNullWhen(true)] out T? request, [NotNullWhen(false)] out string? problem)
        where T : class
    {
        try
        {
            request = JsonSerializer.Deserialize<T>(body, options);
            problem = request is null ? NotAnObject : null;
        }
        catch (JsonException error)
        {
            // Only a failed read pays for finding out why, so a good body is parsed once.
            request = null;
            problem = ShapeProblem(body) ?? FieldProblem(error.Path, options.GetTypeInfo(typeof(T)));
        }
        return request is not null;
    }

    private const string NotAnObject = "the body must be a JSON object";

    /// <summary>What is wrong with the body as JSON text, whatever the request: null when it is a well-formed object with distinct field names.</summary>
    private static string? ShapeProblem(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
            return "the body is empty; it must be a JSON object";
        var reader = new Utf8JsonReader(body);
        var fields = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            reader.Read();
            var isObject = reader.TokenType == JsonTokenType.StartObject;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && !fields.Add(reader.GetString()!))
                    return $"{reader.GetString()} is given twice (field names match case-insensitively)";
                if (reader.TokenType == JsonTokenType.String)
                    reader.GetString();
            }
            return isObject ? null : NotAnObject;
        }
        catch (JsonException error)
        {
            return $"the body is not valid JSON (line {error.LineNumber + 1}, byte {error.BytePositionInLine + 1})";
        }
        catch (InvalidOperationException)
        {
            // GetString refuses an escaped lone surrogate (\ud800), which is no text at all.
            return "the body holds a string that is not valid Unicode text (a lone surrogate)";
        }
    }

    /// <summary><c>text must be a string</c>, <c>messageIds[0] must be a string</c>: the field at the failing <paramref name="path"/> and what it must hold.</summary>
    private static string FieldProblem(string? path, JsonTypeInfo request)
    {
        var match = path is null ? Match.Empty : FieldPath().Match(path);
        if (!match.Success || request.Properties.FirstOrDefault(property => property.Name.Equals(match.Groups["name"].Value, StringComparison.OrdinalIgnoreCase)) is not { } field)
            return "the body's fields do not fit this request";
        return match.Groups["index"].Success && ElementOf(field.PropertyType) is { } element
            ? $"{field.Name}[{match.Groups["index"].Value}] must be {Expected(element)}"
            : $"{field.Name} must be {Expected(field.PropertyType)}";
    }

    private static string Expected(Type type) =>
        type == typeof(string) ? "a string"
        : (Nullable.GetUnderlyingType(type) ?? type) == typeof(bool) ? "true or false"
        : ElementOf(type) == typeof(string) ? "an array of strings"
        : "a value of another kind";

    /// <summary>The element type of a collection field (<c>List&lt;string?&gt;</c>: string), null for any other.</summary>
    private static Type? ElementOf(Type type) =>
        type == typeof(string) ? null
        : type.GetInterfaces().FirstOrDefault(candidate => candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    /// <summary><c>$.text</c>, <c>$.messageIds[3]</c>, <c>$['odd name']</c>: the top-level field and, inside an array, the index.</summary>
    [GeneratedRegex(@"^\$(\.(?<name>[^.\[]+)|\['(?<name>[^']+)'\])(\[(?<index>\d+)\])?")]
    private static partial Regex FieldPath();

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
