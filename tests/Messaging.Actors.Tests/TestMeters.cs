using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Messaging.Actors.Tests;

/// <summary>
/// A meter factory of one spec's own, with the <see cref="MessagingMetrics"/> built on it: collectors scoped to it see
/// only this spec's measurements, not those of specs running in parallel.
/// </summary>
public sealed class TestMeters : IMeterFactory
{
    /// <summary>For specs that do not look at metrics: no collector listens to it.</summary>
    public static readonly MessagingMetrics Unobserved = new TestMeters().Metrics;

    private readonly List<Meter> _meters = [];

    public TestMeters() => Metrics = new MessagingMetrics(this);

    public MessagingMetrics Metrics { get; }

    /// <summary>Collects what <see cref="Metrics"/> records on the instrument named <paramref name="instrument"/> from now on.</summary>
    public MetricCollector<T> Collect<T>(string instrument) where T : struct => new(this, MessagingMetrics.MeterName, instrument);

    /// <summary>Exactly one measurement was taken, with exactly these tags; returns its value.</summary>
    public static T Single<T>(MetricCollector<T> collector, params (string Key, object? Value)[] tags) where T : struct
    {
        var measurement = Assert.Single(collector.GetMeasurementSnapshot());
        Assert.Equal(tags.ToDictionary(tag => tag.Key, tag => tag.Value), measurement.Tags.ToDictionary());
        return measurement.Value;
    }

    /// <summary>The sum of what was added, as the gauge of an UpDownCounter shows it.</summary>
    public static long Total(MetricCollector<long> collector) => collector.GetMeasurementSnapshot().Sum(measurement => measurement.Value);

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
        lock (_meters)
            _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        lock (_meters)
            _meters.ForEach(meter => meter.Dispose());
    }
}
