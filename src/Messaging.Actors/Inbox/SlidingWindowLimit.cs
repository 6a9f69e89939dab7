using System.Collections.Immutable;

namespace Messaging.Actors.Inbox;

/// <summary>
/// At most <c>limit</c> actions in any window of <c>period</c>: remembers when the last <c>limit</c> actions
/// happened. Pure: the inbox actor keeps one per kind of action in memory (an inbox idle long enough to passivate
/// has an empty window anyway).
/// </summary>
public sealed record SlidingWindowLimit(ImmutableQueue<DateTimeOffset> Recent, int Count)
{
    public static readonly SlidingWindowLimit Empty = new(ImmutableQueue<DateTimeOffset>.Empty, 0);

    /// <summary>Counts one action at <paramref name="now"/> if the window has room; otherwise says when it will.</summary>
    public (bool Allowed, TimeSpan RetryAfter, SlidingWindowLimit Next) Take(DateTimeOffset now, int limit, TimeSpan period)
    {
        var recent = Recent;
        var count = Count;
        while (count > 0 && recent.Peek() <= now - period)
        {
            recent = recent.Dequeue();
            count--;
        }
        return count < limit
            ? (true, TimeSpan.Zero, new SlidingWindowLimit(recent.Enqueue(now), count + 1))
            : (false, recent.Peek() + period - now, new SlidingWindowLimit(recent, count));
    }
}
