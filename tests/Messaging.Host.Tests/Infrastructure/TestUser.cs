using Messaging.Host.Auth;

namespace Messaging.Host.Tests.Infrastructure;

/// <summary>A marketplace user talking to one host over HTTP with a valid bearer token.</summary>
public sealed class TestUser
{
    private readonly string? _tokenName;
    private readonly string? _tokenEmail;

    public TestUser(MessagingHost host, Guid id, string? name, string? email, string? tokenName = null, string? tokenEmail = null)
    {
        Host = host;
        Id = id;
        Name = name;
        Email = email;
        _tokenName = tokenName;
        _tokenEmail = tokenEmail;
        Token = DevelopmentTokens.Issue(host.Jwt, id, tokenName, tokenEmail);
        Http = host.ClientWithToken(Token);
    }

    public MessagingHost Host { get; }
    public Guid Id { get; }
    /// <summary>The name and email the directory holds for this user.</summary>
    public string? Name { get; }
    public string? Email { get; }
    public HttpClient Http { get; }
    public string Token { get; }

    /// <summary>The same user talking to another host (after a restart).</summary>
    public TestUser On(MessagingHost host) => new(host, Id, Name, Email, _tokenName, _tokenEmail);

    // ---- raw requests -------------------------------------------------------------------------------------

    public Task<HttpResponseMessage> Post(string path, object body) => Http.PostAsync(path, Contract.Body(body));

    public Task<HttpResponseMessage> Send(object body) => Post("/api/messages", body);

    public Task<HttpResponseMessage> GetMessages(string query) => Http.GetAsync($"/api/messages?{query}");

    public Task<HttpResponseMessage> GetConversations() => Http.GetAsync("/api/conversations");

    public Task<HttpResponseMessage> GetConversation(object conversationId) => Http.GetAsync($"/api/conversations/{conversationId}");

    public Task<HttpResponseMessage> MarkRead(object body) => Http.PatchAsync("/api/messages/mark-read", Contract.Body(body));

    public Task<HttpResponseMessage> Block(object conversationId, object body) => Post($"/api/conversations/{conversationId}/block", body);

    // ---- expected successes -------------------------------------------------------------------------------

    public async Task<JsonElement> SendOk(object body) => await (await Send(body)).ExpectJson(HttpStatusCode.Created);

    public Task<JsonElement> SendTo(TestUser recipient, string text, Guid? productId = null) =>
        productId is { } product
            ? SendOk(new { recipientId = recipient.Id, productId = product, text })
            : SendOk(new { recipientId = recipient.Id, text });

    public Task<JsonElement> Reply(Guid conversationId, string text) => SendOk(new { conversationId, text });

    public async Task<JsonElement> MessagesOk(string query) => await (await GetMessages(query)).ExpectJson(HttpStatusCode.OK);

    public Task<JsonElement> History(Guid conversationId) => MessagesOk($"conversationId={conversationId}");

    public async Task<JsonElement> ConversationsOk() => await (await GetConversations()).ExpectJson(HttpStatusCode.OK);

    public async Task<JsonElement> ConversationOk(Guid conversationId) => await (await GetConversation(conversationId)).ExpectJson(HttpStatusCode.OK);

    /// <summary>This user's entry for the conversation in <c>GET /api/conversations</c>; fails when it is not listed.</summary>
    public async Task<JsonElement> ListedConversation(Guid conversationId)
    {
        var list = await ConversationsOk();
        var matches = list.EnumerateArray().Where(item => item.Guid("id") == conversationId).ToList();
        Assert.True(matches.Count == 1, $"expected conversation {conversationId} once in the list, found {matches.Count}: {list}");
        return matches[0];
    }

    public async Task<int> MarkReadOk(params Guid[] messageIds)
    {
        var json = await (await MarkRead(new { messageIds })).ExpectJson(HttpStatusCode.OK);
        Contract.AssertFields(json, "updatedCount");
        return json.GetProperty("updatedCount").GetInt32();
    }

    public async Task<JsonElement> BlockOk(Guid conversationId, bool block) =>
        await (await Block(conversationId, new { block })).ExpectJson(HttpStatusCode.OK);

    public override string ToString() => $"{Name ?? "user"} ({Id})";
}
