using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Messaging.Load.Transport;

/// <summary>HS256 JWTs as the server validates them: <c>sub</c> the user's UUID, a <c>name</c>, and a lifetime.</summary>
public sealed class TokenMinter(string signingKey, TimeProvider clock)
{
    /// <summary>The server's public key for Development (src/Messaging.Host/Auth/JwtSettings.cs), the default of <c>--signing-key</c>.</summary>
    public const string DevelopmentSigningKey = "messaging-development-signing-key-not-for-production-use";

    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);
    private static readonly string Header = Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT"}"""u8);

    private readonly byte[] _key = Encoding.UTF8.GetBytes(signingKey);

    public string Issue(Guid userId, string name)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var claims = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["sub"] = userId.ToString(),
            ["name"] = name,
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + (long)Lifetime.TotalSeconds,
        });
        var unsigned = $"{Header}.{Base64Url.EncodeToString(claims)}";
        var signature = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(unsigned));
        return $"{unsigned}.{Base64Url.EncodeToString(signature)}";
    }
}
