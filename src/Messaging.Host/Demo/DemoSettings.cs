using Messaging.Host.Auth;

namespace Messaging.Host.Demo;

/// <summary>
/// Section <c>Demo</c>: whether the host serves the demo chat page at <c>/demo</c> and hands out a token for each demo
/// user at <c>/demo/users</c>. On by default in Development only, since anyone who can reach an enabled host can act as a demo user.
/// </summary>
public sealed record DemoSettings(bool Enabled)
{
    public static DemoSettings From(IConfiguration configuration, IHostEnvironment environment) =>
        new(configuration.GetValue<bool?>("Demo:Enabled") ?? environment.IsDevelopment());

    /// <summary>The page signs its users' tokens with the shared key, so a host whose tokens come from an authority cannot serve it.</summary>
    public DemoSettings Validate(JwtSettings jwt) =>
        !Enabled || !string.IsNullOrWhiteSpace(jwt.SigningKey)
            ? this
            : throw new InvalidOperationException("Demo:Enabled needs Jwt:SigningKey to sign the demo users' tokens (it cannot sign for Jwt:Authority)");
}
