using System.Text;
using System.Threading.Channels;
using Messaging.Load.Transport;

namespace Messaging.Load.Tests.Cluster;

/// <summary>A STOMP frame as the cluster tests read it: its command, its <c>message</c> header (ERROR frames) and its body.</summary>
public sealed record HeardFrame(string Command, string? Message, string Body);

/// <summary>
/// A user's STOMP client on one node of a cluster, subscribed to the user's notifications; the test reads what it
/// hears, frame by frame, and learns when the server closed the connection.
/// </summary>
public sealed class NotificationListener : IAsyncDisposable
{
    private static readonly TimeSpan FrameTimeout = TimeSpan.FromSeconds(15);

    private readonly Channel<HeardFrame> _frames;
    private readonly LoadConnection _connection;

    private NotificationListener(Channel<HeardFrame> frames, LoadConnection connection)
    {
        _frames = frames;
        _connection = connection;
    }

    /// <summary>Connects to node <paramref name="node"/> as <paramref name="user"/> and returns once the subscription is confirmed.</summary>
    public static async Task<NotificationListener> SubscribeAsync(ThreeNodeCluster cluster, int node, LoadUser user)
    {
        var frames = Channel.CreateUnbounded<HeardFrame>();
        var connection = await LoadConnection.OpenAsync(
            new Uri($"ws://127.0.0.1:{cluster.Node(node).BaseUri.Port}/ws"), "v12.stomp", new Collector(frames.Writer), TimeProvider.System, CancellationToken.None);
        var listener = new NotificationListener(frames, connection);
        connection.Enqueue(StompFrames.Connect(user.Token, TimeSpan.Zero));
        connection.Enqueue(StompFrames.Subscribe("sub-0", StompFrames.Notifications, StompFrames.SubscribedReceipt));
        await listener.NextAsync(frame => frame.Command == "RECEIPT");
        return listener;
    }

    /// <summary>The next frame <paramref name="wanted"/> accepts, skipping others; fails when the connection closes first.</summary>
    public async Task<HeardFrame> NextAsync(Func<HeardFrame, bool> wanted)
    {
        using var timeout = new CancellationTokenSource(FrameTimeout);
        while (true)
        {
            var frame = await _frames.Reader.ReadAsync(timeout.Token);
            if (wanted(frame))
                return frame;
        }
    }

    /// <summary>Whether the server closed the connection within <paramref name="timeout"/>; frames still unread are skipped.</summary>
    public async Task<bool> ClosedWithin(TimeSpan timeout)
    {
        using var waiting = new CancellationTokenSource(timeout);
        try
        {
            while (await _frames.Reader.WaitToReadAsync(waiting.Token))
                _frames.Reader.TryRead(out _);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private sealed class Collector(ChannelWriter<HeardFrame> frames) : IFrameHandler
    {
        public void OnFrame(ReceivedFrame frame, long receivedAt) =>
            frames.TryWrite(new HeardFrame(
                Encoding.UTF8.GetString(frame.Command),
                frame.TryHeader("message"u8, out var message) ? Encoding.UTF8.GetString(message) : null,
                Encoding.UTF8.GetString(frame.Body)));

        public void OnClosed() => frames.TryComplete();
    }
}
