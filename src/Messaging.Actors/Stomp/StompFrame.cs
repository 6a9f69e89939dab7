using System.Collections.Immutable;
using System.Text;

namespace Messaging.Actors.Stomp;

/// <summary>The STOMP 1.2 commands, client and server; each one's wire name is its own name upper-cased.</summary>
public enum StompCommand { Connect, Stomp, Connected, Send, Subscribe, Unsubscribe, Ack, Nack, Begin, Commit, Abort, Disconnect, Message, Receipt, Error }

/// <summary>
/// One STOMP frame. Headers keep wire order and repeats, because STOMP 1.2 lets a repeated header's first
/// occurrence win while later ones still travel; the body is raw bytes, since a content-length body may be binary.
/// </summary>
public sealed record StompFrame(StompCommand Command, ImmutableArray<KeyValuePair<string, string>> Headers, ReadOnlyMemory<byte> Body)
{
    /// <summary>The value of the first header with this exact (case-sensitive) name, or null.</summary>
    public string? Header(string name)
    {
        foreach (var header in Headers)
            if (header.Key == name) return header.Value;
        return null;
    }

    public string BodyText => Encoding.UTF8.GetString(Body.Span);

    public static StompFrame Create(StompCommand command, params (string Name, string Value)[] headers) =>
        new(command, [.. headers.Select(header => KeyValuePair.Create(header.Name, header.Value))], ReadOnlyMemory<byte>.Empty);

    public static StompFrame WithText(StompCommand command, string body, params (string Name, string Value)[] headers) =>
        Create(command, headers) with { Body = Encoding.UTF8.GetBytes(body) };

    // The generated equality would compare the header array and the body by reference; frames are values.
    public bool Equals(StompFrame? other) =>
        other is not null
        && Command == other.Command
        && Headers.AsSpan().SequenceEqual(other.Headers.AsSpan())
        && Body.Span.SequenceEqual(other.Body.Span);

    public override int GetHashCode() => HashCode.Combine(Command, Headers.Length, Body.Length);
}

/// <summary>What one connection may send in a single frame; bounds the memory a decoder holds.</summary>
public sealed record StompLimits(int MaxFrameBytes = 64 * 1024, int MaxHeaders = 32);

/// <summary>Wire names and the header-escaping rule, shared by the decoder and the encoder.</summary>
internal static class StompWire
{
    public const string ContentLength = "content-length";

    private static readonly byte[][] NamesByCommand =
        [.. Enum.GetValues<StompCommand>().Select(command => Encoding.ASCII.GetBytes(command.ToString().ToUpperInvariant()))];

    public static ReadOnlySpan<byte> NameOf(StompCommand command) => NamesByCommand[(int)command];

    public static bool TryParseCommand(ReadOnlySpan<byte> name, out StompCommand command)
    {
        for (var index = 0; index < NamesByCommand.Length; index++)
        {
            if (!name.SequenceEqual(NamesByCommand[index])) continue;
            command = (StompCommand)index;
            return true;
        }
        command = default;
        return false;
    }

    /// <summary>CONNECT and CONNECTED carry headers verbatim so that STOMP 1.0 peers can read them (spec: Value Encoding).</summary>
    public static bool EscapesHeaders(StompCommand command) => command is not (StompCommand.Connect or StompCommand.Connected);
}
