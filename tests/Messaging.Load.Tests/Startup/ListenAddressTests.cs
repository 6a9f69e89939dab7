using System.Text.Json;
using Messaging.Load.Tests.Cluster;
using Messaging.Load.Tests.Smoke;

namespace Messaging.Load.Tests.Startup;

/// <summary>
/// The listen address is the operator's: <c>ASPNETCORE_URLS</c> or <c>--urls</c>, else Kestrel's own default
/// <c>http://localhost:5000</c>; the launch profile of <c>dotnet run</c> sets only the environment.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ListenAddressTests
{
    [Fact]
    public async Task ASPNETCORE_URLS_sets_the_listen_address()
    {
        var port = Repository.FreePort();

        using var server = await StartServer([], new() { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" }, port);

        await AssertLive(server.BaseUri);
    }

    [Fact]
    public async Task The_urls_argument_sets_the_listen_address()
    {
        var port = Repository.FreePort();

        using var server = await StartServer(["--urls", $"http://127.0.0.1:{port}"], new() { ["ASPNETCORE_URLS"] = "" }, port);

        await AssertLive(server.BaseUri);
    }

    [Fact]
    public async Task Without_an_address_the_server_listens_on_localhost_port_5000()
    {
        using var server = await StartServer([], new() { ["ASPNETCORE_URLS"] = "", ["ASPNETCORE_HTTP_PORTS"] = "", ["DOTNET_URLS"] = "" }, 5000);

        await AssertLive(new Uri("http://localhost:5000"));
    }

    [Fact]
    public void The_launch_profile_sets_the_environment_only()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "src/Messaging.Host/Properties/launchSettings.json")));

        var profile = settings.RootElement.GetProperty("profiles").GetProperty("Messaging.Host");

        Assert.False(profile.TryGetProperty("applicationUrl", out _), "applicationUrl would override ASPNETCORE_URLS and --urls under dotnet run");
        Assert.Equal("""{"ASPNETCORE_ENVIRONMENT":"Development"}""", JsonSerializer.Serialize(profile.GetProperty("environmentVariables")));
    }

    /// <summary>The server on a SQLite file of its own (no shared database needed to listen).</summary>
    private static Task<ChildProcess> StartServer(string[] arguments, Dictionary<string, string> environment, int port)
    {
        environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        environment["Messaging__Store"] = "sqlite";
        environment["ConnectionStrings__Messaging"] = $"Data Source={Path.Combine(Path.GetTempPath(), $"listen-{Guid.NewGuid():N}.db")}";
        environment["Jwt__SigningKey"] = SmokeServer.SigningKey;
        environment["Logging__LogLevel__Default"] = "Warning";
        return ChildProcess.StartAsync(Repository.ServerDll, arguments, environment, port);
    }

    private static async Task AssertLive(Uri address)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        using var response = await http.GetAsync("/health/live");
        Assert.Equal(200, (int)response.StatusCode);
    }
}
