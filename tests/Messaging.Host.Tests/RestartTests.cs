namespace Messaging.Host.Tests;

/// <summary>Everything acknowledged survives a restart: host B on the same PostgreSQL database reads back what host A wrote.</summary>
public sealed class RestartTests
{
    /// <param name="snapshotEvery">100 recovers from the journal alone; 3 from snapshots and a short tail.</param>
    [Theory]
    [InlineData(100)]
    [InlineData(3)]
    public async Task A_new_host_on_the_same_database_reads_everything_back_identically(int snapshotEvery)
    {
        var settings = new Dictionary<string, string?> { ["Messaging:SnapshotEvery"] = snapshotEvery.ToString() };
        RestartScenario scenario;
        SortedDictionary<string, string> before;
        await using (var hostA = await MessagingHost.StartPostgres(settings))
        {
            scenario = await RestartScenario.Write(hostA);
            before = await scenario.Capture();
            await scenario.AssertContent();
        }

        await using var hostB = await MessagingHost.StartPostgres(settings);
        scenario.On(hostB);
        await scenario.AssertSurvivedRestart(before);
    }
}
