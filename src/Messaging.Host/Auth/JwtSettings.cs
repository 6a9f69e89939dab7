using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Messaging.Host.Auth;

/// <summary>Section <c>Jwt</c>: an HS256 shared key, or an OIDC authority whose published keys sign the tokens.</summary>
public sealed record JwtSettings
{
    /// <summary>Used only in Development when no key is configured. Public, therefore worthless anywhere else.</summary>
    public const string DevelopmentSigningKey = "messaging-development-signing-key-not-for-production-use";

    public string? SigningKey { get; init; }
    public string? Issuer { get; init; }
    public string? Audience { get; init; }
    public string? Authority { get; init; }

    /// <summary>True when no key was configured and the development key stands in.</summary>
    public bool UsesDevelopmentKey { get; private init; }

    public static JwtSettings From(IConfiguration configuration, IHostEnvironment environment)
    {
        var settings = configuration.GetSection("Jwt").Get<JwtSettings>() ?? new JwtSettings();
        if (!string.IsNullOrWhiteSpace(settings.Authority))
            return settings;
        if (string.IsNullOrWhiteSpace(settings.SigningKey))
        {
            return environment.IsDevelopment()
                ? settings with { SigningKey = DevelopmentSigningKey, UsesDevelopmentKey = true }
                : throw new InvalidOperationException("Jwt:SigningKey (32+ bytes) or Jwt:Authority must be configured outside Development");
        }
        return Encoding.UTF8.GetByteCount(settings.SigningKey) >= 32
            ? settings
            : throw new InvalidOperationException("Jwt:SigningKey must be at least 32 bytes for HS256");
    }

    public SymmetricSecurityKey SecurityKey => new(Encoding.UTF8.GetBytes(SigningKey ?? throw new InvalidOperationException("No signing key: tokens are issued by Jwt:Authority")));
}
