namespace Messaging.Host.Configuration;

/// <summary>Section <c>Metrics</c>: whether the node exports its metrics, and where Prometheus scrapes them.</summary>
public sealed record MetricsSettings
{
    public bool Enabled { get; init; } = true;

    public string Path { get; init; } = "/metrics";

    public static MetricsSettings From(IConfiguration configuration) =>
        (configuration.GetSection("Metrics").Get<MetricsSettings>() ?? new MetricsSettings()).Validate();

    /// <summary>Throws with every problem found, so a bad setting stops start-up instead of misbehaving later.</summary>
    public MetricsSettings Validate()
    {
        var problems = new List<string>();
        if (!Path.StartsWith('/') || Path.Length < 2 || Path.IndexOfAny(['?', '#', ' ']) >= 0)
            problems.Add($"Path must be a URL path such as /metrics, was '{Path}'");
        return problems.Count == 0 ? this : throw new InvalidOperationException("Invalid Metrics settings: " + string.Join("; ", problems));
    }
}
