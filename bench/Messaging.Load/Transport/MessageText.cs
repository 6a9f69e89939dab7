using System.Buffers.Text;

namespace Messaging.Load.Transport;

/// <summary>
/// The text of a generated message carries its sequence number, so the recipient's notification (or the relayed frame)
/// says which send it answers. The rest is a chat line of a realistic length, with no character JSON would escape.
/// </summary>
public static class MessageText
{
    private const string Prefix = "load ";
    private const string Line = " Is this still available? I could pick it up tomorrow after work.";

    public static string For(long sequence) => Prefix + sequence + Line;

    /// <summary>Finds <c>"text":"load N</c> in a JSON body and reads N.</summary>
    public static bool TryReadSequence(ReadOnlySpan<byte> jsonBody, out long sequence)
    {
        var marker = "\"text\":\"load "u8;
        var at = jsonBody.IndexOf(marker);
        sequence = 0;
        return at >= 0 && Utf8Parser.TryParse(jsonBody[(at + marker.Length)..], out sequence, out _);
    }
}
