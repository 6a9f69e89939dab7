using Messaging.Load.Recording;
using Messaging.Load.Transport;

namespace Messaging.Load.Scenarios;

/// <summary>The users of a scenario, each with a ready connection to the target; every connection reports to <see cref="Events"/>.</summary>
public sealed class Marketplace : IAsyncDisposable
{
    /// <summary>Connections opened at once while setting up; the server sees a steady stream of handshakes, not a storm.</summary>
    private const int ConnectParallelism = 32;

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    private readonly LoadConnection[] _connections;
    private long _nextSequence;

    private Marketplace(IReadOnlyList<LoadUser> users, LoadConnection[] connections, EventRouter events)
    {
        Users = users;
        _connections = connections;
        Events = events;
    }

    public IReadOnlyList<LoadUser> Users { get; }

    public IReadOnlyList<LoadConnection> Connections => _connections;

    public EventRouter Events { get; }

    public int OpenConnections => _connections.Count(connection => connection.IsOpen);

    /// <param name="peerOf">For the relay: whose socket user <c>i</c>'s frames go to.</param>
    public static async Task<Marketplace> OpenAsync(Target target, IReadOnlyList<LoadUser> users, Func<int, Guid> peerOf, TimeSpan heartBeat, TimeProvider clock, CancellationToken cancellationToken)
    {
        var events = new EventRouter();
        var connections = new LoadConnection?[users.Count];
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, users.Count), new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = cancellationToken },
                async (index, token) =>
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
                    timeout.CancelAfter(ConnectTimeout);
                    connections[index] = await target.ConnectAsync(users[index], peerOf(index), heartBeat, events, clock, timeout.Token);
                });
        }
        catch
        {
            await CloseAll(connections.OfType<LoadConnection>());
            throw;
        }
        return new Marketplace(users, connections.Select(connection => connection!).ToArray(), events);
    }

    /// <summary>Sequence numbers for a run's sends, never reused, so late answers to an earlier run are told apart.</summary>
    public long ReserveSequences(long count) => Interlocked.Add(ref _nextSequence, count) - count;

    public ValueTask DisposeAsync() => new(CloseAll(_connections));

    private static Task CloseAll(IEnumerable<LoadConnection> connections) =>
        Parallel.ForEachAsync(connections, new ParallelOptions { MaxDegreeOfParallelism = 4 * ConnectParallelism },
            async (connection, _) => await connection.DisposeAsync());
}
