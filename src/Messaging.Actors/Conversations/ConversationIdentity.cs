using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Messaging.Actors.Conversations;

/// <summary>
/// A conversation's id is a name-based UUID (RFC 9562 version 5) of its product and its two participants,
/// taken in either order. Both sides of a race to write first therefore land in the same entity, and
/// find-or-create needs no lookup table.
/// </summary>
public static class ConversationIdentity
{
    private static readonly Guid Namespace = new("6f1c7d52-9a55-4c1e-8f3a-2b8e0d4c9a17");

    public static ConversationId For(ProductId? product, UserId first, UserId second)
    {
        var (low, high) = first.Value.CompareTo(second.Value) <= 0 ? (first, second) : (second, first);
        var name = $"{product?.Value.ToString() ?? "no-product"}|{low.Value}|{high.Value}";
        return new ConversationId(NameBased(Namespace, name));
    }

    private static Guid NameBased(Guid ns, string name)
    {
        Span<byte> input = stackalloc byte[16 + Encoding.UTF8.GetMaxByteCount(name.Length)];
        ns.TryWriteBytes(input, bigEndian: true, out _);
        var length = 16 + Encoding.UTF8.GetBytes(name, input[16..]);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input[..length], hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(hash[..16], bigEndian: true);
    }
}
