using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Messaging.Host.Auth;

/// <summary>Issues tokens signed with the configured shared key, for the <c>token</c> and <c>seed</c> verbs and for tests.</summary>
public static class DevelopmentTokens
{
    public static string Issue(JwtSettings jwt, Guid userId, string? name = null, string? email = null, TimeSpan? lifetime = null)
    {
        var claims = new List<Claim> { new("sub", userId.ToString()) };
        if (name is not null) claims.Add(new Claim("name", name));
        if (email is not null) claims.Add(new Claim("email", email));
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? TimeSpan.FromDays(7)),
            SigningCredentials = new SigningCredentials(jwt.SecurityKey, SecurityAlgorithms.HmacSha256),
        });
    }
}
