using Messaging.Load.Recording;
using Messaging.Load.Results;
using Messaging.Load.Scheduling;
using Microsoft.Extensions.Time.Testing;

namespace Messaging.Load.Tests;

/// <summary>Percentiles, throughput arithmetic, and how the recorder counts what it hears.</summary>
public sealed class StatisticsTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void Percentiles_come_from_the_recorded_latencies()
    {
        var histogram = new LatencyHistogram();
        for (var milliseconds = 1; milliseconds <= 1000; milliseconds++)
            histogram.Record(TimeSpan.FromMilliseconds(milliseconds));

        var summary = histogram.Summary();

        // Three significant digits: each value is within 0.1% of the recorded one.
        Assert.Equal(1000, summary.Count);
        Assert.Equal(500, summary.P50Ms, tolerance: 0.5);
        Assert.Equal(900, summary.P90Ms, tolerance: 0.9);
        Assert.Equal(990, summary.P99Ms, tolerance: 1);
        Assert.Equal(999, summary.P999Ms, tolerance: 1);
        Assert.Equal(1000, summary.MaxMs, tolerance: 1);
        Assert.Equal(500.5, summary.MeanMs, tolerance: 0.5);
    }

    [Fact]
    public void Sub_millisecond_latencies_keep_microsecond_resolution()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(TimeSpan.FromMicroseconds(250));
        histogram.Record(TimeSpan.FromMicroseconds(750));

        var summary = histogram.Summary();

        Assert.Equal(0.25, summary.P50Ms);
        Assert.Equal(0.75, summary.MaxMs);
    }

    [Fact]
    public void An_empty_histogram_summarises_to_zeros()
    {
        Assert.Equal(LatencySummary.Empty, new LatencyHistogram().Summary());
        Assert.Equal(0, LatencySummary.Empty.P99Ms);
    }

    [Fact]
    public void Throughput_is_the_count_over_the_scheduled_window()
    {
        Assert.Equal(500, Throughput.PerSecond(1000, TimeSpan.FromSeconds(2), untilLastCompletion: TimeSpan.FromSeconds(1.9)));
    }

    [Fact]
    public void A_last_completion_after_the_schedule_stretches_the_window()
    {
        Assert.Equal(250, Throughput.PerSecond(1000, TimeSpan.FromSeconds(2), untilLastCompletion: TimeSpan.FromSeconds(4)));
    }

    [Fact]
    public void Nothing_completed_in_no_time_is_zero_per_second()
    {
        Assert.Equal(0, Throughput.PerSecond(0, TimeSpan.Zero, TimeSpan.Zero));
    }

    [Fact]
    public void The_recorder_takes_receipt_and_delivery_latency_from_the_due_time()
    {
        var recorder = Recorder(rate: 10, seconds: 1, firstSequence: 100, out var start);
        recorder.Issued(3, start + Ticks(350)); // due at 300 ms, sent 50 ms late

        recorder.Acknowledged(103, start + Ticks(320));
        recorder.Delivered(103, start + Ticks(340));

        Assert.Equal(20, recorder.ReceiptLatency.P50Ms, tolerance: 0.02);
        Assert.Equal(40, recorder.DeliveryLatency.P50Ms, tolerance: 0.04);
        Assert.Equal(50, recorder.ScheduleLag.P50Ms, tolerance: 0.05);
    }

    [Fact]
    public void A_second_delivery_of_one_send_counts_as_a_duplicate_not_as_delivered()
    {
        var recorder = Recorder(rate: 10, seconds: 1, firstSequence: 0, out var start);

        recorder.Delivered(4, start + Ticks(420));
        recorder.Delivered(4, start + Ticks(430));

        Assert.Equal(1, recorder.DeliveredCount);
        Assert.Equal(1, recorder.Duplicates);
    }

    [Fact]
    public void Answers_to_sends_of_another_run_are_ignored()
    {
        var recorder = Recorder(rate: 10, seconds: 1, firstSequence: 100, out var start);

        recorder.Delivered(99, start);
        recorder.Acknowledged(110, start);

        Assert.Equal(0, recorder.DeliveredCount);
        Assert.Equal(0, recorder.AcknowledgedCount);
        Assert.Equal(0, recorder.Duplicates);
    }

    [Fact]
    public void Refusals_are_counted_by_code_and_reason_and_settle_their_send()
    {
        var recorder = Recorder(rate: 2, seconds: 1, firstSequence: 0, out var start);
        recorder.Issued(0, start);
        recorder.Issued(1, start + Ticks(500));

        recorder.Acknowledged(0, start + Ticks(10));
        recorder.Delivered(0, start + Ticks(12));
        Assert.False(recorder.IsSettled(expectReceipts: true));
        recorder.Refused(1, 503, "busy", start + Ticks(510));

        Assert.True(recorder.IsSettled(expectReceipts: true));
        Assert.Equal(1, recorder.RefusedCount);
        Assert.Equal(new Dictionary<string, long> { ["503 busy"] = 1 }, recorder.Refusals);
    }

    [Fact]
    public void On_the_relay_a_run_is_settled_when_everything_is_delivered()
    {
        var recorder = Recorder(rate: 2, seconds: 1, firstSequence: 0, out var start);
        recorder.Issued(0, start);
        recorder.Issued(1, start + Ticks(500));

        recorder.Delivered(0, start + Ticks(1));
        Assert.False(recorder.IsSettled(expectReceipts: false));
        recorder.Delivered(1, start + Ticks(501));

        Assert.True(recorder.IsSettled(expectReceipts: false));
    }

    [Fact]
    public void Server_figures_give_the_cpu_time_of_one_message()
    {
        var figures = ServerFigures.Between(
            new Measuring.ProcessSample(100 * 1048576L, CpuSeconds: 10), new Measuring.ProcessSample(120 * 1048576L, CpuSeconds: 13),
            peakRssBytes: 150 * 1048576L, messages: 20_000);

        Assert.Equal(new ServerFigures(100, 120, 150, 3, 150), figures);
    }

    private LoadRecorder Recorder(double rate, double seconds, long firstSequence, out long start)
    {
        start = _clock.GetTimestamp();
        return new LoadRecorder(SendSchedule.AtRate(rate, TimeSpan.FromSeconds(seconds), senders: 2), firstSequence, start, _clock);
    }

    private long Ticks(double milliseconds) => (long)(milliseconds / 1000 * _clock.TimestampFrequency);
}
