using Messaging.Load.Results;

namespace Messaging.Load.Measuring;

/// <summary>Watches the server during a run: memory and CPU time at the start and the end, and the peak memory in between.</summary>
public sealed class ServerSampler
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly ProcessMeter _meter;
    private readonly ProcessSample _first;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watching;
    private long _peakRssBytes;

    private ServerSampler(ProcessMeter meter, TimeProvider clock)
    {
        _meter = meter;
        _first = meter.Sample();
        _peakRssBytes = _first.RssBytes;
        _watching = Watch(clock);
    }

    public static ServerSampler Start(ProcessMeter meter, TimeProvider clock) => new(meter, clock);

    /// <param name="messages">Messages the server handled in the run, for the CPU cost of one.</param>
    public async Task<ServerFigures> StopAsync(long messages)
    {
        await _stop.CancelAsync();
        await _watching;
        _stop.Dispose();
        var last = _meter.Sample();
        return ServerFigures.Between(_first, last, Math.Max(_peakRssBytes, last.RssBytes), messages);
    }

    private async Task Watch(TimeProvider clock)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
                _peakRssBytes = Math.Max(_peakRssBytes, _meter.Sample().RssBytes);
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }
}
