using Akka.Actor;
using Messaging.Actors.Stomp;
using Messaging.Host.Configuration;
using Messaging.Host.Tests.Hostile;
using Messaging.Host.Tests.Realtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Messaging.Host.Tests;

/// <summary>
/// One logging pipeline: Akka.NET's log events go through Microsoft.Extensions.Logging (category
/// <c>Akka.Actor.ActorSystem</c>) with their named placeholders as structured values, and <c>Logging:LogLevel</c>
/// decides what Akka logs.
/// </summary>
public sealed class LoggingTests
{
    private const string AkkaCategory = "Akka.Actor.ActorSystem";

    [Fact]
    public async Task An_actors_log_line_arrives_in_Microsoft_Extensions_Logging_with_its_placeholders_as_properties()
    {
        var log = new RecordingLoggerProvider();
        await using var host = await StartRecorded(log, new() { ["Logging:LogLevel:Akka"] = "Debug" });

        await RefuseAnUnauthenticatedStompClient(host);

        var closing = await EventuallyLogged(log, entry => entry.Message.Contains("Closing STOMP session: authentication required", StringComparison.Ordinal));
        Assert.Equal(AkkaCategory, closing.Category);
        Assert.Equal(LogLevel.Debug, closing.Level);
        Assert.Equal("authentication required", closing.Properties["Reason"]);
        Assert.Contains("/user/stomp-sessions/", (string?)closing.Properties["LogSource"]);
        Assert.Equal("Closing STOMP session: {Reason} ({Detail})", closing.Properties["{OriginalFormat}"]);
    }

    [Fact]
    public async Task Akka_logs_nothing_below_the_level_Logging_LogLevel_sets_for_it()
    {
        var log = new RecordingLoggerProvider();
        await using var host = await StartRecorded(log, new() { ["Logging:LogLevel:Default"] = "Information" });

        await RefuseAnUnauthenticatedStompClient(host);
        await EventuallyLogged(log, entry => entry.Category == AkkaCategory && entry.Level == LogLevel.Information);

        Assert.Equal("Info", host.Services.GetRequiredService<ActorSystem>().Settings.Config.GetString("akka.loglevel"));
        Assert.DoesNotContain(log.Entries, entry => entry.Category == AkkaCategory && entry.Level == LogLevel.Debug);
    }

    [Theory]
    [InlineData("Warning", null, Akka.Event.LogLevel.WarningLevel)]
    [InlineData("Warning", "Debug", Akka.Event.LogLevel.DebugLevel)]
    [InlineData("Information", null, Akka.Event.LogLevel.InfoLevel)]
    [InlineData("Debug", "Error", Akka.Event.LogLevel.ErrorLevel)]
    [InlineData("None", null, Akka.Event.LogLevel.ErrorLevel)]
    public void The_akka_loglevel_is_the_most_detailed_level_Logging_LogLevel_lets_through_for_Akka(string defaultLevel, string? akkaLevel, Akka.Event.LogLevel expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LogLevel:Default"] = defaultLevel,
            ["LogLevel:Akka"] = akkaLevel,
        }).Build();
        using var factory = LoggerFactory.Create(logging => logging.AddConfiguration(configuration).AddProvider(new RecordingLoggerProvider()));

        Assert.Equal(expected, AkkaSetup.LevelFor(factory.CreateLogger<ActorSystem>()));
    }

    private static Task<MessagingHost> StartRecorded(RecordingLoggerProvider log, Dictionary<string, string?> settings) =>
        MessagingHost.StartPostgres(settings, testServices: services => services.AddSingleton<ILoggerProvider>(log));

    /// <summary>A CONNECT without a token: the session refuses it and logs (at Debug) why it closes.</summary>
    private static async Task RefuseAnUnauthenticatedStompClient(MessagingHost host)
    {
        await using var client = await StompTestClient.OpenAsync(host);
        var answer = await client.ConnectAsync(token: null);
        Assert.Equal(StompCommand.Error, answer.Command);
    }

    private static async Task<RecordingLoggerProvider.LogEntry> EventuallyLogged(RecordingLoggerProvider log, Func<RecordingLoggerProvider.LogEntry, bool> match)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (log.Entries.FirstOrDefault(match) is { } entry)
                return entry;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"no such log entry within 10 s; logged: {string.Join(" | ", log.Entries.Select(entry => $"{entry.Category} {entry.Level}: {entry.Message}"))}");
    }
}
