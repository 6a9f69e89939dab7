using System.Globalization;
using System.Text.RegularExpressions;

namespace Messaging.Load.Measuring;

/// <summary>One bucket of a histogram: how many requests took at most <see cref="UpToMs"/>.</summary>
public sealed record HistogramBucket(double UpToMs, long Count);

/// <summary>
/// How long the server itself took over the reads of one route, from ASP.NET Core's request-duration histogram at
/// <c>/metrics</c> scraped before and after the measured part. Beside the client's figures it shows what the
/// generator adds: it shares the cores with the server.
/// </summary>
/// <param name="Count">Requests of the route the server finished in between.</param>
/// <param name="MeanMs">Their mean duration as the server timed it.</param>
/// <param name="Buckets">Cumulative counts by the histogram's upper bounds (the unbounded last one left out).</param>
public sealed partial record ServerHistogram(long Count, double MeanMs, IReadOnlyList<HistogramBucket> Buckets)
{
    public const string Metric = "http_server_request_duration_seconds";

    /// <summary>The smallest bucket bound that at least <paramref name="share"/> of the requests finished under; null when it is past the last bound.</summary>
    public double? UpperBoundMs(double share) =>
        Count == 0 ? null : Buckets.FirstOrDefault(bucket => bucket.Count >= share * Count)?.UpToMs;

    /// <summary>The GET requests of <paramref name="route"/> (the route's template, as the server labels it) between two scrapes; null when the metric is absent.</summary>
    public static ServerHistogram? Between(string before, string after, string route)
    {
        var (first, last) = (Read(before, route), Read(after, route));
        if (last is null)
            return null;
        var count = (long)(last.Count - (first?.Count ?? 0));
        var seconds = last.Sum - (first?.Sum ?? 0);
        var buckets = last.Buckets
            .Where(bucket => !double.IsPositiveInfinity(bucket.Key))
            .OrderBy(bucket => bucket.Key)
            .Select(bucket => new HistogramBucket(bucket.Key * 1000, (long)(bucket.Value - (first?.Buckets.GetValueOrDefault(bucket.Key) ?? 0))))
            .ToList();
        return new ServerHistogram(count, count == 0 ? 0 : Math.Round(seconds * 1000 / count, 3), buckets);
    }

    private sealed record Scrape(double Count, double Sum, Dictionary<double, double> Buckets);

    /// <summary>One scrape's series of the route, summed over their other labels (status codes, protocol).</summary>
    private static Scrape? Read(string exposition, string route)
    {
        Scrape? scrape = null;
        foreach (Match line in Series().Matches(exposition))
        {
            var labels = line.Groups["labels"].Value;
            if (!labels.Contains($"http_route=\"{route}\"", StringComparison.Ordinal) || !labels.Contains("http_request_method=\"GET\"", StringComparison.Ordinal))
                continue;
            scrape ??= new Scrape(0, 0, []);
            var value = double.Parse(line.Groups["value"].Value, CultureInfo.InvariantCulture);
            switch (line.Groups["part"].Value)
            {
                case "count":
                    scrape = scrape with { Count = scrape.Count + value };
                    break;
                case "sum":
                    scrape = scrape with { Sum = scrape.Sum + value };
                    break;
                default:
                    var bound = Bound().Match(labels).Groups[1].Value;
                    var upTo = bound == "+Inf" ? double.PositiveInfinity : double.Parse(bound, CultureInfo.InvariantCulture);
                    scrape.Buckets[upTo] = scrape.Buckets.GetValueOrDefault(upTo) + value;
                    break;
            }
        }
        return scrape;
    }

    [GeneratedRegex($@"^{Metric}_(?<part>bucket|sum|count)\{{(?<labels>[^}}]*)\}} (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex Series();

    [GeneratedRegex("le=\"([^\"]*)\"")]
    private static partial Regex Bound();
}
