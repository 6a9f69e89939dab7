namespace Messaging.Actors.Inbox;

/// <summary>
/// A rate limit: up to <c>capacity</c> actions at once, refilled evenly to <c>capacity</c> per period. Pure: the
/// inbox actor keeps one per kind of action in memory (an inbox idle long enough to passivate is full again anyway).
/// </summary>
public sealed record TokenBucket(double Tokens, DateTimeOffset At)
{
    public static TokenBucket Full(int capacity, DateTimeOffset now) => new(capacity, now);

    /// <summary>Takes one token if there is one; otherwise says how long until there is.</summary>
    public (bool Allowed, TimeSpan RetryAfter, TokenBucket Next) Take(DateTimeOffset now, int capacity, TimeSpan period)
    {
        var perSecond = capacity / period.TotalSeconds;
        var available = Math.Min(capacity, Tokens + Math.Max(0, (now - At).TotalSeconds) * perSecond);
        return available >= 1
            ? (true, TimeSpan.Zero, new TokenBucket(available - 1, now))
            : (false, TimeSpan.FromSeconds(Math.Ceiling((1 - available) / perSecond)), new TokenBucket(available, now));
    }
}
