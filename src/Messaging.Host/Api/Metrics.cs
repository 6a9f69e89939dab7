using Messaging.Actors;
using Messaging.Host.Configuration;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Messaging.Host.Api;

/// <summary>
/// OpenTelemetry metrics: our own meter (<see cref="MessagingMetrics"/>), ASP.NET Core's, Npgsql's and the .NET
/// runtime's, served to Prometheus at <c>/metrics</c> unless <c>Metrics:Enabled</c> is false.
/// </summary>
public static class Metrics
{
    public static IServiceCollection AddMessagingMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = MetricsSettings.From(configuration);
        // The actors and doors record whether or not anything listens; without a listener a measurement costs next to nothing.
        services.AddSingleton(settings).AddSingleton<MessagingMetrics>();
        if (settings.Enabled)
            services.AddOpenTelemetry()
                .ConfigureResource(resource => resource.AddService("messaging"))
                .WithMetrics(metrics => metrics
                    .AddMeter(MessagingMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddNpgsqlInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddPrometheusExporter());
        return services;
    }

    /// <summary>The scrape endpoint: open to anyone who reaches the node (restrict it at the network), and no part of the API's description.</summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder endpoints)
    {
        var settings = endpoints.ServiceProvider.GetRequiredService<MetricsSettings>();
        if (settings.Enabled)
            endpoints.MapPrometheusScrapingEndpoint(settings.Path).AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }
}
