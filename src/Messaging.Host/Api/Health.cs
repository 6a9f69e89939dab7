using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Messaging.Actors.Conversations;
using Messaging.Actors.Inbox;
using Messaging.Host.Directory;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Messaging.Host.Api;

/// <summary>
/// <c>/health/live</c>: the process serves HTTP (<c>/health</c> is the same). <c>/health/ready</c>: it can serve
/// requests: the store answers, this node is an Up member of the cluster, and both shard regions answer; a load
/// balancer stops sending to a node that is not, or that is leaving.
/// </summary>
public static class Health
{
    private const string Ready = "ready";

    public static IServiceCollection AddMessagingHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<StoreCheck>("store", tags: [Ready])
            .AddCheck<ClusterMemberCheck>("cluster", tags: [Ready])
            .AddCheck<ShardRegionsCheck>("shard-regions", tags: [Ready])
            .AddCheck<WarmStartCheck>("warm-start", tags: [Ready]);
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        var live = new HealthCheckOptions { Predicate = _ => false, ResponseWriter = Write };
        endpoints.MapHealthChecks("/health", live);
        endpoints.MapHealthChecks("/health/live", live);
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready), ResponseWriter = Write });
        return endpoints;
    }

    /// <summary><c>{"status":"ok","checks":{"store":{"status":"ok","description":"…"}}}</c>: which check failed and why.</summary>
    private static Task Write(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = Name(report.Status),
            checks = report.Entries.ToDictionary(entry => entry.Key, entry => new { status = Name(entry.Value.Status), description = entry.Value.Description }),
        });
    }

    private static string Name(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "ok",
        HealthStatus.Degraded => "degraded",
        _ => "unavailable",
    };

    private sealed class StoreCheck(StoreMonitor store) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
            Task.FromResult(store.Problem is { } problem
                ? HealthCheckResult.Unhealthy($"the store does not answer: {problem}")
                : HealthCheckResult.Healthy("the store answers"));
    }

    private sealed class ClusterMemberCheck(ActorSystem system) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
        {
            var cluster = Cluster.Get(system);
            var status = cluster.SelfMember.Status;
            var leaving = cluster.IsTerminated || CoordinatedShutdown.Get(system).ShutdownReason is not null;
            return Task.FromResult(status == MemberStatus.Up && !leaving
                ? HealthCheckResult.Healthy("this node is Up")
                : HealthCheckResult.Unhealthy(leaving ? "this node is shutting down" : $"this node is {status}"));
        }
    }

    /// <summary>A user's first request is as fast as any other only once <see cref="WarmStart"/> ran the hot paths.</summary>
    private sealed class WarmStartCheck(WarmStart warmStart) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
            Task.FromResult(warmStart.IsWarm
                ? HealthCheckResult.Healthy("the hot paths ran once")
                : HealthCheckResult.Unhealthy("warming up: the hot paths have not run yet"));
    }

    /// <summary>Each region answers its coordinator-backed query, so shards can be allocated and reached.</summary>
    private sealed class ShardRegionsCheck(IRequiredActor<ConversationActor> conversations, IRequiredActor<UserInboxActor> inboxes) : IHealthCheck
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
        {
            try
            {
                await Task.WhenAll(
                    conversations.ActorRef.Ask<CurrentRegions>(GetCurrentRegions.Instance, Timeout, cancellationToken),
                    inboxes.ActorRef.Ask<CurrentRegions>(GetCurrentRegions.Instance, Timeout, cancellationToken));
                return HealthCheckResult.Healthy("the conversation and inbox regions answer");
            }
            catch (AskTimeoutException)
            {
                return HealthCheckResult.Unhealthy($"a shard region did not answer within {Timeout.TotalSeconds:0} s");
            }
        }
    }
}
