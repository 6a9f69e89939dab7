using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace Messaging.Actors.Stomp;

/// <summary>
/// Turns a connection's bytes into STOMP 1.2 frames. Stateful: it keeps the bytes of an incomplete frame between
/// calls and resumes where it stopped, so a frame may arrive split at any byte. It holds at most
/// <see cref="StompLimits.MaxFrameBytes"/>: a frame that would grow past it fails the moment it does.
/// </summary>
public sealed class StompDecoder(StompLimits limits)
{
    private const byte LineFeed = (byte)'\n';
    private const byte CarriageReturn = (byte)'\r';
    private const byte Colon = (byte)':';
    private const byte Null = 0;

    /// <summary>Which part of a frame the next byte belongs to.</summary>
    private enum Stage { CommandLine, HeaderLines, BodyUntilNull, BodyOfContentLength, NullAfterBody }

    private readonly StompLimits _limits = limits is { MaxFrameBytes: > 0, MaxHeaders: >= 0 }
        ? limits
        : throw new ArgumentOutOfRangeException(nameof(limits), limits, "A frame must be allowed at least one byte and no negative header count.");

    private readonly List<KeyValuePair<string, string>> _headers = [];
    private byte[] _pending = new byte[Math.Min(256, limits.MaxFrameBytes)]; // the current head line, then the body
    private int _pendingLength;
    private int _frameBytes; // every byte of the incomplete frame so far, line ends included, for the size limit
    private Stage _stage;
    private StompCommand _command;
    private int _contentLength;
    private StompProtocolException? _failure;

    /// <summary>The bytes of the incomplete frame received so far (line ends included); never more than the limit.</summary>
    public int BufferedBytes => _frameBytes;

    /// <summary>
    /// Appends bytes from one transport message and returns every frame they complete, in order; end-of-lines
    /// between frames (heart-beats) are skipped. Throws <see cref="StompProtocolException"/>, and nothing else, on
    /// bad input; after that the decoder refuses all input, since the connection is to be closed.
    /// </summary>
    public IReadOnlyList<StompFrame> Decode(ReadOnlySpan<byte> bytes)
    {
        if (_failure is not null)
            throw new StompProtocolException(_failure.Kind, $"The decoder already failed: {_failure.Message}");

        var frames = new List<StompFrame>();
        try
        {
            while (!bytes.IsEmpty)
                bytes = bytes[Consume(bytes, frames)..];
        }
        catch (StompProtocolException failure)
        {
            _failure = failure;
            _frameBytes = _pendingLength = 0;
            throw;
        }
        return frames;
    }

    /// <summary>Feeds the current stage as much of <paramref name="bytes"/> as it takes; returns how many it took.</summary>
    private int Consume(ReadOnlySpan<byte> bytes, List<StompFrame> frames) => _stage switch
    {
        Stage.CommandLine or Stage.HeaderLines => ConsumeLine(bytes),
        Stage.BodyUntilNull => ConsumeBodyUntilNull(bytes, frames),
        Stage.BodyOfContentLength => ConsumeBodyOfContentLength(bytes),
        _ => ConsumeNullAfterBody(bytes, frames),
    };

    private int ConsumeLine(ReadOnlySpan<byte> bytes)
    {
        var lineFeedAt = bytes.IndexOf(LineFeed);
        if (lineFeedAt < 0)
        {
            Hold(bytes);
            return bytes.Length;
        }

        Hold(bytes[..lineFeedAt]);
        var line = _pending.AsSpan(0, _pendingLength);
        if (line.EndsWith(CarriageReturn)) line = line[..^1];
        _pendingLength = 0;

        if (_stage == Stage.CommandLine && line.IsEmpty)
        {
            _frameBytes = 0; // an end-of-line before a command is a heart-beat, not part of any frame
            return lineFeedAt + 1;
        }

        Count(1);
        if (_stage == Stage.CommandLine) BeginFrame(line);
        else if (line.IsEmpty) EndHead();
        else AddHeader(line);
        return lineFeedAt + 1;
    }

    private void BeginFrame(ReadOnlySpan<byte> commandLine)
    {
        if (!Utf8.IsValid(commandLine))
            throw new StompProtocolException(StompErrorKind.InvalidEncoding, "The command line is not UTF-8.");
        if (!StompWire.TryParseCommand(commandLine, out _command))
            throw new StompProtocolException(StompErrorKind.UnknownCommand, $"Unknown command '{Preview(commandLine)}'.");
        _stage = Stage.HeaderLines;
    }

    private void AddHeader(ReadOnlySpan<byte> line)
    {
        if (_headers.Count == _limits.MaxHeaders)
            throw new StompProtocolException(StompErrorKind.TooManyHeaders, $"A frame may carry at most {_limits.MaxHeaders} headers.");
        if (!Utf8.IsValid(line))
            throw new StompProtocolException(StompErrorKind.InvalidEncoding, "A header line is not UTF-8.");
        if (line.Contains(CarriageReturn))
            throw new StompProtocolException(StompErrorKind.MalformedHeader, "A header holds a carriage return that does not end its line.");

        // The first colon separates name from value; later ones belong to the value, as lenient peers send them.
        var colonAt = line.IndexOf(Colon);
        if (colonAt < 0)
            throw new StompProtocolException(StompErrorKind.MalformedHeader, $"Header line '{Preview(line)}' has no ':'.");
        if (colonAt == 0)
            throw new StompProtocolException(StompErrorKind.MalformedHeader, "A header has an empty name.");

        var name = Encoding.UTF8.GetString(line[..colonAt]);
        var value = Encoding.UTF8.GetString(line[(colonAt + 1)..]);
        _headers.Add(StompWire.EscapesHeaders(_command)
            ? KeyValuePair.Create(Unescape(name), Unescape(value))
            : KeyValuePair.Create(name, value));
    }

    private void EndHead()
    {
        var declaredLength = FirstHeader(StompWire.ContentLength);
        if (declaredLength is null)
        {
            _stage = Stage.BodyUntilNull;
            return;
        }

        if (!int.TryParse(declaredLength, NumberStyles.None, CultureInfo.InvariantCulture, out _contentLength)
            || _contentLength > _limits.MaxFrameBytes)
            throw new StompProtocolException(StompErrorKind.InvalidContentLength,
                $"content-length '{Preview(declaredLength)}' is not a byte count of at most {_limits.MaxFrameBytes}.");

        // The whole frame's size is known now: refuse it before receiving a body that cannot fit.
        if (_frameBytes + _contentLength + 1 > _limits.MaxFrameBytes)
            throw TooLarge();

        _stage = _contentLength == 0 ? Stage.NullAfterBody : Stage.BodyOfContentLength;
    }

    private int ConsumeBodyUntilNull(ReadOnlySpan<byte> bytes, List<StompFrame> frames)
    {
        var nullAt = bytes.IndexOf(Null);
        if (nullAt < 0)
        {
            Hold(bytes);
            return bytes.Length;
        }

        Hold(bytes[..nullAt]);
        Count(1);
        Emit(frames);
        return nullAt + 1;
    }

    private int ConsumeBodyOfContentLength(ReadOnlySpan<byte> bytes)
    {
        var taken = Math.Min(bytes.Length, _contentLength - _pendingLength);
        Hold(bytes[..taken]);
        if (_pendingLength == _contentLength) _stage = Stage.NullAfterBody;
        return taken;
    }

    private int ConsumeNullAfterBody(ReadOnlySpan<byte> bytes, List<StompFrame> frames)
    {
        if (bytes[0] != Null)
            throw new StompProtocolException(StompErrorKind.MissingNullTerminator,
                $"The {_contentLength}-byte body declared by content-length is not followed by NUL.");
        Count(1);
        Emit(frames);
        return 1;
    }

    private void Emit(List<StompFrame> frames)
    {
        frames.Add(new StompFrame(_command, [.. _headers], _pending.AsSpan(0, _pendingLength).ToArray()));
        _headers.Clear();
        _pendingLength = 0;
        _frameBytes = 0;
        _stage = Stage.CommandLine;
    }

    /// <summary>Keeps bytes of the incomplete frame, after checking they keep it within the limit.</summary>
    private void Hold(ReadOnlySpan<byte> bytes)
    {
        Count(bytes.Length);
        if (_pendingLength + bytes.Length > _pending.Length)
            Array.Resize(ref _pending, Math.Min(_limits.MaxFrameBytes, Math.Max(_pendingLength + bytes.Length, _pending.Length * 2)));
        bytes.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength += bytes.Length;
    }

    private void Count(int bytes)
    {
        if (bytes > _limits.MaxFrameBytes - _frameBytes) throw TooLarge();
        _frameBytes += bytes;
    }

    private StompProtocolException TooLarge() =>
        new(StompErrorKind.FrameTooLarge, $"A frame may be at most {_limits.MaxFrameBytes} bytes.");

    private string? FirstHeader(string name)
    {
        foreach (var header in _headers)
            if (header.Key == name) return header.Value;
        return null;
    }

    /// <summary>Undoes STOMP 1.2 header escaping; any escape other than \r \n \c \\ is a fatal error (spec: Value Encoding).</summary>
    private static string Unescape(string escaped)
    {
        if (!escaped.Contains('\\')) return escaped;

        var plain = new StringBuilder(escaped.Length);
        for (var index = 0; index < escaped.Length; index++)
        {
            if (escaped[index] != '\\')
            {
                plain.Append(escaped[index]);
                continue;
            }

            var escape = ++index < escaped.Length ? escaped[index] : default(char?);
            plain.Append(escape switch
            {
                'r' => '\r',
                'n' => '\n',
                'c' => ':',
                '\\' => '\\',
                _ => throw new StompProtocolException(StompErrorKind.MalformedHeader,
                    escape is null ? "A header ends in a lone backslash." : $"A header holds the undefined escape '\\{escape}'."),
            });
        }
        return plain.ToString();
    }

    /// <summary>A short, printable piece of peer input for an error message, which may reach logs and ERROR frames.</summary>
    private static string Preview(ReadOnlySpan<byte> bytes) => Preview(Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 64)]));

    private static string Preview(string text) =>
        new([.. text.Take(32).Select(character => char.IsControl(character) ? '?' : character)]);
}
