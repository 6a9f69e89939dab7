using Messaging.Load.Transport;

namespace Messaging.Load.Recording;

/// <summary>
/// All connections report here; the events go to the recorder of the run in progress. A connection lost between
/// runs still counts in <see cref="Disconnects"/>.
/// </summary>
public sealed class EventRouter : ILoadEvents
{
    private volatile ILoadEvents? _current;
    private long _disconnects;

    public long Disconnects => Interlocked.Read(ref _disconnects);

    public void Route(ILoadEvents? recorder) => _current = recorder;

    public void Acknowledged(long sequence, long timestamp) => _current?.Acknowledged(sequence, timestamp);

    public void Delivered(long sequence, long timestamp) => _current?.Delivered(sequence, timestamp);

    public void Refused(long sequence, int code, string reason, long timestamp) => _current?.Refused(sequence, code, reason, timestamp);

    public void ErrorFrame(string message) => _current?.ErrorFrame(message);

    public void Disconnected()
    {
        Interlocked.Increment(ref _disconnects);
        _current?.Disconnected();
    }
}
