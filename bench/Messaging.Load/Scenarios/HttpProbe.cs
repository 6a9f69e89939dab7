using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Messaging.Load.Measuring;
using Messaging.Load.Recording;
using Messaging.Load.Results;
using Messaging.Load.Scheduling;

namespace Messaging.Load.Scenarios;

/// <summary>
/// One REST read a probe makes in turn with the others: an endpoint name for the figures, the path, whose token, and
/// the route's template as the server's metrics label it (when given, the server's own timing is read beside ours).
/// </summary>
public sealed record HttpRead(string Endpoint, string PathAndQuery, string Token, string? ServerRoute = null);

/// <summary>
/// REST reads at a low steady rate beside the load, scheduled open loop like the sends: a read's latency runs from the
/// moment it was due, and the reads never wait for each other.
/// </summary>
public sealed class HttpProbe(HttpClient http, IReadOnlyList<HttpRead> reads, double rate, TimeProvider clock, OpenLoopDriver driver)
{
    private readonly ConcurrentDictionary<string, LatencyHistogram> _latency = new();
    private readonly ConcurrentDictionary<string, long> _failures = new();
    private readonly Dictionary<string, ServerHistogram> _serverSide = new();

    /// <summary>Where the server exports its metrics (its default <c>Metrics:Path</c>).</summary>
    private const string MetricsPath = "/metrics";

    public async Task RunAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var timed = reads.Where(read => read.ServerRoute is not null).ToList();
        var before = timed.Count > 0 ? await ScrapeAsync(cancellationToken) : null;
        var schedule = SendSchedule.AtRate(rate, duration, reads.Count);
        var start = clock.GetTimestamp();
        var pending = new List<Task>();
        await driver.RunAsync(schedule, start,
            (index, reader) => pending.Add(ReadAsync(reads[reader], schedule.DueTimestamp(start, index, clock.TimestampFrequency), cancellationToken)),
            cancellationToken);
        await Task.WhenAll(pending);
        if (before is not null && await ScrapeAsync(cancellationToken) is { } after)
        {
            foreach (var read in timed)
            {
                if (ServerHistogram.Between(before, after, read.ServerRoute!) is { } histogram)
                    _serverSide[read.Endpoint] = histogram;
            }
        }
    }

    public HttpFigures Figures() => new(
        new SortedDictionary<string, LatencySummary>(_latency.ToDictionary(entry => entry.Key, entry => entry.Value.Summary())),
        new SortedDictionary<string, long>(_failures),
        new SortedDictionary<string, ServerHistogram>(_serverSide));

    /// <summary>The server's metrics, or null when it exports none (<c>Metrics:Enabled</c> false) or could not answer.</summary>
    private async Task<string?> ScrapeAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(MetricsPath, cancellationToken);
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(cancellationToken) : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private async Task ReadAsync(HttpRead read, long due, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, read.PathAndQuery);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", read.Token);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            await DrainAsync(response.Content, cancellationToken);
            if (response.IsSuccessStatusCode)
                _latency.GetOrAdd(read.Endpoint, _ => new LatencyHistogram()).Record(clock.GetElapsedTime(due));
            else
                Fail($"{read.Endpoint} {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Fail($"{read.Endpoint} {e.GetType().Name}");
        }
    }

    /// <summary>
    /// Reads the whole body, so a read ends with its last byte, through one pooled buffer. Buffering it instead (a
    /// 500-conversation list is over 200 KB) put every read on the large object heap and made the generator, which
    /// shares the cores with the server, collect its oldest generation every few seconds.
    /// </summary>
    private static async Task DrainAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            await using var body = await content.ReadAsStreamAsync(cancellationToken);
            while (await body.ReadAsync(buffer, cancellationToken) > 0) { }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Fail(string reason) => _failures.AddOrUpdate(reason, 1, (_, count) => count + 1);
}
