using Messaging.Host.Directory;

namespace Messaging.Host.Demo;

/// <summary>Puts the demo users and products in the directory as the host starts, so the page has someone to chat with.</summary>
public sealed class DemoSeeder(SqlDirectory directory) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => DemoDirectory.Seed(directory, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
