using System.Collections;

namespace Messaging.Actors.Conversations;

/// <summary>
/// A conversation's messages in the order they were sent, found by id or by the id the client gave the send. Each
/// version is immutable to its readers, but the versions of one conversation share one store: appending to the newest
/// version writes into the store (amortised constant time, no garbage), and appending to an older version first copies
/// what that version sees. A conversation actor keeps only its newest state, so its appends never copy.
/// </summary>
/// <remarks>
/// The immutable trees used before allocated a path of nodes in three trees per message, which became garbage at the
/// conversation's next message: old enough by then to be promoted, so every collection paid for it. Not thread-safe:
/// the versions of one log belong to one actor.
/// </remarks>
public sealed class MessageLog : IReadOnlyList<ChatMessage>
{
    private sealed class Store
    {
        public readonly List<ChatMessage> Messages = [];
        public readonly Dictionary<MessageId, int> Positions = [];
        public readonly Dictionary<(UserId Sender, string ClientMessageId), int> ByClientMessageId = [];
    }

    private readonly Store _store;

    private MessageLog(Store store, int count)
    {
        _store = store;
        Count = count;
    }

    /// <summary>A new, empty log with a store of its own.</summary>
    public static MessageLog CreateEmpty() => new(new Store(), 0);

    public int Count { get; }

    public ChatMessage this[int index] =>
        (uint)index < (uint)Count ? _store.Messages[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public MessageLog Append(ChatMessage message)
    {
        var store = Count == _store.Messages.Count ? _store : CopyOfVisible();
        store.Messages.Add(message);
        store.Positions[message.Id] = Count;
        if (message.ClientMessageId is { } clientMessageId)
            store.ByClientMessageId[(message.SenderId, clientMessageId)] = Count;
        return new MessageLog(store, Count + 1);
    }

    /// <summary>Where the message is in this version; false for an id it does not hold.</summary>
    public bool TryGetPosition(MessageId id, out int position) =>
        _store.Positions.TryGetValue(id, out position) && position < Count;

    /// <summary>The position of <paramref name="sender"/>'s message sent with <paramref name="clientMessageId"/>, if this version holds one.</summary>
    public bool TryGetPosition(UserId sender, string clientMessageId, out int position) =>
        _store.ByClientMessageId.TryGetValue((sender, clientMessageId), out position) && position < Count;

    public IEnumerator<ChatMessage> GetEnumerator()
    {
        for (var index = 0; index < Count; index++)
            yield return _store.Messages[index];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A later version's entries are in the store too; an older version sees only positions below its count.</summary>
    private Store CopyOfVisible()
    {
        var copy = new Store();
        copy.Messages.AddRange(_store.Messages.Take(Count));
        foreach (var (id, position) in _store.Positions.Where(entry => entry.Value < Count))
            copy.Positions[id] = position;
        foreach (var (key, position) in _store.ByClientMessageId.Where(entry => entry.Value < Count))
            copy.ByClientMessageId[key] = position;
        return copy;
    }
}
