using System.Text;
using System.Text.RegularExpressions;

namespace Messaging.Host.Tests.Infrastructure;

/// <summary>Request bodies and response assertions. Field names are read literally (case-sensitive), as a frontend reads them.</summary>
public static partial class Contract
{
    public static readonly string[] MessageFields =
        ["id", "conversationId", "senderId", "recipientId", "productId", "text", "createdAt", "read", "senderName", "senderEmail"];

    public static readonly string[] ConversationFields =
    [
        "id", "productId", "productTitle", "productImage", "participantId", "participantName", "participantEmail",
        "lastMessage", "lastMessageAt", "unreadCount", "isBlocked", "blockedByMe",
    ];

    /// <summary>Serialized as written: anonymous-object property names are the JSON field names.</summary>
    public static StringContent Body(object body) =>
        body is string raw ? new StringContent(raw, Encoding.UTF8, "application/json") : new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    public static async Task<JsonElement> ReadJson(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>The status (showing the body when it differs), the media type, and the parsed body with its text.</summary>
    private static async Task<(JsonElement Json, string Text)> ExpectBody(this HttpResponseMessage response, HttpStatusCode status, string mediaType)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status} {status}, got {(int)response.StatusCode} {response.StatusCode}: {body}");
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        return (document.RootElement.Clone(), body);
    }

    /// <summary>Asserts the status (showing the body when it differs) and a JSON body, and returns it.</summary>
    public static async Task<JsonElement> ExpectJson(this HttpResponseMessage response, HttpStatusCode status) =>
        (await response.ExpectBody(status, "application/json")).Json;

    /// <summary>An error answer: the status, <c>application/problem+json</c>, the same status inside, and a non-empty detail.</summary>
    public static async Task<JsonElement> ExpectProblem(this HttpResponseMessage response, HttpStatusCode status)
    {
        var (problem, body) = await response.ExpectBody(status, "application/problem+json");
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()), $"problem without detail: {body}");
        return problem;
    }

    /// <summary>The object has exactly these fields, spelled exactly so.</summary>
    public static void AssertFields(JsonElement json, params string[] expected)
    {
        Assert.Equal(JsonValueKind.Object, json.ValueKind);
        Assert.Equal(expected.Order(StringComparer.Ordinal), json.EnumerateObject().Select(property => property.Name).Order(StringComparer.Ordinal));
    }

    public static string? Str(this JsonElement json, string field) => json.GetProperty(field).GetString();

    public static Guid Guid(this JsonElement json, string field) => System.Guid.Parse(json.GetProperty(field).GetString()!);

    public static Guid Id(this JsonElement json) => json.Guid("id");

    public static int Int(this JsonElement json, string field) => json.GetProperty(field).GetInt32();

    public static bool Bool(this JsonElement json, string field)
    {
        var value = json.GetProperty(field);
        Assert.True(value.ValueKind is JsonValueKind.True or JsonValueKind.False, $"{field} is not a JSON boolean: {value}");
        return value.GetBoolean();
    }

    /// <summary>The field is present and JSON null.</summary>
    public static void AssertNull(this JsonElement json, string field)
    {
        Assert.True(json.TryGetProperty(field, out var value), $"field {field} is missing: {json}");
        Assert.Equal(JsonValueKind.Null, value.ValueKind);
    }

    public static JsonElement[] Items(this JsonElement json)
    {
        Assert.Equal(JsonValueKind.Array, json.ValueKind);
        return json.EnumerateArray().ToArray();
    }

    public static string[] Texts(this JsonElement messages) => messages.Items().Select(message => message.Str("text")!).ToArray();

    /// <summary>ISO-8601 UTC with milliseconds and a Z, e.g. <c>2025-11-10T14:30:00.123Z</c>; returns the instant.</summary>
    public static DateTimeOffset Timestamp(this JsonElement json, string field)
    {
        var text = json.GetProperty(field).GetString();
        Assert.Matches(UtcTimestamp(), text);
        return DateTimeOffset.Parse(text!, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    private static partial Regex UtcTimestamp();
}
