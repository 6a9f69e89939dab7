using System.Net;
using Messaging.Actors;
using Messaging.Actors.Doors;
using Messaging.Host.Auth;
using Messaging.Host.Directory;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Host.Tests.Infrastructure;

/// <summary>
/// The real Program on Kestrel at a free 127.0.0.1 port, for clients outside the test process (Node's STOMP.js).
/// Runs on its own SQLite file, so it never races the PostgreSQL hosts to create tables; configured like
/// <see cref="MessagingHost"/> otherwise (test signing key, Testing environment, relaxed rate limits).
/// </summary>
public sealed class LoopbackMessagingHost : WebApplicationFactory<Program>
{
    private readonly string _sqliteFile = TestDatabase.NewSqliteFile();
    private readonly Dictionary<string, string?> _settings;

    private LoopbackMessagingHost()
    {
        _settings = new Dictionary<string, string?>
        {
            ["Messaging:Store"] = "sqlite",
            ["ConnectionStrings:Messaging"] = $"Data Source={_sqliteFile}",
            ["Jwt:SigningKey"] = MessagingHost.SigningKey,
            ["Cluster:Port"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["akka:loglevel"] = "WARNING",
            ["Messaging:MessagesPerMinute"] = "100000",
            ["Messaging:TypingPerMinute"] = "100000",
        };
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
    }

    public JwtSettings Jwt { get; } = new() { SigningKey = MessagingHost.SigningKey };

    /// <summary>Where Kestrel listens, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public Uri WebSocketAddress => new($"ws://{BaseAddress.Authority}/ws");

    public static LoopbackMessagingHost Start()
    {
        var host = new LoopbackMessagingHost();
        try
        {
            host.StartServer();
            var addresses = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
                ?? throw new InvalidOperationException("Kestrel reports no addresses");
            host.BaseAddress = new Uri(addresses.Single(address => address.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)));
            if (host.BaseAddress.Port == 0)
                throw new InvalidOperationException($"Kestrel did not report its port: {string.Join(", ", addresses)}");
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
    }

    /// <summary>A new user in the directory and a valid token for them.</summary>
    public async Task<(Guid Id, string Name, string Token)> CreateUser(string name)
    {
        var id = Guid.NewGuid();
        await Services.GetRequiredService<SqlDirectory>().UpsertUser(new UserProfile(new UserId(id), name, $"{name.ToLowerInvariant()}-{id:N}@example.test"), CancellationToken.None);
        return (id, name, DevelopmentTokens.Issue(Jwt, id));
    }

    /// <summary>An HTTP client to the loopback port (a real socket, not the in-memory test server).</summary>
    public HttpClient ClientWithToken(string token)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        TestDatabase.DeleteSqliteFile(_sqliteFile);
    }
}
