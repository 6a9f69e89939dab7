using System.Globalization;
using System.Text.RegularExpressions;
using Messaging.Actors;
using Messaging.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Messaging.Host.Tests;

/// <summary>
/// Alone: OpenTelemetry merges the same-named instruments of every host in the process into one stream and drops that
/// stream when the host that created it first is disposed, so a host started beside others may export nothing.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics";
}

/// <summary>
/// <c>/metrics</c> on a real host: Prometheus text with our counters, open without a token. Hosts of earlier tests
/// record to meters of the same name, so a series is compared before and after and may have moved by more.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed partial class MetricsTests : IAsyncLifetime
{
    private static readonly TimeSpan ScrapeWait = TimeSpan.FromSeconds(10);

    private MessagingHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await MessagingHost.StartPostgres(new Dictionary<string, string?> { ["Messaging:MessagesPerMinute"] = "1" });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Metrics_are_served_as_Prometheus_text_without_a_token_with_the_aspnetcore_and_npgsql_instruments()
    {
        var response = await _host.ClientWithAuthorization(null).GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE http_server_active_requests gauge", text);
        Assert.Contains("# TYPE db_client_connection_count gauge", text);
    }

    [Fact]
    public async Task An_accepted_rest_send_moves_the_accepted_counter_and_the_send_duration_of_the_rest_door()
    {
        var alice = await _host.CreateUser();
        var bob = await _host.CreateUser();
        var accepted = new Series("messaging_messages_accepted_total", ("messaging_door", "rest"));
        var durations = new Series("messaging_send_duration_seconds_count", ("messaging_door", "rest"));
        var before = await Scrape();

        await alice.SendTo(bob, "counted");

        await ScrapeUntilMoved(before, accepted, durations);
    }

    [Fact]
    public async Task A_rest_send_refused_by_the_rate_limit_moves_the_refused_counter_with_its_reason_and_the_rate_limit_counter()
    {
        var alice = await _host.CreateUser();
        var bob = await _host.CreateUser();
        await alice.SendTo(bob, "the one allowed this minute");
        var refused = new Series("messaging_messages_refused_total", ("messaging_door", "rest"), ("messaging_refusal_reason", "too_many_requests"));
        var limited = new Series("messaging_rate_limit_refusals_total", ("messaging_rate_limit", "message"));
        var before = await Scrape();

        await (await alice.Send(new { recipientId = bob.Id, text = "one too many" })).ExpectProblem(HttpStatusCode.TooManyRequests);

        await ScrapeUntilMoved(before, refused, limited);
    }

    [Fact]
    public async Task A_rest_send_with_an_unreadable_body_moves_the_refused_counter_with_reason_invalid()
    {
        var alice = await _host.CreateUser();
        var bob = await _host.CreateUser();
        var refused = new Series("messaging_messages_refused_total", ("messaging_door", "rest"), ("messaging_refusal_reason", "invalid"));
        var before = await Scrape();

        await (await alice.Send(new { recipientId = bob.Id, text = 5 })).ExpectProblem(HttpStatusCode.BadRequest);

        await ScrapeUntilMoved(before, refused);
    }

    [Fact]
    public async Task Active_entities_are_a_gauge_per_entity_type()
    {
        var alice = await _host.CreateUser();
        await alice.SendTo(await _host.CreateUser(), "starts a conversation and two inboxes");

        var text = await Scrape();

        Assert.True(new Series("messaging_entities_active", ("messaging_entity_type", "conversation")).ValueIn(text) >= 1);
        Assert.True(new Series("messaging_entities_active", ("messaging_entity_type", "inbox")).ValueIn(text) >= 2);
    }

    [Fact]
    public async Task Sends_in_flight_and_the_admission_limit_are_gauges_none_and_the_ceiling_on_an_idle_node()
    {
        var alice = await _host.CreateUser();
        await alice.SendTo(await _host.CreateUser(), "answered before the scrape");

        var text = await Scrape();

        Assert.Equal(0, new Series("messaging_sends_in_flight").ValueIn(text));
        Assert.Equal(new MessagingSettings().MaxSendsInFlight, new Series("messaging_sends_admission_limit").ValueIn(text));
    }

    [Fact]
    public async Task Metrics_turned_off_are_not_served()
    {
        await using var host = await MessagingHost.StartPostgres(new Dictionary<string, string?> { ["Metrics:Enabled"] = "false" });

        var response = await host.ClientWithAuthorization(null).GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("metrics")]
    [InlineData("/")]
    [InlineData("/metrics?x=1")]
    public void A_path_that_is_not_a_url_path_is_refused_at_start(string path)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new MetricsSettings { Path = path }.Validate());

        Assert.Contains("Path must be a URL path", error.Message);
    }

    [Fact]
    public void Settings_default_to_enabled_at_metrics_and_bind_from_the_Metrics_section()
    {
        var configured = MetricsSettings.From(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Metrics:Enabled"] = "false", ["Metrics:Path"] = "/internal/metrics" })
            .Build());

        Assert.Equal(new MetricsSettings { Enabled = true, Path = "/metrics" }, MetricsSettings.From(new ConfigurationBuilder().Build()));
        Assert.Equal(new MetricsSettings { Enabled = false, Path = "/internal/metrics" }, configured);
    }

    private async Task<string> Scrape()
    {
        var response = await _host.ClientWithAuthorization(null).GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Scrapes until every series has grown past its value in <paramref name="before"/> (the exporter caches a scrape briefly).</summary>
    private async Task ScrapeUntilMoved(string before, params Series[] series)
    {
        var deadline = DateTime.UtcNow + ScrapeWait;
        while (true)
        {
            var now = await Scrape();
            var unmoved = series.Where(one => one.ValueIn(now) < one.ValueIn(before) + 1).ToList();
            if (unmoved.Count == 0)
                return;
            Assert.True(DateTime.UtcNow < deadline,
                $"not moved within {ScrapeWait.TotalSeconds} s: {string.Join(", ", unmoved.Select(one => $"{one} ({one.ValueIn(before)} before, {one.ValueIn(now)} now)"))}");
            await Task.Delay(100);
        }
    }

    /// <summary>One Prometheus series: a metric name and the labels it must carry (others, e.g. otel_scope_name, may be there too).</summary>
    private sealed record Series(string Name, params (string Label, string Value)[] Labels)
    {
        /// <summary>The series' value in a scrape; 0 when absent (a counter appears once first incremented).</summary>
        public double ValueIn(string scrape) => scrape.Split('\n')
            .Select(line => SampleLine().Match(line))
            .Where(sample => sample.Success && sample.Groups["name"].Value == Name && Matches(sample.Groups["labels"].Value))
            .Sum(sample => double.Parse(sample.Groups["value"].Value, CultureInfo.InvariantCulture));

        private bool Matches(string labels)
        {
            var present = LabelPair().Matches(labels).ToDictionary(pair => pair.Groups[1].Value, pair => pair.Groups[2].Value);
            return Labels.All(label => present.GetValueOrDefault(label.Label) == label.Value);
        }

        public override string ToString() => $"{Name}{{{string.Join(",", Labels.Select(label => $"{label.Label}=\"{label.Value}\""))}}}";
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
