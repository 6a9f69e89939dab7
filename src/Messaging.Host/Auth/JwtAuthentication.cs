using System.Security.Claims;
using Messaging.Actors;
using Messaging.Actors.Doors;
using Messaging.Host.Api;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Messaging.Host.Auth;

public static class JwtAuthentication
{
    /// <summary>JWT bearer on every endpoint: signature, lifetime, optional issuer and audience, and a UUID <c>sub</c>.</summary>
    public static IServiceCollection AddMessagingAuthentication(this IServiceCollection services, JwtSettings jwt)
    {
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            if (!string.IsNullOrWhiteSpace(jwt.Authority))
            {
                options.Authority = jwt.Authority;
                options.Audience = jwt.Audience;
            }
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuerSigningKey = true,
                IssuerSigningKey = jwt.SigningKey is null ? null : jwt.SecurityKey,
                ValidAlgorithms = jwt.SigningKey is null ? null : [SecurityAlgorithms.HmacSha256],
                ValidateIssuer = !string.IsNullOrWhiteSpace(jwt.Issuer) || !string.IsNullOrWhiteSpace(jwt.Authority),
                ValidIssuer = jwt.Issuer,
                ValidateAudience = !string.IsNullOrWhiteSpace(jwt.Audience),
                ValidAudience = jwt.Audience,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = "sub",
            };
            options.Events = new JwtBearerEvents
            {
                OnTokenValidated = context =>
                {
                    if (CurrentUser.TryFrom(context.Principal) is null)
                        context.Fail("the token's sub claim must be a UUID");
                    return Task.CompletedTask;
                },
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    var detail = context.AuthenticateFailure is null ? "a bearer token is required" : "the bearer token is invalid or expired";
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                    await Problems.Write(context.HttpContext, StatusCodes.Status401Unauthorized, detail);
                },
            };
        });
        services.AddAuthorization();
        return services;
    }
}

/// <summary>The caller of an HTTP endpoint, from its validated token.</summary>
public static class CurrentUser
{
    public static Caller? TryFrom(ClaimsPrincipal? principal) =>
        Guid.TryParse(principal?.FindFirstValue("sub"), out var id)
            ? new Caller(new UserId(id), principal!.FindFirstValue("name"), principal.FindFirstValue("email"))
            : null;

    /// <summary>Endpoints run behind authorization, so a missing subject is a wiring error, not a client one.</summary>
    public static Caller From(ClaimsPrincipal principal) =>
        TryFrom(principal) ?? throw new InvalidOperationException("endpoint reached without an authenticated user");
}
