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
        var bodyLength = frame.Body.Length.ToString(CultureInfo.InvariantCulture);
        var head = new StringBuilder();
        head.Append(Encoding.ASCII.GetString(StompWire.NameOf(frame.Command))).Append('\n');

        var hasContentLength = false;
        foreach (var (name, value) in frame.Headers)
        {
            if (name == StompWire.ContentLength && !hasContentLength)
            {
                // Only the first content-length counts (spec: Repeated Header Entries), so only it must be right.
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var declared) || declared != frame.Body.Length)
                    throw new ArgumentException($"content-length '{value}' disagrees with the {bodyLength}-byte body.", nameof(frame));
                hasContentLength = true;
            }
            AppendHeader(head, frame.Command, escapes, name, value);
        }
        if (!hasContentLength && !frame.Body.IsEmpty)
            head.Append(StompWire.ContentLength).Append(':').Append(bodyLength).Append('\n');
        head.Append('\n');

        var headText = head.ToString();
        var headBytes = Encoding.UTF8.GetByteCount(headText);
        var encoded = new byte[headBytes + frame.Body.Length + 1]; // the last byte stays 0: the frame's NUL
        Encoding.UTF8.GetBytes(headText, encoded);
        frame.Body.Span.CopyTo(encoded.AsSpan(headBytes));
        return encoded;
    }

    private static void AppendHeader(StringBuilder head, StompCommand command, bool escapes, string name, string value)
    {
        if (name.Length == 0)
            throw new ArgumentException("A header name may not be empty.", nameof(name));

        if (escapes)
        {
            AppendEscaped(head, name);
            head.Append(':');
            AppendEscaped(head, value);
        }
        else
        {
            // Without escapes, a name cannot hold ':' and neither part can hold a line end.
            if (name.AsSpan().ContainsAny(":\r\n") || value.AsSpan().ContainsAny("\r\n"))
                throw new ArgumentException($"Header '{name}' cannot be written verbatim in a {command} frame.", nameof(name));
            head.Append(name).Append(':').Append(value);
        }
        head.Append('\n');
    }

    private static void AppendEscaped(StringBuilder head, string text)
    {
        foreach (var character in text)
        {
            _ = character switch
            {
                '\r' => head.Append(@"\r"),
                '\n' => head.Append(@"\n"),
                ':' => head.Append(@"\c"),
                '\\' => head.Append(@"\\"),
                _ => head.Append(character),
            };
        }
    }
}
