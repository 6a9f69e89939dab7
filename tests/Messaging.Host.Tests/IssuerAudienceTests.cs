namespace Messaging.Host.Tests;

/// <summary>A host configured with Jwt:Issuer and Jwt:Audience accepts only tokens from that issuer for that audience.</summary>
public sealed class IssuerAudienceHostFixture : IAsyncLifetime
{
    public const string Issuer = "https://identity.marketplace.test";
    public const string Audience = "messaging-api";

    private MessagingHost? _host;

    public MessagingHost Host => _host ?? throw new InvalidOperationException("the host did not start");

    public async Task InitializeAsync() => _host = await MessagingHost.StartPostgres(new Dictionary<string, string?>
    {
        ["Jwt:Issuer"] = Issuer,
        ["Jwt:Audience"] = Audience,
    });

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }
}

public sealed class IssuerAudienceTests(IssuerAudienceHostFixture fixture) : IClassFixture<IssuerAudienceHostFixture>
{
    private MessagingHost Host => fixture.Host;

    public static readonly string[] WrongTokens = ["wrong issuer", "wrong audience", "no issuer", "no audience"];

    public static TheoryData<string, string> EndpointsAndWrongTokens()
    {
        var data = new TheoryData<string, string>();
        foreach (var endpoint in Endpoints.All)
        foreach (var token in WrongTokens)
            data.Add(endpoint, token);
        return data;
    }

    private string Token(string kind, Guid user)
    {
        var right = Host.Jwt;
        return kind switch
        {
            "wrong issuer" => Tokens.Create(right, user.ToString(), issuer: "https://evil.test"),
            "wrong audience" => Tokens.Create(right, user.ToString(), audience: "another-api"),
            "no issuer" => Tokens.Create(right with { Issuer = null }, user.ToString()),
            "no audience" => Tokens.Create(right with { Audience = null }, user.ToString()),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    [Theory]
    [MemberData(nameof(EndpointsAndWrongTokens))]
    public async Task A_token_for_another_issuer_or_audience_is_401(string endpoint, string token)
    {
        using var client = Host.ClientWithToken(Token(token, Guid.NewGuid()));

        var response = await client.SendAsync(Endpoints.Request(endpoint, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()));

        await response.ExpectProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_with_the_configured_issuer_and_audience_is_accepted()
    {
        var alice = await Host.CreateUser(); // DevelopmentTokens.Issue with the host's issuer and audience
        var bob = await Host.CreateUser();

        var sent = await alice.SendTo(bob, "hello");

        Assert.Equal(["hello"], (await bob.History(sent.Guid("conversationId"))).Texts());
    }

    [Fact]
    public async Task The_tokens_the_host_issues_carry_its_issuer_and_audience()
    {
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(Messaging.Host.Auth.DevelopmentTokens.Issue(Host.Jwt, Guid.NewGuid()));

        Assert.Equal(IssuerAudienceHostFixture.Issuer, token.Issuer);
        Assert.Equal([IssuerAudienceHostFixture.Audience], token.Audiences);
    }
}
