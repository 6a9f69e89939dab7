using Xunit.Abstractions;

namespace Messaging.Load.Tests.Cluster;

/// <summary>A cluster of its own: the leave test stops a node the other tests use.</summary>
public sealed class LeavingClusterFixture : IAsyncLifetime
{
    public ThreeNodeCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await ThreeNodeCluster.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>
/// SIGTERM, as an orchestrator stops a node: it leaves the cluster, hands its shards over and exits, and the clients
/// sending through another node lose nothing acknowledged and store nothing twice.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NodeLeaveTests(LeavingClusterFixture fixture, ITestOutputHelper output) : IClassFixture<LeavingClusterFixture>
{
    private const int Pairs = 24;
    private static readonly TimeSpan SendingBeforeLeave = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan SendingAfterExit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_node_stopped_with_SIGTERM_exits_cleanly_and_every_acknowledged_send_is_in_history_once()
    {
        var senders = await RetryingSenders.StartAsync(fixture.Cluster, node: 0, Pairs, "leave");

        await Task.Delay(SendingBeforeLeave);
        senders.MarkEvent();
        var exitCode = await fixture.Cluster.TerminateAsync(2, ExitTimeout);
        await Task.Delay(SendingAfterExit);
        var accounting = await senders.StopAndAccountAsync();
        output.WriteLine($"SIGTERM of node 3: exit code {exitCode?.ToString() ?? "none: still running"}; {accounting}");

        Assert.Equal(0, exitCode);
        Assert.Equal(0, accounting.Lost);
        Assert.Equal(0, accounting.Duplicated);
        Assert.Equal(accounting.Acknowledged, accounting.Found);
        Assert.Equal(0, accounting.UnreadCountsWrong);
        Assert.True(accounting.AnsweredAgainAfter is not null, "some conversations never answered after the node left");
    }
}
