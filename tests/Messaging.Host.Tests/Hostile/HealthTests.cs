namespace Messaging.Host.Tests.Hostile;

/// <summary>A healthy node: live, and ready with every check named and ok.</summary>
[Collection(RulesCollection.Name)]
public sealed class HealthTests(PostgresHostFixture fixture)
{
    [Fact]
    public async Task A_healthy_node_is_ready_with_store_cluster_shard_regions_and_warm_start_ok()
    {
        using var client = fixture.Host.ClientWithAuthorization(null);

        var ready = await (await client.GetAsync("/health/ready")).ExpectJson(HttpStatusCode.OK);

        Assert.Equal("ok", ready.Str("status"));
        var checks = ready.GetProperty("checks");
        Assert.Equal(["cluster", "shard-regions", "store", "warm-start"], checks.EnumerateObject().Select(check => check.Name).Order(StringComparer.Ordinal));
        Assert.All(checks.EnumerateObject(), check => Assert.Equal("ok", check.Value.Str("status")));
    }

    [Fact]
    public async Task Liveness_runs_no_check()
    {
        using var client = fixture.Host.ClientWithAuthorization(null);

        var live = await (await client.GetAsync("/health/live")).ExpectJson(HttpStatusCode.OK);

        Assert.Empty(live.GetProperty("checks").EnumerateObject());
    }
}
