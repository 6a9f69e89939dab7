using System.Collections.Concurrent;
using System.Net.Sockets;
using Npgsql;

namespace Messaging.Host.Tests.Hostile;

/// <summary>How a database that stopped answering looks from the node.</summary>
public enum Outage
{
    /// <summary>Connections are cut and new ones closed at once: the server or its host went away.</summary>
    Refusing,

    /// <summary>Connections are cut and new ones accepted but never answered: a network that drops packets.</summary>
    Silent,
}

/// <summary>
/// A TCP proxy in front of the test PostgreSQL that a test can make stop answering: it then cuts every open
/// connection and treats new ones as the <see cref="Outage"/> says.
/// </summary>
public sealed class StoreProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopped = new();
    private readonly ConcurrentDictionary<TcpClient, byte> _open = new();
    private readonly string _upstreamHost;
    private readonly int _upstreamPort;
    private readonly ConcurrentDictionary<TcpClient, byte> _held = new();
    private volatile bool _answering = true;
    private Outage _outage;

    public StoreProxy(string connectionString)
    {
        var upstream = new NpgsqlConnectionStringBuilder(connectionString);
        _upstreamHost = upstream.Host!;
        _upstreamPort = upstream.Port;
        _listener.Start();
        ConnectionString = new NpgsqlConnectionStringBuilder(connectionString) { Host = "127.0.0.1", Port = ((IPEndPoint)_listener.LocalEndpoint).Port }.ConnectionString;
        _ = Accept();
    }

    /// <summary>The test database's connection string, through this proxy.</summary>
    public string ConnectionString { get; }

    public void StopAnswering(Outage outage)
    {
        _outage = outage;
        _answering = false;
        Cut(_open);
    }

    public void ResumeAnswering()
    {
        _answering = true;
        Cut(_held);
    }

    public void Dispose()
    {
        _stopped.Cancel();
        _listener.Stop();
        Cut(_open);
        Cut(_held);
        _stopped.Dispose();
    }

    private static void Cut(ConcurrentDictionary<TcpClient, byte> connections)
    {
        foreach (var client in connections.Keys)
            client.Dispose();
    }

    private async Task Accept()
    {
        while (!_stopped.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopped.Token);
            }
            catch (Exception) when (_stopped.IsCancellationRequested)
            {
                return;
            }
            if (_answering)
                _ = Relay(client);
            else if (_outage == Outage.Silent)
                _held[client] = 0;
            else
                client.Dispose();
        }
    }

    private async Task Relay(TcpClient client)
    {
        using var upstream = new TcpClient();
        _open[client] = 0;
        _open[upstream] = 0;
        try
        {
            await upstream.ConnectAsync(_upstreamHost, _upstreamPort);
            // Either side ending ends both.
            await Task.WhenAny(client.GetStream().CopyToAsync(upstream.GetStream()), upstream.GetStream().CopyToAsync(client.GetStream()));
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException)
        {
            // a cut connection: what StopAnswering is for
        }
        finally
        {
            _open.TryRemove(client, out _);
            _open.TryRemove(upstream, out _);
            client.Dispose();
        }
    }
}
