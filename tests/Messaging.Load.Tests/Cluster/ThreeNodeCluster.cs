using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Messaging.Load.Scenarios;
using Messaging.Load.Tests.Smoke;
using Messaging.Load.Transport;

namespace Messaging.Load.Tests.Cluster;

/// <summary>
/// Three server processes on loopback forming one cluster on the test PostgreSQL, configured as docker-compose.yml
/// configures its nodes (the first is the seed), each on its own HTTP and remoting port.
/// </summary>
public sealed class ThreeNodeCluster : IAsyncDisposable
{
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(90);

    private readonly ChildProcess?[] _nodes;

    private ThreeNodeCluster(ChildProcess[] nodes, TokenMinter tokens)
    {
        _nodes = nodes;
        Tokens = tokens;
    }

    public TokenMinter Tokens { get; }

    public ChildProcess Node(int index) => _nodes[index] ?? throw new InvalidOperationException($"node {index} was stopped");

    public static async Task<ThreeNodeCluster> StartAsync()
    {
        var seedPort = Repository.FreePort();
        var seed = $"akka.tcp://messaging@localhost:{seedPort}";
        var first = await StartNode(seedPort, seed);
        var others = await Task.WhenAll(StartNode(Repository.FreePort(), seed), StartNode(Repository.FreePort(), seed));
        var cluster = new ThreeNodeCluster([first, ..others], new TokenMinter(SmokeServer.SigningKey, TimeProvider.System));
        await cluster.WaitUntilEveryNodeServes();
        return cluster;
    }

    /// <summary>SIGKILL: the node dies without leaving the cluster, as a crashed machine does.</summary>
    public void Kill(int index)
    {
        _nodes[index]?.Dispose();
        _nodes[index] = null;
    }

    /// <summary>SIGTERM: the node leaves the cluster gracefully; its exit code, or null when it did not exit in time.</summary>
    public async Task<int?> TerminateAsync(int index, TimeSpan timeout)
    {
        var exitCode = await Node(index).TerminateAsync(timeout);
        Kill(index);
        return exitCode;
    }

    /// <summary>New users, known to the directory the nodes share.</summary>
    public async Task<IReadOnlyList<LoadUser>> NewUsersAsync(int count, string role)
    {
        var users = LoadUser.Create(count, Tokens, role);
        await UserDirectory.InsertAsync(SmokeServer.Database, users, CancellationToken.None);
        return users;
    }

    /// <summary>Two new users: one to send, one to hear.</summary>
    public async Task<(LoadUser Sender, LoadUser Recipient)> NewPairAsync(string role)
    {
        var users = await NewUsersAsync(2, role);
        return (users[0], users[1]);
    }

    /// <summary>
    /// What the running nodes logged about membership (a node marked unreachable, the split-brain resolver's decision),
    /// with Akka's UTC timestamps: the first phases of a recovery (HOCON-README, "When a node dies").
    /// </summary>
    public string MembershipWarnings() =>
        string.Join('\n', _nodes.OfType<ChildProcess>()
            .SelectMany(node => node.Output.Split('\n'))
            .Where(line => line.Contains("Marking node(s) as UNREACHABLE", StringComparison.Ordinal) || line.Contains("SBR took decision", StringComparison.Ordinal)));

    public HttpClient Http(int index, LoadUser user, TimeSpan timeout)
    {
        var http = new HttpClient { BaseAddress = Node(index).BaseUri, Timeout = timeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        return http;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
            node?.Dispose();
        return ValueTask.CompletedTask;
    }

    private static Task<ChildProcess> StartNode(int remotingPort, string seed)
    {
        var httpPort = Repository.FreePort();
        return ChildProcess.StartAsync(Repository.ServerDll, ["--urls", $"http://127.0.0.1:{httpPort}"], new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["Messaging__Store"] = "postgres",
            ["ConnectionStrings__Messaging"] = SmokeServer.Database,
            ["Jwt__SigningKey"] = SmokeServer.SigningKey,
            ["Cluster__Hostname"] = "localhost",
            ["Cluster__Port"] = remotingPort.ToString(),
            ["Cluster__SeedNodes"] = seed,
            ["Messaging__MessagesPerMinute"] = SmokeServer.MessagesPerMinute.ToString(),
            ["Logging__LogLevel__Default"] = "Warning",
            ["akka__loglevel"] = "WARNING",
        }, httpPort);
    }

    /// <summary>A node answers a conversation list once its shard region works, which needs it to be a member of the cluster.</summary>
    private async Task WaitUntilEveryNodeServes()
    {
        var user = LoadUser.Create(1, Tokens, "cluster-probe")[0];
        var deadline = DateTime.UtcNow + JoinTimeout;
        for (var index = 0; index < _nodes.Length; index++)
        {
            using var http = Http(index, user, TimeSpan.FromSeconds(3));
            while (true)
            {
                try
                {
                    using var response = await http.GetAsync("/api/conversations");
                    if (response.IsSuccessStatusCode)
                        break;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // Not serving yet.
                }
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"node {index} did not serve within {JoinTimeout.TotalSeconds} s:\n{Node(index).Output}");
                await Task.Delay(500);
            }
        }
    }
}

/// <summary>The cluster tests run alone, after the others: three server processes each already fill a 2-core machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "three-node clusters";
}

/// <summary>The REST calls the cluster tests make, with the JSON they read.</summary>
public static class ClusterRest
{
    /// <summary>The whole history of a conversation, oldest first, paged back 100 at a time.</summary>
    public static async Task<List<JsonElement>> HistoryAsync(HttpClient http, Guid conversationId)
    {
        var messages = new List<JsonElement>();
        string? before = null;
        while (true)
        {
            var page = await http.GetFromJsonAsync<JsonElement[]>(
                $"/api/messages?conversationId={conversationId}&limit=100" + (before is null ? "" : $"&before={before}"));
            messages.InsertRange(0, page!);
            if (page!.Length < 100)
                return messages;
            before = page[0].GetProperty("id").GetString();
        }
    }

    public static async Task<int> UnreadCountAsync(HttpClient http, Guid conversationId)
    {
        var list = await http.GetFromJsonAsync<JsonElement[]>("/api/conversations");
        return list!.Single(entry => entry.GetProperty("id").GetGuid() == conversationId).GetProperty("unreadCount").GetInt32();
    }
}
