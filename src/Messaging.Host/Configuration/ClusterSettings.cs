namespace Messaging.Host.Configuration;

/// <summary>
/// How this node joins a cluster (section <c>Cluster</c>). With no seed nodes the node joins itself and is a
/// one-node cluster; the same code then scales out by naming seeds.
/// </summary>
public sealed record ClusterSettings
{
    public string Hostname { get; init; } = "localhost";

    /// <summary>Akka remoting port; 0 picks a free one (fine for a one-node cluster, not for a seed).</summary>
    public int Port { get; init; }

    /// <summary>The host name other nodes reach this one by, when it differs from <see cref="Hostname"/> (containers).</summary>
    public string? PublicHostname { get; init; }

    /// <summary>Comma-separated <c>akka.tcp://messaging@host:port</c> addresses.</summary>
    public string? SeedNodes { get; init; }

    public string[] SeedNodeList => (SeedNodes ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
