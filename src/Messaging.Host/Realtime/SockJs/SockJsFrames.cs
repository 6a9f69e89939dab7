using System.Text;
using System.Text.Json;

namespace Messaging.Host.Realtime.SockJs;

/// <summary>Why a session closed, as its <c>c</c> frame tells the client.</summary>
public sealed record SockJsClose(int Code, string Reason)
{
    /// <summary>The application closed the session.</summary>
    public static readonly SockJsClose GoAway = new(3000, "Go away!");

    /// <summary>A second receiving request while one is open; the session itself goes on.</summary>
    public static readonly SockJsClose AnotherConnectionOpen = new(2010, "Another connection still open");

    /// <summary>The receiving request was cut by the network: messages may have been lost, so the session ends.</summary>
    public static readonly SockJsClose Interrupted = new(1002, "Connection interrupted");
}

/// <summary>The SockJS framing: what the server sends (<c>o</c>, <c>h</c>, <c>a[...]</c>, <c>c[code,"reason"]</c>) and how it reads what clients send.</summary>
public static class SockJsFrames
{
    public const string Open = "o";

    public const string Heartbeat = "h";

    public static string Close(SockJsClose close) => $"c[{close.Code},{Quote(close.Reason)}]";

    public static bool IsClose(string frame) => frame.StartsWith('c');

    /// <summary>An <c>a</c> frame carrying the messages (UTF-8) in order.</summary>
    public static string Messages(IEnumerable<ReadOnlyMemory<byte>> messages)
    {
        var frame = new StringBuilder("a[");
        foreach (var message in messages)
        {
            if (frame.Length > 2)
                frame.Append(',');
            AppendQuoted(frame, Encoding.UTF8.GetString(message.Span));
        }
        return frame.Append(']').ToString();
    }

    /// <summary>
    /// A JSON string literal that survives every transport: besides what JSON requires, the characters browsers and
    /// proxies are known to mangle (control and format characters, line separators, specials, surrogates) are sent as
    /// lower-case <c>\uxxxx</c> escapes, as the protocol asks.
    /// </summary>
    public static string Quote(string text) => AppendQuoted(new StringBuilder(text.Length + 2), text).ToString();

    private static StringBuilder AppendQuoted(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (var character in text)
        {
            switch (character)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                default:
                    if (MustEscape(character))
                        builder.Append("\\u").Append(((int)character).ToString("x4"));
                    else
                        builder.Append(character);
                    break;
            }
        }
        return builder.Append('"');
    }

    private static bool MustEscape(char character) => character is
        <= '\u001f' or (>= '\u007f' and <= '\u009f') or '\u00ad' or (>= '\u0600' and <= '\u0604') or '\u070f' or '\u17b4' or '\u17b5'
        or (>= '\u200c' and <= '\u200f') or (>= '\u2028' and <= '\u202f') or (>= '\u2060' and <= '\u206f')
        or (>= '\ud800' and <= '\udfff') or '\ufeff' or >= '\ufff0';

    /// <summary>
    /// The messages of what a client sent: a JSON array of strings, or (over WebSocket, <paramref name="allowSingle"/>)
    /// one JSON string. Null when it is not that, including strings with unpaired surrogates, which have no UTF-8 form.
    /// </summary>
    public static IReadOnlyList<byte[]>? ParseMessages(ReadOnlySpan<byte> json, bool allowSingle)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read())
                return null;
            var messages = new List<byte[]>();
            if (reader.TokenType == JsonTokenType.String && allowSingle)
                messages.Add(Encoding.UTF8.GetBytes(reader.GetString()!));
            else if (reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.String)
                    messages.Add(Encoding.UTF8.GetBytes(reader.GetString()!));
                if (reader.TokenType != JsonTokenType.EndArray)
                    return null;
            }
            else
                return null;
            return reader.Read() ? null : messages;
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
