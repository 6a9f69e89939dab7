using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Messaging.Load.Transport;

namespace Messaging.Load.Scenarios;

/// <summary>The REST calls the scenarios make outside the measured load.</summary>
public sealed class RestClient(HttpClient http)
{
    /// <summary><c>POST /api/messages</c> to a recipient (opening the conversation); returns the conversation's id.</summary>
    public async Task<Guid> OpenConversationAsync(LoadUser from, Guid recipientId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = JsonContent.Create(new { recipientId, text = "Hello, is it still for sale?" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", from.Token);
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"POST /api/messages answered {(int)response.StatusCode}: {body}");
        using var sent = JsonDocument.Parse(body);
        return sent.RootElement.GetProperty("conversationId").GetGuid();
    }

    /// <summary>How many entries the user's <c>GET /api/conversations</c> lists.</summary>
    public async Task<int> CountConversationsAsync(LoadUser user, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/conversations");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var list = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
        return list.RootElement.GetArrayLength();
    }
}
