using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Messaging.Load.Scenarios;
using Messaging.Load.Tests.Cluster;
using Messaging.Load.Tests.Smoke;
using Messaging.Load.Transport;
using Xunit.Abstractions;

namespace Messaging.Load.Tests.Startup;

/// <summary>
/// A node is ready only once it is warm: the first requests of a user after a fresh process reports
/// <c>/health/ready</c> are answered in under 200 ms each, not after seconds of JIT and first-time initialisation.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FirstRequestTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task After_ready_the_first_send_history_and_conversation_list_each_answer_within_200_ms()
    {
        var port = Repository.FreePort();
        using var server = await ChildProcess.StartAsync(Repository.ServerDll, ["--urls", $"http://127.0.0.1:{port}"], new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["Messaging__Store"] = "postgres",
            ["ConnectionStrings__Messaging"] = SmokeServer.Database,
            ["Jwt__SigningKey"] = SmokeServer.SigningKey,
            ["Cluster__Port"] = "0",
            ["Logging__LogLevel__Default"] = "Warning",
        }, port);
        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        await WaitUntilReady(http, server);
        var users = LoadUser.Create(2, new TokenMinter(SmokeServer.SigningKey, TimeProvider.System), "first-request");
        await UserDirectory.InsertAsync(SmokeServer.Database, users, CancellationToken.None);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", users[0].Token);

        // Serialized before the clock starts: the test's own first JSON serialization is not the server's time.
        var body = new StringContent(JsonSerializer.Serialize(new { recipientId = users[1].Id, text = "Is this still available?" }), Encoding.UTF8, "application/json");

        var (send, sendTime) = await Timed(() => http.PostAsync("/api/messages", body));
        var conversationId = JsonDocument.Parse(await send.Content.ReadAsStringAsync()).RootElement.GetProperty("conversationId").GetString();
        var (history, historyTime) = await Timed(() => http.GetAsync($"/api/messages?conversationId={conversationId}"));
        var (list, listTime) = await Timed(() => http.GetAsync("/api/conversations"));

        output.WriteLine($"first POST /api/messages {sendTime.TotalMilliseconds:0} ms, GET /api/messages {historyTime.TotalMilliseconds:0} ms, GET /api/conversations {listTime.TotalMilliseconds:0} ms");
        Assert.Equal([201, 200, 200], [(int)send.StatusCode, (int)history.StatusCode, (int)list.StatusCode]);
        Assert.True(sendTime < Budget, $"the first send took {sendTime.TotalMilliseconds:0} ms");
        Assert.True(historyTime < Budget, $"the first history request took {historyTime.TotalMilliseconds:0} ms");
        Assert.True(listTime < Budget, $"the first conversation list took {listTime.TotalMilliseconds:0} ms");
    }

    private static async Task<(HttpResponseMessage Response, TimeSpan Time)> Timed(Func<Task<HttpResponseMessage>> request)
    {
        var clock = Stopwatch.StartNew();
        var response = await request();
        await response.Content.LoadIntoBufferAsync();
        return (response, clock.Elapsed);
    }

    /// <summary>Polls <c>/health/ready</c> with the client the test then times, so its own connection is open and warm.</summary>
    private static async Task WaitUntilReady(HttpClient http, ChildProcess server)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (true)
        {
            using var response = await http.GetAsync("/health/ready");
            if (response.IsSuccessStatusCode)
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"/health/ready did not answer 200 within {ReadyTimeout.TotalSeconds} s:\n{server.Output}");
            await Task.Delay(100);
        }
    }
}
