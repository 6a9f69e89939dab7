using System.Diagnostics;
using System.Diagnostics.Metrics;
using Messaging.Actors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Messaging.Actors.Stomp;
using Messaging.Host.Tests.Realtime;

namespace Messaging.Host.Tests.Hostile;

/// <summary>A host whose database stops answering (through a proxy) after a conversation was started on it.</summary>
public abstract class UnreachableStoreFixture(Outage outage) : IAsyncLifetime
{
    private StoreProxy? _proxy;
    private MessagingHost? _host;

    public MessagingHost Host => _host ?? throw new InvalidOperationException("the host did not start");

    public TestUser Alice { get; private set; } = null!;

    public TestUser Bob { get; private set; } = null!;

    public Guid ConversationId { get; private set; }

    /// <summary>How long after the database stopped answering the node said it was not ready.</summary>
    public TimeSpan NoticedAfter { get; private set; }

    public async Task InitializeAsync()
    {
        await TestDatabase.EnsureReachable();
        _proxy = new StoreProxy(TestDatabase.ConnectionString);
        _host = await MessagingHost.StartPostgres(connectionString: _proxy.ConnectionString);
        Alice = await _host.CreateUser();
        Bob = await _host.CreateUser();
        ConversationId = (await Alice.SendTo(Bob, "before the outage")).Guid("conversationId");

        _proxy.StopAnswering(outage);
        var clock = Stopwatch.StartNew();
        using var client = _host.ClientWithAuthorization(null);
        while ((await client.GetAsync("/health/ready")).StatusCode != HttpStatusCode.ServiceUnavailable && clock.Elapsed < TimeSpan.FromSeconds(30))
            await Task.Delay(100);
        NoticedAfter = clock.Elapsed;
    }

    public async Task DisposeAsync()
    {
        // The database answers again before the node stops, so it can save what it holds.
        _proxy?.ResumeAnswering();
        if (_host is not null)
            await _host.DisposeAsync();
        _proxy?.Dispose();
    }
}

public sealed class RefusingStoreFixture() : UnreachableStoreFixture(Outage.Refusing);

public sealed class SilentStoreFixture() : UnreachableStoreFixture(Outage.Silent);

/// <summary>
/// While the database does not answer, the node says so at once: writes and lists are 503 with Retry-After within
/// a few seconds (never a 500, never a wait for an entity that cannot persist), readiness is 503, liveness is 200.
/// </summary>
public abstract class UnreachableStoreTests(UnreachableStoreFixture fixture)
{
    /// <summary>The monitor pings every second and gives a ping 2 s before it counts as unanswered.</summary>
    private static readonly TimeSpan AFewSeconds = TimeSpan.FromSeconds(5);

    private static async Task ExpectStoreUnavailable(Func<Task<HttpResponseMessage>> request)
    {
        var clock = Stopwatch.StartNew();
        var response = await request();
        var elapsed = clock.Elapsed;

        var problem = await response.ExpectProblem(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("the store is unavailable; retry shortly", problem.Str("detail"));
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.True(elapsed < AFewSeconds, $"answered after {elapsed}");
    }

    [Fact]
    public void The_node_notices_within_a_few_seconds()
    {
        Assert.True(fixture.NoticedAfter < AFewSeconds, $"noticed after {fixture.NoticedAfter}");
    }

    [Fact]
    public Task A_send_is_503_with_Retry_After() =>
        ExpectStoreUnavailable(() => fixture.Alice.Send(new { conversationId = fixture.ConversationId, text = "during the outage" }));

    [Fact]
    public async Task A_send_refused_while_the_store_is_down_counts_as_refused_unavailable_at_the_rest_door()
    {
        using var refused = new MetricCollector<long>(fixture.Host.Services.GetRequiredService<IMeterFactory>(), MessagingMetrics.MeterName, "messaging.messages.refused");

        await fixture.Alice.Send(new { conversationId = fixture.ConversationId, text = "during the outage" });

        var measurement = Assert.Single(refused.GetMeasurementSnapshot());
        Assert.Equal(1, measurement.Value);
        Assert.Equal(new Dictionary<string, object?> { ["messaging.door"] = "rest", ["messaging.refusal.reason"] = "unavailable" }, measurement.Tags.ToDictionary());
    }

    [Fact]
    public Task A_conversation_list_is_503_with_Retry_After() => ExpectStoreUnavailable(() => fixture.Bob.GetConversations());

    [Fact]
    public Task A_history_is_503_with_Retry_After() => ExpectStoreUnavailable(() => fixture.Bob.GetMessages($"conversationId={fixture.ConversationId}"));

    [Fact]
    public async Task A_STOMP_send_gets_an_error_event_503_within_a_few_seconds()
    {
        await using var client = await StompTestClient.ConnectAsync(fixture.Alice, "alice");
        await client.SubscribeAsync(Destination.Errors);
        var clock = Stopwatch.StartNew();

        await client.SendAsync("/app/message.send", new { conversationId = fixture.ConversationId, text = "during the outage" }, receipt: "outage");

        var (_, error) = await client.ExpectMessageAsync(Destination.Errors, "ERROR");
        Assert.True(clock.Elapsed < AFewSeconds, $"answered after {clock.Elapsed}");
        Assert.Equal(503, error.Int("code"));
        Assert.Equal("the store is unavailable; retry shortly", error.Str("message"));
        Assert.Equal("outage", error.Str("receiptId"));
    }

    [Fact]
    public async Task Readiness_is_503_and_names_the_store_as_the_failing_check()
    {
        using var client = fixture.Host.ClientWithAuthorization(null);

        var ready = await (await client.GetAsync("/health/ready")).ExpectJson(HttpStatusCode.ServiceUnavailable);

        Assert.Equal("unavailable", ready.Str("status"));
        Assert.Equal("unavailable", ready.GetProperty("checks").GetProperty("store").Str("status"));
        Assert.Equal("ok", ready.GetProperty("checks").GetProperty("cluster").Str("status"));
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health")]
    public async Task Liveness_is_200_ok(string path)
    {
        using var client = fixture.Host.ClientWithAuthorization(null);

        Assert.Equal("ok", (await (await client.GetAsync(path)).ExpectJson(HttpStatusCode.OK)).Str("status"));
    }
}

/// <summary>The database refuses connections (it or its host went away).</summary>
public sealed class RefusingStoreTests(RefusingStoreFixture fixture) : UnreachableStoreTests(fixture), IClassFixture<RefusingStoreFixture>;

/// <summary>The database accepts connections and never answers (a network that drops packets).</summary>
public sealed class SilentStoreTests(SilentStoreFixture fixture) : UnreachableStoreTests(fixture), IClassFixture<SilentStoreFixture>;
