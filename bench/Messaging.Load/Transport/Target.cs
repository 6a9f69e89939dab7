namespace Messaging.Load.Transport;

public enum TargetKind
{
    /// <summary>The messaging server: STOMP at <c>/ws</c>, REST at <c>/api</c>.</summary>
    Server,

    /// <summary>The transport baseline: the relay verb's bare WebSocket forwarding at <c>/relay</c>.</summary>
    Relay,
}

/// <summary>What the generator plays against, and how one of its users connects there.</summary>
public sealed record Target(TargetKind Kind, Uri BaseUri)
{
    public string Name => Kind == TargetKind.Server ? "server" : "relay";

    /// <summary>
    /// A connected, ready client for <paramref name="user"/>: on the server, CONNECTed with its token and subscribed to
    /// its notifications and errors; on the relay, a socket whose frames go to <paramref name="peer"/>.
    /// </summary>
    public async Task<LoadConnection> ConnectAsync(LoadUser user, Guid peer, TimeSpan heartBeat, ILoadEvents events, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (Kind == TargetKind.Relay)
            return await LoadConnection.OpenAsync(WebSocketUri("/relay", $"me={user.Id}&peer={peer}"), null, new RelayReplies(events), clock, cancellationToken);

        var replies = new StompReplies(events);
        var connection = await LoadConnection.OpenAsync(WebSocketUri("/ws", ""), "v12.stomp", replies, clock, cancellationToken);
        try
        {
            connection.Enqueue(StompFrames.Connect(user.Token, heartBeat));
            await replies.Connected.WaitAsync(cancellationToken);
            // From now on, not only once every connection is open: opening thousands takes longer than the server's patience.
            if (heartBeat > TimeSpan.Zero)
                connection.BeatEvery(heartBeat / 2);
            connection.Enqueue(StompFrames.Subscribe("notifications", StompFrames.Notifications));
            connection.Enqueue(StompFrames.Subscribe("errors", StompFrames.Errors, StompFrames.SubscribedReceipt));
            await replies.Subscribed.WaitAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private Uri WebSocketUri(string path, string query) =>
        new UriBuilder(BaseUri) { Scheme = BaseUri.Scheme == "https" ? "wss" : "ws", Path = path, Query = query }.Uri;
}
