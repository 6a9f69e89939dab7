using System.Collections.Concurrent;
using System.Text.Json;
using Akka.Actor;
using Akka.Event;
using Messaging.Actors.Stomp;
using Messaging.Host.Configuration;
using Messaging.Host.Tests.Hostile;
using Messaging.Host.Tests.Realtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Messaging.Host.Tests;

/// <summary>
/// One logging pipeline: Akka.NET's log events go through Microsoft.Extensions.Logging under the category of the class
/// that logged them, with their named placeholders as structured values, and <c>Logging:LogLevel</c> decides what Akka logs.
/// </summary>
public sealed class LoggingTests
{
    private const string SessionClosing = "Closing STOMP session: {Reason} ({Detail})";

    [Fact]
    public async Task An_actors_log_line_arrives_under_the_actors_type_with_its_placeholders_as_properties()
    {
        var log = new RecordingLoggerProvider();
        await using var host = await StartRecorded(log, new() { ["Logging:LogLevel:Messaging.Actors"] = "Debug" });

        await RefuseAnUnauthenticatedStompClient(host);

        var closing = await EventuallyLogged(log, entry => Equals(entry.Properties.GetValueOrDefault("{OriginalFormat}"), SessionClosing));
        Assert.Equal(typeof(StompSession).FullName, closing.Category);
        Assert.Equal(LogLevel.Debug, closing.Level);
        Assert.Equal("authentication required", closing.Properties["Reason"]);
        Assert.StartsWith("Closing STOMP session: authentication required (", closing.Message);
        Assert.Contains("/user/stomp-sessions/", (string?)closing.Properties["LogSource"]);
        Assert.IsType<int>(closing.Properties["ThreadId"]);
    }

    [Fact]
    public async Task An_error_arrives_with_its_exception_at_level_Error()
    {
        var log = new RecordingLoggerProvider();
        await using var host = await StartRecorded(log, []);
        var failure = new InvalidOperationException("the store refused");

        host.Services.GetRequiredService<ActorSystem>().ActorOf(Props.Create(() => new FailureLogger(failure)), "failure-logger");

        var error = await EventuallyLogged(log, entry => entry.Category == "Messaging.Host.Tests.LoggingTests.FailureLogger");
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Same(failure, error.Exception);
        Assert.Equal("Could not store conversation-7", error.Message);
        Assert.Equal("conversation-7", error.Properties["PersistenceId"]);
    }

    [Fact]
    public async Task Akkas_events_arrive_under_Akka_categories_without_Akkas_text_prefix()
    {
        var log = new RecordingLoggerProvider();
        await using var host = await StartRecorded(log, new() { ["Logging:LogLevel:Default"] = "Information" });

        var clusterUp = await EventuallyLogged(log, entry => entry.Message.EndsWith("- Started up successfully", StringComparison.Ordinal));
        Assert.Equal("Akka.Cluster", clusterUp.Category);
        Assert.Equal("Cluster (akka://messaging)", clusterUp.Properties["LogSource"]);
        Assert.StartsWith("Cluster Node [akka.tcp://messaging@", clusterUp.Message);
        var coordinator = await EventuallyLogged(log, entry => entry.Message.Contains("ShardCoordinator was moved to the active state", StringComparison.Ordinal));
        Assert.Equal("Akka.Cluster.Sharding.DDataShardCoordinator", coordinator.Category);
        Assert.Equal(LogLevel.Information, coordinator.Level);
    }

    [Fact]
    public async Task Events_of_a_conversation_nobody_has_open_are_not_logged_as_dead_letters()
    {
        var log = new RecordingLoggerProvider();
        await using var host = await StartRecorded(log, new() { ["Logging:LogLevel:Default"] = "Information" });
        var alice = await host.CreateUser();
        var bob = await host.CreateUser();

        await alice.SendTo(bob, "to someone offline");
        await Task.Delay(TimeSpan.FromSeconds(1)); // a dead letter is logged through the event stream, within milliseconds

        Assert.DoesNotContain(log.Entries, entry => entry.Message.Contains("dead letters encountered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logging_LogLevel_Akka_Warning_drops_Akkas_information_and_keeps_our_actors_lines()
    {
        var log = new RecordingLoggerProvider();
        await using var host = await StartRecorded(log, new()
        {
            ["Logging:LogLevel:Akka"] = "Warning",
            ["Logging:LogLevel:Messaging.Actors"] = "Debug",
        });

        await RefuseAnUnauthenticatedStompClient(host);

        await EventuallyLogged(log, entry => entry.Category == typeof(StompSession).FullName && entry.Level == LogLevel.Debug);
        Assert.DoesNotContain(log.Entries, entry => entry.Category.StartsWith("Akka.", StringComparison.Ordinal) && entry.Level < LogLevel.Warning);
    }

    [Fact]
    public async Task Akka_logs_nothing_below_the_level_Logging_LogLevel_sets()
    {
        var log = new RecordingLoggerProvider();
        await using var host = await StartRecorded(log, new() { ["Logging:LogLevel:Default"] = "Information" });

        await RefuseAnUnauthenticatedStompClient(host);
        await EventuallyLogged(log, entry => entry.Category.StartsWith("Akka.", StringComparison.Ordinal) && entry.Level == LogLevel.Information);

        Assert.Equal("Info", host.Services.GetRequiredService<ActorSystem>().Settings.Config.GetString("akka.loglevel"));
        Assert.DoesNotContain(log.Entries, entry => entry.Properties.ContainsKey("LogSource") && entry.Level == LogLevel.Debug);
    }

    [Fact]
    public async Task The_JSON_console_formatter_writes_the_placeholders_under_State()
    {
        var json = new JsonConsoleRecorder();
        await using var host = await MessagingHost.StartPostgres(
            new Dictionary<string, string?> { ["Logging:LogLevel:Messaging.Actors"] = "Debug" },
            testServices: services => services.AddSingleton<ILoggerProvider>(json));

        await RefuseAnUnauthenticatedStompClient(host);

        var line = await Eventually(() => json.Lines.FirstOrDefault(written => written.Contains(SessionClosing, StringComparison.Ordinal)));
        using var written = JsonDocument.Parse(line);
        Assert.Equal(typeof(StompSession).FullName, written.RootElement.GetProperty("Category").GetString());
        Assert.Equal("Debug", written.RootElement.GetProperty("LogLevel").GetString());
        var state = written.RootElement.GetProperty("State");
        Assert.Equal("authentication required", state.GetProperty("Reason").GetString());
        Assert.Equal(SessionClosing, state.GetProperty("{OriginalFormat}").GetString());
        Assert.StartsWith("Closing STOMP session: authentication required (", written.RootElement.GetProperty("Message").GetString());
    }

    [Fact]
    public void A_class_nested_in_a_generic_one_logs_under_its_name_without_arity_or_type_arguments()
    {
        Assert.Equal("System.Collections.Generic.Dictionary.Enumerator", MicrosoftLoggingAdapter.CategoryOf(typeof(Dictionary<string, int>.Enumerator)));
    }

    [Theory]
    [InlineData("Warning", null, null, Akka.Event.LogLevel.WarningLevel)]
    [InlineData("Warning", "Debug", null, Akka.Event.LogLevel.DebugLevel)]
    [InlineData("Information", null, null, Akka.Event.LogLevel.InfoLevel)]
    [InlineData("Information", "Warning", "Debug", Akka.Event.LogLevel.DebugLevel)]
    [InlineData("Debug", "Error", null, Akka.Event.LogLevel.DebugLevel)]
    [InlineData("Debug", "Error", "Warning", Akka.Event.LogLevel.WarningLevel)]
    [InlineData("None", null, null, Akka.Event.LogLevel.ErrorLevel)]
    public void The_akka_loglevel_is_the_most_detailed_level_Logging_LogLevel_lets_through_for_Akka_or_our_actors(
        string defaultLevel, string? akkaLevel, string? ourActorsLevel, Akka.Event.LogLevel expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LogLevel:Default"] = defaultLevel,
            ["LogLevel:Akka"] = akkaLevel,
            ["LogLevel:Messaging"] = ourActorsLevel,
        }).Build();
        using var factory = LoggerFactory.Create(logging => logging.AddConfiguration(configuration).AddProvider(new RecordingLoggerProvider()));

        Assert.Equal(expected, AkkaSetup.LevelFor(factory, configuration));
    }

    [Fact]
    public void A_level_set_for_one_namespace_of_our_actors_sets_the_akka_loglevel()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LogLevel:Default"] = "Warning",
            ["Console:LogLevel:Messaging.Actors.Stomp"] = "Debug",
        }).Build();
        using var factory = LoggerFactory.Create(logging => logging.AddConfiguration(configuration).AddConsole());

        Assert.Equal(Akka.Event.LogLevel.DebugLevel, AkkaSetup.LevelFor(factory, configuration));
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

    private static Task<RecordingLoggerProvider.LogEntry> EventuallyLogged(RecordingLoggerProvider log, Func<RecordingLoggerProvider.LogEntry, bool> match) =>
        Eventually(() => log.Entries.FirstOrDefault(match),
            () => string.Join(" | ", log.Entries.Select(entry => $"{entry.Category} {entry.Level}: {entry.Message}")));

    private static async Task<T> Eventually<T>(Func<T?> found, Func<string>? logged = null) where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (found() is { } result)
                return result;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"nothing such logged within 10 s; logged: {logged?.Invoke()}");
    }

    /// <summary>Logs one error with its cause and a named placeholder as it starts.</summary>
    private sealed class FailureLogger : ReceiveActor
    {
        public FailureLogger(Exception failure) =>
            Context.GetLogger().Error(failure, "Could not store {PersistenceId}", "conversation-7");
    }

    /// <summary>Writes each log call with the real JSON console formatter (<c>Logging__Console__FormatterName=json</c>) and keeps the lines.</summary>
    private sealed class JsonConsoleRecorder : ILoggerProvider
    {
        private readonly ServiceProvider _formatters = new ServiceCollection().AddLogging(logging => logging.AddJsonConsole()).BuildServiceProvider();
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines;

        public ILogger CreateLogger(string categoryName) =>
            new Writer(categoryName, _formatters.GetServices<ConsoleFormatter>().Single(formatter => formatter.Name == ConsoleFormatterNames.Json), _lines);

        public void Dispose() => _formatters.Dispose();

        private sealed class Writer(string category, ConsoleFormatter json, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                using var line = new StringWriter();
                json.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), null, line);
                lines.Enqueue(line.ToString());
            }
        }
    }
}
