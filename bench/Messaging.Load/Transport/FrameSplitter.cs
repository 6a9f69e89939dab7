namespace Messaging.Load.Transport;

/// <summary>
/// Cuts the bytes of one socket into NUL-terminated STOMP frames, whatever WebSocket messages they came in, and drops
/// the lone end-of-lines that are heart-beats. The socket reads straight into <see cref="FreeSpace"/>, so nothing is copied.
/// Bodies are JSON text here, so a NUL always ends a frame (content-length framing of binary bodies is not needed).
/// </summary>
public sealed class FrameSplitter(int initialBytes = 4096, int maxFrameBytes = 1024 * 1024)
{
    private byte[] _buffer = new byte[initialBytes];
    private int _start;
    private int _end;

    /// <summary>Room for the next read: at least a quarter of the buffer, compacting or growing it as needed.</summary>
    public Memory<byte> FreeSpace
    {
        get
        {
            if (_buffer.Length - _end < _buffer.Length / 4)
            {
                var pending = _end - _start;
                if (pending > maxFrameBytes)
                    throw new InvalidDataException($"a frame longer than {maxFrameBytes} bytes");
                var target = pending >= _buffer.Length / 2 ? new byte[_buffer.Length * 2] : _buffer;
                _buffer.AsSpan(_start, pending).CopyTo(target);
                _buffer = target;
                _start = 0;
                _end = pending;
            }
            return _buffer.AsMemory(_end);
        }
    }

    public void Advance(int bytesRead) => _end += bytesRead;

    /// <summary>The next complete frame (without its NUL), valid until the next call on this splitter.</summary>
    public bool TryTake(out ReadOnlySpan<byte> frame)
    {
        while (_start < _end && _buffer[_start] is (byte)'\n' or (byte)'\r')
            _start++;
        var pending = _buffer.AsSpan(_start, _end - _start);
        var nul = pending.IndexOf((byte)0);
        if (nul < 0)
        {
            if (_start == _end)
                _start = _end = 0;
            frame = default;
            return false;
        }
        frame = pending[..nul];
        _start += nul + 1;
        return true;
    }
}
