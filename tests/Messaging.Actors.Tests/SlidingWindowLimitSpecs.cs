using Messaging.Actors.Inbox;

namespace Messaging.Actors.Tests;

public sealed class SlidingWindowLimitSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private static SlidingWindowLimit TakeMany(SlidingWindowLimit limit, int count, DateTimeOffset at, TimeSpan step)
    {
        for (var n = 0; n < count; n++)
        {
            var (allowed, _, next) = limit.Take(at + step * n, 60, Minute);
            Assert.True(allowed, $"action {n + 1} should be allowed");
            limit = next;
        }
        return limit;
    }

    [Fact]
    public void Sixty_actions_in_a_minute_are_allowed_and_the_61st_is_refused_until_the_oldest_leaves_the_window()
    {
        var limit = TakeMany(SlidingWindowLimit.Empty, 60, T0, TimeSpan.FromMilliseconds(500));

        var (allowed, retryAfter, _) = limit.Take(T0 + TimeSpan.FromSeconds(31), 60, Minute);

        Assert.False(allowed);
        Assert.Equal(TimeSpan.FromSeconds(29), retryAfter);
    }

    [Fact]
    public void No_more_than_sixty_fit_in_any_minute_even_across_a_burst_boundary()
    {
        var limit = TakeMany(SlidingWindowLimit.Empty, 60, T0, TimeSpan.Zero);
        var allowedWithinTheMinute = 0;
        for (var second = 1; second < 60; second++)
        {
            var (allowed, _, next) = limit.Take(T0 + TimeSpan.FromSeconds(second), 60, Minute);
            limit = next;
            allowedWithinTheMinute += allowed ? 1 : 0;
        }

        Assert.Equal(0, allowedWithinTheMinute);
    }

    [Fact]
    public void Actions_older_than_the_window_stop_counting()
    {
        var limit = TakeMany(SlidingWindowLimit.Empty, 60, T0, TimeSpan.Zero);

        var (allowed, retryAfter, next) = limit.Take(T0 + Minute, 60, Minute);

        Assert.True(allowed);
        Assert.Equal(TimeSpan.Zero, retryAfter);
        Assert.Equal(1, next.Count);
    }

    [Fact]
    public void A_refused_action_does_not_count()
    {
        var limit = TakeMany(SlidingWindowLimit.Empty, 60, T0, TimeSpan.Zero);
        for (var n = 0; n < 10; n++)
            limit = limit.Take(T0 + TimeSpan.FromSeconds(10), 60, Minute).Next;

        Assert.Equal(60, limit.Count);
        Assert.True(limit.Take(T0 + Minute, 60, Minute).Allowed);
    }
}
