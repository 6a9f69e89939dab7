using System.ComponentModel;
using System.Diagnostics;

namespace Messaging.Host.Tests.Realtime;

/// <summary>
/// The real <c>@stomp/stompjs</c> client (under Node, over the <c>ws</c> package) chatting through a host on a loopback
/// port: what a browser frontend does. Needs <c>node</c> on the PATH and <c>tests/stomp-client/node_modules</c>
/// (<c>./test.sh</c> runs <c>npm ci</c>); without them the test fails, it never skips.
/// </summary>
[Collection(RealtimeLoopbackCollection.Name)]
public sealed class StompJsTests(LoopbackHostFixture fixture)
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(45);

    private MessagingHost Host => fixture.Host;

    [Fact]
    public async Task Two_STOMP_js_clients_connect_subscribe_type_send_and_get_receipts()
    {
        var alice = await Host.CreateUser("Alice");
        var bob = await Host.CreateUser("Bob");

        var (exitCode, stdout, stderr) = await RunNode(
            "chat.mjs", "--url", Host.WebSocketAddress.ToString(), "--alice-token", alice.Token, "--bob-token", bob.Token, "--bob-id", bob.Id.ToString());

        var output = $"exit code {exitCode}\nstdout: {stdout}\nstderr: {stderr}";
        var summaryLine = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(line => line.StartsWith('{'));
        Assert.True(summaryLine is not null, $"chat.mjs printed no JSON summary; {output}");
        var summary = RealtimeHelpers.Json(summaryLine);
        Assert.True(exitCode == 0 && summary.Bool("ok"), $"chat.mjs failed: {summary.GetProperty("failure")}; {output}");
        Assert.Empty(summary.GetProperty("stompErrors").Items());

        // Both clients negotiated STOMP 1.2 over the v12.stomp subprotocol and were told who they are.
        foreach (var (name, user) in new[] { ("alice", alice), ("bob", bob) })
        {
            Assert.Equal("v12.stomp", summary.GetProperty("subprotocol").Str(name));
            var connected = summary.GetProperty("connected").GetProperty(name);
            Assert.Equal("1.2", connected.Str("version"));
            Assert.Equal("messaging/1.0", connected.Str("server"));
            Assert.Equal("10000,10000", connected.Str("heart-beat"));
            Assert.Equal(user.Id.ToString(), connected.Str("user-name"));
        }

        // The conversation Alice started over the socket is the one REST lists, with Bob's answer last.
        var conversationId = summary.Guid("conversationId");
        var aliceHttp = alice.Http;
        var history = await (await aliceHttp.GetAsync($"/api/messages?conversationId={conversationId}")).ExpectJson(HttpStatusCode.OK);
        Assert.Equal(["Is the camera still available?", "Yes, it is!"], history.Texts());
        var (question, answer) = (history.Items()[0], history.Items()[1]);
        var topic = RealtimeHelpers.Topic(conversationId);

        // Bob: the question as a preview on his queue, his own answer on the topic; never his own typing.
        var bobEvents = Events(summary, "bob");
        Assert.Equal(2, bobEvents.Length);
        RealtimeHelpers.AssertJson(ExpectedEvents.NewMessageNotification(question), Single(bobEvents, "/user/queue/notifications", "NEW_MESSAGE"));
        RealtimeHelpers.AssertJson(ExpectedEvents.NewMessage(answer), Single(bobEvents, topic, "NEW_MESSAGE"));

        // Alice: Bob typing on the topic and her queue, then his answer on both.
        var aliceEvents = Events(summary, "alice");
        Assert.Equal(4, aliceEvents.Length);
        RealtimeHelpers.AssertJson(ExpectedEvents.UserTyping(conversationId, bob.Id), Single(aliceEvents, topic, "USER_TYPING"));
        RealtimeHelpers.AssertJson(ExpectedEvents.UserTyping(conversationId, bob.Id), Single(aliceEvents, "/user/queue/notifications", "USER_TYPING"));
        RealtimeHelpers.AssertJson(ExpectedEvents.NewMessage(answer), Single(aliceEvents, topic, "NEW_MESSAGE"));
        RealtimeHelpers.AssertJson(ExpectedEvents.NewMessageNotification(answer), Single(aliceEvents, "/user/queue/notifications", "NEW_MESSAGE"));
        Assert.All(aliceEvents.Concat(bobEvents), item => Assert.Equal("application/json", item.Str("contentType")));

        // Every SUBSCRIBE and SEND carried a receipt, and each was answered exactly once.
        Assert.Equal(
            ["alice-send-1", "alice-sub-errors", "alice-sub-notifications", "alice-sub-topic"],
            summary.GetProperty("receipts").GetProperty("alice").Items().Select(receipt => receipt.GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(
            ["bob-send-1", "bob-sub-errors", "bob-sub-notifications", "bob-sub-topic", "bob-typing-1"],
            summary.GetProperty("receipts").GetProperty("bob").Items().Select(receipt => receipt.GetString()).Order(StringComparer.Ordinal));
    }

    private static JsonElement[] Events(JsonElement summary, string client) => summary.GetProperty("events").GetProperty(client).Items();

    private static JsonElement Single(JsonElement[] events, string destination, string type)
    {
        var matches = events.Where(item => item.Str("destination") == destination && item.GetProperty("body").Str("type") == type).ToList();
        Assert.True(matches.Count == 1, $"expected one {type} on {destination}, got {matches.Count}: {string.Join(", ", events)}");
        return matches[0].GetProperty("body");
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunNode(params string[] arguments)
    {
        var clientFolder = Path.Combine(RepositoryRoot(), "tests", "stomp-client");
        Assert.True(System.IO.Directory.Exists(Path.Combine(clientFolder, "node_modules", "@stomp", "stompjs")),
            $"{clientFolder}/node_modules lacks @stomp/stompjs: run `npm ci` there (./test.sh does it)");
        var start = new ProcessStartInfo("node") { WorkingDirectory = clientFolder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        }
        catch (Win32Exception missing)
        {
            throw new InvalidOperationException("Node.js (`node`) is required for the STOMP.js test and was not found on the PATH", missing);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(ScriptTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"node {string.Join(' ', arguments.Take(1))} did not finish within {ScriptTimeout.TotalSeconds} s; stdout: {await stdout}; stderr: {await stderr}");
            }
            return (process.ExitCode, await stdout, await stderr);
        }
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Messaging.sln")))
                return folder.FullName;
        }
        throw new InvalidOperationException($"no Messaging.sln above {AppContext.BaseDirectory}");
    }
}
