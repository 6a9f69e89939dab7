using Messaging.Host.Auth;

namespace Messaging.Host.Tests;

/// <summary>Every endpoint answers 401 (problem details, <c>WWW-Authenticate: Bearer</c>) to a missing or bad token, and does nothing.</summary>
[Collection(RulesCollection.Name)]
public sealed class AuthenticationTests(PostgresHostFixture fixture)
{
    private MessagingHost Host => fixture.Host;

    public static readonly string[] BadCredentials =
    [
        "no Authorization header",
        "garbage token",
        "forged signature",
        "expired token",
        "alg none token",
        "sub is not a UUID",
        "no sub",
        "no expiry",
        "not valid yet",
        "Basic scheme",
        "Bearer without token",
    ];

    public static TheoryData<string, string> EndpointsAndBadCredentials()
    {
        var data = new TheoryData<string, string>();
        foreach (var endpoint in Endpoints.All)
        foreach (var credentials in BadCredentials)
            data.Add(endpoint, credentials);
        return data;
    }

    private static string? Authorization(JwtSettings jwt, string credentials, Guid user)
    {
        var now = DateTime.UtcNow;
        return credentials switch
        {
            "no Authorization header" => null,
            "garbage token" => "Bearer this-is-not-a-jwt",
            "forged signature" => $"Bearer {Tokens.Create(jwt, user.ToString(), signingKey: Tokens.OtherSigningKey)}",
            "expired token" => $"Bearer {Tokens.Create(jwt, user.ToString(), notBefore: now.AddHours(-2), expires: now.AddMinutes(-5))}",
            "alg none token" => $"Bearer {Tokens.AlgNone(jwt, user)}",
            "sub is not a UUID" => $"Bearer {Tokens.Create(jwt, "alice")}",
            "no sub" => $"Bearer {Tokens.Create(jwt, subject: null)}",
            "no expiry" => $"Bearer {Tokens.Create(jwt, user.ToString(), withExpiry: false)}",
            "not valid yet" => $"Bearer {Tokens.Create(jwt, user.ToString(), notBefore: now.AddHours(1), expires: now.AddHours(2))}",
            "Basic scheme" => "Basic " + Convert.ToBase64String("alice:secret"u8.ToArray()),
            "Bearer without token" => "Bearer ",
            _ => throw new ArgumentOutOfRangeException(nameof(credentials), credentials, null),
        };
    }

    [Theory]
    [MemberData(nameof(EndpointsAndBadCredentials))]
    public async Task Bad_credentials_are_401(string endpoint, string credentials)
    {
        var user = Guid.NewGuid();
        using var client = Host.ClientWithAuthorization(Authorization(Host.Jwt, credentials, user));

        var response = await client.SendAsync(Endpoints.Request(endpoint, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()));

        await response.ExpectProblem(HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, header => header.Scheme == "Bearer");
    }

    [Theory]
    [InlineData("forged signature")]
    [InlineData("alg none token")]
    [InlineData("expired token")]
    public async Task A_refused_token_of_a_real_user_writes_and_reveals_nothing(string credentials)
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        var sent = await alice.SendTo(bob, "hello");
        var conversationId = sent.Guid("conversationId");
        using var forger = Host.ClientWithAuthorization(Authorization(Host.Jwt, credentials, alice.Id));

        foreach (var endpoint in Endpoints.All)
        {
            var response = await forger.SendAsync(Endpoints.Request(endpoint, bob.Id, conversationId, sent.Id()));
            var problem = await response.ExpectProblem(HttpStatusCode.Unauthorized);
            Assert.DoesNotContain("hello", problem.ToString());
        }

        Assert.Equal(["hello"], (await bob.History(conversationId)).Texts());
        Assert.False((await bob.ListedConversation(conversationId)).Bool("isBlocked"));
        Assert.Equal(1, (await bob.ListedConversation(conversationId)).Int("unreadCount"));
    }

    [Fact]
    public async Task A_token_signed_with_the_configured_key_is_accepted()
    {
        var alice = await Host.CreateUser();
        using var client = Host.ClientWithToken(Tokens.Create(Host.Jwt, alice.Id.ToString()));

        var response = await client.GetAsync("/api/conversations");

        Assert.Empty((await response.ExpectJson(HttpStatusCode.OK)).Items());
    }

    [Fact]
    public async Task The_health_endpoint_needs_no_token()
    {
        using var client = Host.ClientWithAuthorization(null);

        var health = await (await client.GetAsync("/health")).ExpectJson(HttpStatusCode.OK);

        Assert.Equal("ok", health.Str("status"));
    }
}
