using System.Buffers;
using System.Globalization;
using System.Text;

namespace Messaging.Actors.Stomp;

/// <summary>Writes STOMP 1.2 frames with LF line ends, in a form <see cref="StompDecoder"/> reads back unchanged.</summary>
public static class StompEncoder
{
    /// <summary>What a peer sends to show it is alive when it has no frame to send (spec: Heart-beating).</summary>
    public static ReadOnlyMemory<byte> HeartBeat { get; } = "\n"u8.ToArray();

    /// <summary>
    /// Escapes header names and values except in CONNECT and CONNECTED, and adds content-length to a non-empty body
    /// lacking one, so that the body may hold NULs. Throws <see cref="ArgumentException"/> for a frame no peer could
    /// read back: an empty header name, a CONNECT or CONNECTED header that cannot be written verbatim, or a
    /// content-length that disagrees with the body.
    /// </summary>
    public static byte[] Encode(StompFrame frame)
    {
        var escapes = StompWire.EscapesHeaders(frame.Command);
        var command = StompWire.NameOf(frame.Command);
        // Sized first and written once: a frame is one array, with no string or builder on the way.
        var length = command.Length + 1;
        var hasContentLength = false;
        foreach (var (name, value) in frame.Headers)
        {
            if (name == StompWire.ContentLength && !hasContentLength)
            {
                // Only the first content-length counts (spec: Repeated Header Entries), so only it must be right.
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var declared) || declared != frame.Body.Length)
                    throw new ArgumentException($"content-length '{value}' disagrees with the {frame.Body.Length}-byte body.", nameof(frame));
                hasContentLength = true;
            }
            CheckHeader(frame.Command, escapes, name, value);
            length += EncodedLength(name, escapes) + 1 + EncodedLength(value, escapes) + 1;
        }
        Span<byte> bodyLength = stackalloc byte[11];
        var addsContentLength = !hasContentLength && !frame.Body.IsEmpty;
        var bodyLengthDigits = 0;
        if (addsContentLength)
        {
            frame.Body.Length.TryFormat(bodyLength, out bodyLengthDigits, provider: CultureInfo.InvariantCulture);
            length += StompWire.ContentLength.Length + 1 + bodyLengthDigits + 1;
        }
        length += 1 + frame.Body.Length + 1;

        var encoded = new byte[length]; // the last byte stays 0: the frame's NUL
        var rest = encoded.AsSpan();
        Put(ref rest, command);
        Put(ref rest, (byte)'\n');
        foreach (var (name, value) in frame.Headers)
        {
            PutText(ref rest, name, escapes);
            Put(ref rest, (byte)':');
            PutText(ref rest, value, escapes);
            Put(ref rest, (byte)'\n');
        }
        if (addsContentLength)
        {
            PutText(ref rest, StompWire.ContentLength, escapes: false);
            Put(ref rest, (byte)':');
            Put(ref rest, bodyLength[..bodyLengthDigits]);
            Put(ref rest, (byte)'\n');
        }
        Put(ref rest, (byte)'\n');
        Put(ref rest, frame.Body.Span);
        return encoded;
    }

    private static void CheckHeader(StompCommand command, bool escapes, string name, string value)
    {
        if (name.Length == 0)
            throw new ArgumentException("A header name may not be empty.", nameof(name));
        // Without escapes, a name cannot hold ':' and neither part can hold a line end.
        if (!escapes && (name.AsSpan().ContainsAny(":\r\n") || value.AsSpan().ContainsAny("\r\n")))
            throw new ArgumentException($"Header '{name}' cannot be written verbatim in a {command} frame.", nameof(name));
    }

    /// <summary>The characters STOMP escapes in headers (spec: Value Encoding); each becomes a backslash and one ASCII letter.</summary>
    private static readonly SearchValues<char> Escaped = SearchValues.Create("\r\n:\\");

    private static int EncodedLength(string text, bool escapes)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        for (var rest = text.AsSpan(); escapes && rest.IndexOfAny(Escaped) is var next and >= 0; rest = rest[(next + 1)..])
            length++;
        return length;
    }

    private static void PutText(ref Span<byte> rest, string text, bool escapes)
    {
        var remaining = text.AsSpan();
        while (true)
        {
            var next = escapes ? remaining.IndexOfAny(Escaped) : -1;
            var plain = next < 0 ? remaining : remaining[..next];
            rest = rest[Encoding.UTF8.GetBytes(plain, rest)..];
            if (next < 0)
                return;
            Put(ref rest, (byte)'\\');
            Put(ref rest, remaining[next] switch
            {
                '\r' => (byte)'r',
                '\n' => (byte)'n',
                ':' => (byte)'c',
                _ => (byte)'\\',
            });
            remaining = remaining[(next + 1)..];
        }
    }

    private static void Put(ref Span<byte> rest, byte value)
    {
        rest[0] = value;
        rest = rest[1..];
    }

    private static void Put(ref Span<byte> rest, scoped ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(rest);
        rest = rest[bytes.Length..];
    }
}
