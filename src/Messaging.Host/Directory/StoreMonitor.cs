using System.Data.Common;
using Messaging.Actors.Doors;

namespace Messaging.Host.Directory;

/// <summary>
/// Whether the store answers, known before a request needs it: a ping every second, and every store failure a request
/// meets. While it does not, requests are refused at once with 503 instead of waiting for an entity that cannot
/// recover or persist, and readiness says so.
/// </summary>
public sealed class StoreMonitor(SqlDirectory directory, ILogger<StoreMonitor> logger) : BackgroundService, IStoreHealth
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(2);

    private volatile string? _problem;

    /// <summary>Why the store counts as unreachable, or null while it answers.</summary>
    public string? Problem => _problem;

    /// <summary>A failure that means the store cannot serve now (unreachable, out of connections), as opposed to a bug.</summary>
    public static bool IsStoreFailure(Exception exception) =>
        exception is StoreUnavailableException or DbException { IsTransient: true } or TimeoutException;

    public void Failed(Exception exception)
    {
        if (_problem is null)
            logger.LogWarning("The store does not answer: {Problem}", exception.Message);
        _problem = exception.Message;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(PingTimeout);
            try
            {
                await directory.Ping(timeout.Token);
                if (_problem is not null)
                    logger.LogInformation("The store answers again");
                _problem = null;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                Failed(exception);
            }
        }
    }
}
