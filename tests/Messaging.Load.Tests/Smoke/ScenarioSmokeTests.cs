using Messaging.Load.Cli;
using Messaging.Load.Results;

namespace Messaging.Load.Tests.Smoke;

/// <summary>
/// Every scenario and the relay baseline, run for a second or two at tiny sizes against the real server (and the
/// relay) through the generator's command line, so the benchmark cannot rot. The figures must be real ones.
/// </summary>
public sealed class ScenarioSmokeTests(SmokeServer smoke) : IClassFixture<SmokeServer>, IDisposable
{
    private readonly string _results = Directory.CreateTempSubdirectory("load-smoke-").FullName;
    private readonly StringWriter _output = new();

    [Fact]
    public async Task Throughput_steps_up_the_rate_and_reports_the_highest_it_sustained()
    {
        // A loose p99 limit: a shared test machine must not fail the mechanics on a slow moment.
        var result = await Run("throughput", "--users", "4", "--steps", "10,20", "--seconds", "1", "--warmup", "0.5", "--p99-limit-ms", "5000", "--http-rate", "4");

        Assert.Equal([10.0, 20.0], result.Steps.Select(step => step.OfferedRate));
        AssertEverythingDelivered(result.Steps[0], sent: 10);
        AssertEverythingDelivered(result.Steps[1], sent: 20);
        Assert.Equal(20, result.SustainedRate);
        Assert.Equal(SmokeServer.MessagesPerMinute, result.ServerMessagesPerMinute);
    }

    [Fact]
    public async Task Latency_runs_at_half_the_given_rate_with_rest_reads_beside_it()
    {
        var result = await Run("latency", "--users", "4", "--rate", "40", "--seconds", "1.5", "--warmup", "0.5", "--http-rate", "10");

        var step = Assert.Single(result.Steps);
        Assert.Equal(20, step.OfferedRate);
        AssertEverythingDelivered(step, sent: 30);
        Assert.True(step.ScheduleLag.Count == 30, "every send's lag is recorded");
        var http = step.Http!;
        Assert.Empty(http.Failures);
        Assert.True(http.Latency["GET /api/conversations"].P50Ms > 0);
        Assert.True(http.Latency["GET /api/messages"].P50Ms > 0);
    }

    [Fact]
    public async Task Latency_flat_out_sends_everything_at_once()
    {
        var result = await Run("latency", "--users", "4", "--flat-out", "40", "--warmup", "0");

        var step = Assert.Single(result.Steps);
        Assert.Equal(0, step.OfferedRate);
        AssertEverythingDelivered(step, sent: 40);
    }

    [Fact]
    public async Task Overload_runs_at_twice_the_given_rate_and_counts_accepted_and_refused()
    {
        var result = await Run("overload", "--users", "4", "--rate", "10", "--seconds", "1", "--warmup", "0.5");

        var step = Assert.Single(result.Steps);
        Assert.Equal(20, step.OfferedRate);
        AssertEverythingDelivered(step, sent: 20);
        Assert.Empty(step.Refusals);
        Assert.Empty(step.ErrorFrames);
    }

    [Fact]
    public async Task Idle_holds_subscribed_connections_with_heart_beats_and_measures_the_servers_memory()
    {
        var result = await Run("idle", "--users", "10", "--seconds", "1.5", "--warmup", "0.2", "--heart-beat", "1");

        var idle = result.Idle!;
        Assert.Equal(10, idle.Connections);
        Assert.Equal(10, idle.Open);
        Assert.Equal(0, idle.Disconnects);
        Assert.True(idle.RssIdleMiB > 0 && idle.RssLoadedMiB > 0);
        Assert.Equal((idle.RssLoadedMiB - idle.RssIdleMiB) * 1024 / 10, idle.KibPerConnection, tolerance: 11); // both RSS figures are rounded to 0.1 MiB
    }

    [Fact]
    public async Task Inbox_gives_a_user_its_conversations_and_reads_its_list_under_load()
    {
        var result = await Run("inbox", "--conversations", "5", "--users", "4", "--rate", "20", "--seconds", "1", "--warmup", "0.5", "--opening-rate", "50");

        var inbox = result.Inbox!;
        Assert.Equal(5, inbox.Conversations);
        Assert.Equal(5, inbox.Listed);
        Assert.Equal(5, inbox.Delivered);
        Assert.True(inbox.List.Count > 0 && inbox.List.P50Ms > 0);
        AssertEverythingDelivered(Assert.Single(result.Steps), sent: 20);
    }

    [Fact]
    public async Task The_relay_baseline_is_driven_in_the_same_pattern()
    {
        var port = Repository.FreePort();
        using var relay = await ChildProcess.StartAsync(Repository.LoadDll, ["relay", "--port", port.ToString(), "--lifetime", "120"], new Dictionary<string, string>(), port);

        var result = await RunWith(["throughput", "--target", "relay", "--url", relay.BaseUri.ToString(), "--server-pid", relay.Id.ToString(),
            "--users", "4", "--steps", "20,40", "--seconds", "1", "--warmup", "0.5", "--p99-limit-ms", "5000", "--results", _results, "--label", "smoke"]);

        Assert.Equal("relay", result.Target);
        Assert.Equal(40, result.SustainedRate);
        foreach (var (step, sent) in result.Steps.Zip([20, 40]))
        {
            Assert.Equal(sent, step.Sent);
            Assert.Equal(sent, step.Delivered);
            Assert.Equal(0, step.Acknowledged); // the relay acknowledges nothing
            Assert.True(step.Delivery.P50Ms > 0);
            Assert.True(step.Server!.CpuSeconds > 0 && step.Server.RssPeakMiB > 0);
        }
        Assert.True(File.Exists(Path.Combine(_results, "throughput-relay-smoke.json")));
    }

    public void Dispose() => Directory.Delete(_results, recursive: true);

    private Task<RunResult> Run(string scenario, params string[] options) =>
        RunWith([scenario, .. options, .. smoke.TargetOptions(_results)]);

    /// <summary>Runs the command line in this process; returns the result file it wrote, after checking its summary line.</summary>
    private async Task<RunResult> RunWith(string[] args)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var exitCode = await Verbs.RunAsync(args, _output, timeout.Token);

        Assert.True(exitCode == 0, $"exit code {exitCode}; server output:\n{smoke.Server.Output}");
        var file = Assert.Single(Directory.GetFiles(_results, $"{args[0]}-*smoke.json"));
        var result = await ResultFile.ReadAsync(file, CancellationToken.None);
        Assert.Equal(result.Summary, _output.ToString().Trim());
        Assert.StartsWith($"{args[0]} ", result.Summary);
        return result;
    }

    private static void AssertEverythingDelivered(LoadStep step, long sent)
    {
        Assert.Equal(sent, step.Sent);
        Assert.Equal(sent, step.Acknowledged);
        Assert.Equal(sent, step.Delivered);
        Assert.Equal(0, step.Refused);
        Assert.Equal(0, step.Duplicates);
        Assert.Equal(0, step.Disconnects);
        Assert.True(step.Delivery.P50Ms > 0, "delivery p50 > 0");
        Assert.True(step.Receipt.P50Ms > 0, "receipt p50 > 0");
        Assert.True(step.DeliveredPerSecond > 0, "delivered per second > 0");
        var server = step.Server!;
        Assert.True(server.CpuSeconds > 0, $"server CPU seconds > 0, got {server.CpuSeconds}");
        Assert.True(server.RssPeakMiB > 0 && server.RssStartMiB > 0 && server.RssEndMiB > 0, "server RSS > 0");
    }
}
