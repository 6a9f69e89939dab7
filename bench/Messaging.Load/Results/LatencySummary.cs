using HdrHistogram;

namespace Messaging.Load.Results;

/// <summary>Percentiles of one latency distribution, in milliseconds (microsecond resolution).</summary>
public sealed record LatencySummary(long Count, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs, double MeanMs)
{
    public static readonly LatencySummary Empty = new(0, 0, 0, 0, 0, 0, 0);

    /// <summary>From a histogram of microseconds.</summary>
    public static LatencySummary From(HistogramBase microseconds) => microseconds.TotalCount == 0
        ? Empty
        : new LatencySummary(
            microseconds.TotalCount,
            Milliseconds(microseconds.GetValueAtPercentile(50)),
            Milliseconds(microseconds.GetValueAtPercentile(90)),
            Milliseconds(microseconds.GetValueAtPercentile(99)),
            Milliseconds(microseconds.GetValueAtPercentile(99.9)),
            Milliseconds(microseconds.GetMaxValue()),
            Math.Round(microseconds.GetMean() / 1000, 3));

    private static double Milliseconds(long microseconds) => microseconds / 1000.0;
}
