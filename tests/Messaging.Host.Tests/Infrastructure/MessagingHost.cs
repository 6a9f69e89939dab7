using System.Net;
using Messaging.Actors;
using Messaging.Actors.Doors;
using Messaging.Host.Auth;
using Messaging.Host.Configuration;
using Messaging.Host.Directory;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Host.Tests.Infrastructure;

/// <summary>
/// One messaging node in memory: the real Program (a one-node Akka cluster on a free port) on a real database,
/// configured as an operator would, through configuration keys only.
/// </summary>
public sealed class MessagingHost : WebApplicationFactory<Program>
{
    public const string SigningKey = "messaging-host-tests-signing-key-0123456789-abcdef";

    /// <summary>Hosts starting at once on an empty PostgreSQL database would race to create the same tables.</summary>
    private static readonly SemaphoreSlim PostgresStartGate = new(1, 1);
    private static bool _postgresSchemaReady;

    private readonly Dictionary<string, string?> _settings;

    private readonly bool _onLoopback;

    private readonly Action<IServiceCollection>? _testServices;

    private MessagingHost(
        StoreKind store, string connectionString, IReadOnlyDictionary<string, string?>? settings, bool onLoopback = false, Action<IServiceCollection>? testServices = null)
    {
        _onLoopback = onLoopback;
        _testServices = testServices;
        if (onLoopback)
            UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        Store = store;
        ConnectionString = connectionString;
        _settings = new Dictionary<string, string?>
        {
            ["Messaging:Store"] = store == StoreKind.Postgres ? "postgres" : "sqlite",
            ["ConnectionStrings:Messaging"] = connectionString,
            ["Jwt:SigningKey"] = SigningKey,
            ["Cluster:Port"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            // Tests send far more than a person would; RateLimitTests restore the real limit.
            ["Messaging:MessagesPerMinute"] = "100000",
            ["Messaging:TypingPerMinute"] = "100000",
        };
        // A null value removes one of the defaults above.
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            if (value is null)
                _settings.Remove(key);
            else
                _settings[key] = value;
        }
        Jwt = new JwtSettings { SigningKey = _settings["Jwt:SigningKey"], Issuer = _settings.GetValueOrDefault("Jwt:Issuer"), Audience = _settings.GetValueOrDefault("Jwt:Audience") };
    }

    public StoreKind Store { get; }

    public string ConnectionString { get; }

    /// <summary>The token settings this host validates against, for issuing valid tokens.</summary>
    public JwtSettings Jwt { get; }

    public SqlDirectory Directory => Services.GetRequiredService<SqlDirectory>();

    /// <summary>Where Kestrel listens (e.g. <c>http://127.0.0.1:41234</c>) when the host runs on a loopback port.</summary>
    public Uri BaseAddress { get; private set; } = new("http://localhost");

    public Uri WebSocketAddress => new($"ws://{BaseAddress.Authority}/ws");

    /// <summary>Starts a host on the test PostgreSQL database (fails, never skips, when it is unreachable).</summary>
    /// <param name="onLoopback">Listen on a real 127.0.0.1 port (Kestrel) instead of the in-memory test server, for clients outside this process.</param>
    /// <param name="testServices">Services only the tests add (e.g. a startup filter mapping test endpoints).</param>
    /// <param name="connectionString">Another way to the test database (e.g. through a proxy the test controls).</param>
    public static async Task<MessagingHost> StartPostgres(
        IReadOnlyDictionary<string, string?>? settings = null, bool onLoopback = false, Action<IServiceCollection>? testServices = null,
        string? connectionString = null)
    {
        await TestDatabase.EnsureReachable();
        await PostgresStartGate.WaitAsync();
        try
        {
            var host = new MessagingHost(StoreKind.Postgres, connectionString ?? TestDatabase.ConnectionString, settings, onLoopback, testServices);
            await host.Start();
            if (!_postgresSchemaReady)
            {
                // The first host creates the directory, journal and snapshot tables before any other starts.
                await host.WarmUp();
                _postgresSchemaReady = true;
            }
            return host;
        }
        finally
        {
            PostgresStartGate.Release();
        }
    }

    /// <summary>Starts a host on a SQLite file (created when missing).</summary>
    public static async Task<MessagingHost> StartSqlite(string file, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var host = new MessagingHost(StoreKind.Sqlite, $"Data Source={file}", settings);
        await host.Start();
        await host.WarmUp();
        return host;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Not Development: the signing key is required, as in production.
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
        if (_testServices is not null)
            builder.ConfigureServices(_testServices);
    }

    /// <summary>Starts the host and waits for its warm start, as a load balancer waits for readiness before sending users.</summary>
    private async Task Start()
    {
        // Builds and starts the host: directory schema, actor system, cluster self-join.
        if (_onLoopback)
        {
            StartServer();
            BaseAddress = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
                .Single(address => address.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)));
        }
        else
            _ = Server;
        var store = Services.GetRequiredService<StoreOptions>();
        if (store.Kind != Store || store.ConnectionString != ConnectionString)
            throw new InvalidOperationException($"the host did not take the test configuration: it runs on {store.Kind} '{store.ConnectionString}'");
        await Services.GetRequiredService<WarmStart>().Warmed.WaitAsync(TimeSpan.FromSeconds(90));
    }

    /// <summary>One conversation end to end, so the journal and snapshot tables exist and the cluster is up.</summary>
    private async Task WarmUp()
    {
        var a = await CreateUser();
        var b = await CreateUser();
        var sent = await a.SendTo(b, "warm-up");
        await b.MessagesOk($"conversationId={sent.Str("conversationId")}");
        await b.ConversationsOk();
    }

    /// <summary>A new user in the directory, with a client carrying a valid token for them.</summary>
    public async Task<TestUser> CreateUser(string? name = null, string? email = null)
    {
        var id = Guid.NewGuid();
        name ??= $"User {id.ToString("N")[..8]}";
        email ??= $"user-{id:N}@example.test";
        await Directory.UpsertUser(new UserProfile(new UserId(id), name, email), CancellationToken.None);
        return new TestUser(this, id, name, email);
    }

    /// <summary>A user who has a token but is not in the directory.</summary>
    public TestUser UserNotInDirectory(string? tokenName = null, string? tokenEmail = null) =>
        new(this, Guid.NewGuid(), tokenName, tokenEmail, tokenName, tokenEmail);

    public async Task<Guid> CreateProduct(string? title = null, string? imageUrl = "https://images.example.test/product.jpg")
    {
        var id = Guid.NewGuid();
        await Directory.UpsertProduct(new ProductInfo(new ProductId(id), title ?? $"Product {id.ToString("N")[..8]}", imageUrl), CancellationToken.None);
        return id;
    }

    /// <summary>A client with the given Authorization header value (or none).</summary>
    public HttpClient ClientWithAuthorization(string? authorization)
    {
        var client = _onLoopback
            ? new HttpClient { BaseAddress = BaseAddress } // a real socket, not the in-memory test server
            : CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (authorization is not null)
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        return client;
    }

    public HttpClient ClientWithToken(string token) => ClientWithAuthorization($"Bearer {token}");
}
