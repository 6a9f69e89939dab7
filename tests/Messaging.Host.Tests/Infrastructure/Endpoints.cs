using System.Text;

namespace Messaging.Host.Tests.Infrastructure;

/// <summary>The six REST endpoints, each with a request that would be valid apart from its credentials.</summary>
public static class Endpoints
{
    public static readonly string[] All =
    [
        "GET /api/conversations",
        "GET /api/conversations/{id}",
        "POST /api/conversations/{id}/block",
        "GET /api/messages",
        "POST /api/messages",
        "PATCH /api/messages/mark-read",
    ];

    public static HttpRequestMessage Request(string endpoint, Guid recipientId, Guid conversationId, Guid messageId)
    {
        var (method, path, body) = endpoint switch
        {
            "GET /api/conversations" => ("GET", "/api/conversations", null),
            "GET /api/conversations/{id}" => ("GET", $"/api/conversations/{conversationId}", null),
            "POST /api/conversations/{id}/block" => ("POST", $"/api/conversations/{conversationId}/block", "{\"block\": true}"),
            "GET /api/messages" => ("GET", $"/api/messages?recipientId={recipientId}", null),
            "POST /api/messages" => ("POST", "/api/messages", $"{{\"recipientId\": \"{recipientId}\", \"text\": \"sneaky\"}}"),
            "PATCH /api/messages/mark-read" => ("PATCH", "/api/messages/mark-read", $"{{\"messageIds\": [\"{messageId}\"]}}"),
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, null),
        };
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return request;
    }
}
