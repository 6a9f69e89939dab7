namespace Messaging.Actors.Tests;

public sealed class MessagingSettingsSpecs
{
    [Fact]
    public void Defaults_are_valid()
    {
        var defaults = new MessagingSettings();

        Assert.Same(defaults, defaults.Validate());
    }

    [Fact]
    public void Defaults_are_the_documented_values()
    {
        var defaults = new MessagingSettings();

        Assert.Equal(50, defaults.ShardCount);
        Assert.Equal(100, defaults.SnapshotEvery);
        Assert.Equal(TimeSpan.FromMinutes(2), defaults.PassivateAfter);
        Assert.Equal(TimeSpan.FromSeconds(3), defaults.InboxAckTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), defaults.InboxRetryInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), defaults.AskTimeout);
        Assert.Equal(100, defaults.HistoryPageSize);
        Assert.Equal(1000, defaults.MaxSendsInFlight);
        Assert.Equal(TimeSpan.FromMilliseconds(80), defaults.SendLatencyTarget);
    }

    public static TheoryData<string, MessagingSettings> InvalidSettings => new()
    {
        { "ShardCount", new MessagingSettings { ShardCount = 0 } },
        { "ShardCount", new MessagingSettings { ShardCount = 10_001 } },
        { "SnapshotEvery", new MessagingSettings { SnapshotEvery = 0 } },
        { "SnapshotEvery", new MessagingSettings { SnapshotEvery = -5 } },
        { "PassivateAfter", new MessagingSettings { PassivateAfter = TimeSpan.Zero } },
        { "PassivateAfter", new MessagingSettings { PassivateAfter = TimeSpan.FromSeconds(-1) } },
        { "InboxAckTimeout", new MessagingSettings { InboxAckTimeout = TimeSpan.Zero } },
        { "InboxRetryInterval", new MessagingSettings { InboxRetryInterval = TimeSpan.Zero } },
        { "InboxRetryInterval", new MessagingSettings { InboxRetryInterval = TimeSpan.FromMilliseconds(-1) } },
        { "AskTimeout", new MessagingSettings { AskTimeout = TimeSpan.FromSeconds(3), InboxAckTimeout = TimeSpan.FromSeconds(3) } },
        { "AskTimeout", new MessagingSettings { AskTimeout = TimeSpan.FromSeconds(1) } },
        { "HistoryPageSize", new MessagingSettings { HistoryPageSize = 0 } },
        { "HistoryPageSize", new MessagingSettings { HistoryPageSize = 1_001 } },
        { "MaxSendsInFlight", new MessagingSettings { MaxSendsInFlight = 0 } },
        { "SendLatencyTarget", new MessagingSettings { SendLatencyTarget = TimeSpan.Zero } },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void Invalid_value_is_refused_naming_the_setting(string setting, MessagingSettings settings)
    {
        var error = Assert.Throws<InvalidOperationException>(() => settings.Validate());

        Assert.StartsWith("Invalid Messaging settings: ", error.Message);
        Assert.Contains(setting, error.Message);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var settings = new MessagingSettings { ShardCount = 0, SnapshotEvery = 0, HistoryPageSize = 5_000 };

        var error = Assert.Throws<InvalidOperationException>(() => settings.Validate());

        Assert.Contains("ShardCount must be 1..10000, was 0", error.Message);
        Assert.Contains("SnapshotEvery must be at least 1, was 0", error.Message);
        Assert.Contains("HistoryPageSize must be 1..1000, was 5000", error.Message);
    }

    [Fact]
    public void Boundary_values_are_valid()
    {
        new MessagingSettings { ShardCount = 1, SnapshotEvery = 1, HistoryPageSize = 1 }.Validate();
        new MessagingSettings { ShardCount = 10_000, HistoryPageSize = 1_000 }.Validate();
        new MessagingSettings { InboxAckTimeout = TimeSpan.FromMilliseconds(100), AskTimeout = TimeSpan.FromMilliseconds(101) }.Validate();
    }
}
