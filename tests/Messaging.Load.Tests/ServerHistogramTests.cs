using Messaging.Load.Measuring;

namespace Messaging.Load.Tests;

/// <summary>The server's own timing of the probe's reads, from two scrapes of its Prometheus histogram.</summary>
public sealed class ServerHistogramTests
{
    private const string Route = "/api/conversations/";

    private static string Scrape(long fastOk, long slowOk, long notFound, double sumSeconds) => $$"""
        # TYPE http_server_request_duration_seconds histogram
        http_server_request_duration_seconds_bucket{otel_scope_name="Microsoft.AspNetCore.Hosting",http_request_method="GET",http_response_status_code="200",http_route="/api/conversations/",le="0.005"} {{fastOk}}
        http_server_request_duration_seconds_bucket{otel_scope_name="Microsoft.AspNetCore.Hosting",http_request_method="GET",http_response_status_code="200",http_route="/api/conversations/",le="0.01"} {{fastOk + slowOk}}
        http_server_request_duration_seconds_bucket{otel_scope_name="Microsoft.AspNetCore.Hosting",http_request_method="GET",http_response_status_code="200",http_route="/api/conversations/",le="+Inf"} {{fastOk + slowOk}}
        http_server_request_duration_seconds_sum{otel_scope_name="Microsoft.AspNetCore.Hosting",http_request_method="GET",http_response_status_code="200",http_route="/api/conversations/"} {{sumSeconds}}
        http_server_request_duration_seconds_count{otel_scope_name="Microsoft.AspNetCore.Hosting",http_request_method="GET",http_response_status_code="200",http_route="/api/conversations/"} {{fastOk + slowOk}}
        http_server_request_duration_seconds_bucket{otel_scope_name="Microsoft.AspNetCore.Hosting",http_request_method="GET",http_response_status_code="404",http_route="/api/conversations/",le="0.005"} {{notFound}}
        http_server_request_duration_seconds_bucket{otel_scope_name="Microsoft.AspNetCore.Hosting",http_request_method="GET",http_response_status_code="404",http_route="/api/conversations/",le="0.01"} {{notFound}}
        http_server_request_duration_seconds_bucket{otel_scope_name="Microsoft.AspNetCore.Hosting",http_request_method="GET",http_response_status_code="404",http_route="/api/conversations/",le="+Inf"} {{notFound}}
        http_server_request_duration_seconds_sum{otel_scope_name="Microsoft.AspNetCore.Hosting",http_request_method="GET",http_response_status_code="404",http_route="/api/conversations/"} 0
        http_server_request_duration_seconds_count{otel_scope_name="Microsoft.AspNetCore.Hosting",http_request_method="GET",http_response_status_code="404",http_route="/api/conversations/"} {{notFound}}
        http_server_request_duration_seconds_bucket{otel_scope_name="Microsoft.AspNetCore.Hosting",http_request_method="POST",http_response_status_code="201",http_route="/api/conversations/",le="0.005"} 500
        http_server_request_duration_seconds_count{otel_scope_name="Microsoft.AspNetCore.Hosting",http_request_method="POST",http_response_status_code="201",http_route="/api/conversations/"} 500
        http_server_request_duration_seconds_bucket{otel_scope_name="Microsoft.AspNetCore.Hosting",http_request_method="GET",http_response_status_code="200",http_route="/api/messages/",le="0.005"} 900
        http_server_request_duration_seconds_count{otel_scope_name="Microsoft.AspNetCore.Hosting",http_request_method="GET",http_response_status_code="200",http_route="/api/messages/"} 900
        """;

    [Fact]
    public void Server_timing_is_what_the_route_s_GET_series_gained_between_the_scrapes_over_every_status()
    {
        var histogram = ServerHistogram.Between(Scrape(10, 0, 0, 0.02), Scrape(105, 3, 2, 0.35), Route)!;

        Assert.Equal(100, histogram.Count); // 98 more under 200, 2 under 404; not the POSTs, not another route
        Assert.Equal(3.3, histogram.MeanMs, precision: 3); // (0.35 - 0.02) s over 100 reads
        Assert.Equal([new HistogramBucket(5, 97), new HistogramBucket(10, 100)], histogram.Buckets);
    }

    [Fact]
    public void P99_is_the_first_bucket_bound_that_holds_99_percent_of_the_reads()
    {
        var histogram = ServerHistogram.Between(Scrape(0, 0, 0, 0), Scrape(98, 2, 0, 0.3), Route)!;

        Assert.Equal(5, histogram.UpperBoundMs(0.5));
        Assert.Equal(10, histogram.UpperBoundMs(0.99));
    }

    [Fact]
    public void Reads_past_the_last_bound_have_no_p99_bound()
    {
        var histogram = new ServerHistogram(100, 40, [new HistogramBucket(5, 90), new HistogramBucket(10, 95)]);

        Assert.Equal(5, histogram.UpperBoundMs(0.9));
        Assert.Null(histogram.UpperBoundMs(0.99));
    }

    [Fact]
    public void A_route_the_server_has_not_timed_gives_no_figures()
    {
        Assert.Null(ServerHistogram.Between(Scrape(1, 0, 0, 0.001), Scrape(2, 0, 0, 0.002), "/api/unknown/"));
    }
}
