using System.Security.Claims;
using System.Text;
using Messaging.Host.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Messaging.Host.Tests.Infrastructure;

/// <summary>Bearer tokens that must be refused, each wrong in exactly one way.</summary>
public static class Tokens
{
    public const string OtherSigningKey = "a-different-signing-key-that-the-host-does-not-know-0123";

    /// <summary>Signed with <paramref name="signingKey"/> (the host's unless told), valid unless a parameter says otherwise.</summary>
    public static string Create(
        JwtSettings jwt, string? subject, string? signingKey = null, DateTime? notBefore = null, DateTime? expires = null,
        string? issuer = null, string? audience = null, bool withExpiry = true)
    {
        var now = DateTime.UtcNow;
        var claims = new List<Claim>();
        if (subject is not null)
            claims.Add(new Claim("sub", subject));
        var descriptor = new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = issuer ?? jwt.Issuer,
            Audience = audience ?? jwt.Audience,
            IssuedAt = notBefore ?? now,
            NotBefore = notBefore ?? now,
            Expires = withExpiry ? expires ?? now.AddHours(1) : null,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey ?? jwt.SigningKey!)), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = withExpiry }.CreateToken(descriptor);
    }

    /// <summary>An unsigned token: header <c>{"alg":"none","typ":"JWT"}</c>, a valid-looking payload and an empty signature.</summary>
    public static string AlgNone(JwtSettings jwt, Guid subject)
    {
        var expires = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var payload = new Dictionary<string, object> { ["sub"] = subject.ToString(), ["exp"] = expires, ["nbf"] = expires - 7200, ["iat"] = expires - 7200 };
        if (jwt.Issuer is not null) payload["iss"] = jwt.Issuer;
        if (jwt.Audience is not null) payload["aud"] = jwt.Audience;
        return $"{Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{Base64Url(JsonSerializer.Serialize(payload))}.";
    }

    private static string Base64Url(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
