using System.Net;
using Npgsql;

namespace Messaging.Load.Transport;

/// <summary>The generator only ever talks to this machine: every address it is given is checked here.</summary>
public static class Loopback
{
    public static void Require(Uri uri)
    {
        if (!IsLoopbackHost(uri.Host))
            throw new ArgumentException($"{uri} is not a loopback address: the load generator only targets this machine");
    }

    /// <summary>Every host of an Npgsql connection string is loopback (or a local socket directory).</summary>
    public static void RequireDatabase(string connectionString)
    {
        var hosts = new NpgsqlConnectionStringBuilder(connectionString).Host ?? "localhost";
        foreach (var host in hosts.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var name = host.StartsWith('[') ? host[1..host.IndexOf(']')]
                : host.Count(c => c == ':') == 1 ? host[..host.IndexOf(':')]
                : host;
            if (!name.StartsWith('/') && !IsLoopbackHost(name))
                throw new ArgumentException($"database host {host} is not a loopback address: the load generator only targets this machine");
        }
    }

    private static bool IsLoopbackHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
