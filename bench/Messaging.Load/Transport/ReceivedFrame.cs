namespace Messaging.Load.Transport;

/// <summary>A STOMP frame as received, read in place: the command, headers looked up by name, the body.</summary>
public readonly ref struct ReceivedFrame
{
    private readonly ReadOnlySpan<byte> _headers;

    public ReceivedFrame(ReadOnlySpan<byte> frame)
    {
        var commandEnd = frame.IndexOf((byte)'\n');
        if (commandEnd < 0)
        {
            Command = TrimCarriageReturn(frame);
            _headers = Body = default;
            return;
        }
        Command = TrimCarriageReturn(frame[..commandEnd]);
        var rest = frame[(commandEnd + 1)..];
        // Headers run up to the first empty line; the body follows it.
        var position = 0;
        while (true)
        {
            var lineEnd = rest[position..].IndexOf((byte)'\n');
            if (lineEnd < 0)
            {
                _headers = rest;
                Body = default;
                return;
            }
            if (TrimCarriageReturn(rest.Slice(position, lineEnd)).IsEmpty)
            {
                _headers = rest[..position];
                Body = rest[(position + lineEnd + 1)..];
                return;
            }
            position += lineEnd + 1;
        }
    }

    public ReadOnlySpan<byte> Command { get; }

    public ReadOnlySpan<byte> Body { get; }

    public bool Is(ReadOnlySpan<byte> command) => Command.SequenceEqual(command);

    /// <summary>The first header of that name (STOMP says the first one wins); values are not unescaped.</summary>
    public bool TryHeader(ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        var headers = _headers;
        while (!headers.IsEmpty)
        {
            var lineEnd = headers.IndexOf((byte)'\n');
            var line = TrimCarriageReturn(lineEnd < 0 ? headers : headers[..lineEnd]);
            headers = lineEnd < 0 ? default : headers[(lineEnd + 1)..];
            if (line.Length > name.Length && line[name.Length] == (byte)':' && line.StartsWith(name))
            {
                value = line[(name.Length + 1)..];
                return true;
            }
        }
        value = default;
        return false;
    }

    private static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line) =>
        line.EndsWith("\r"u8) ? line[..^1] : line;
}
