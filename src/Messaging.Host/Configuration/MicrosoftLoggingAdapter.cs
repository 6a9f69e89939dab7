using System.Collections;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.DependencyInjection;
using Akka.Dispatch;
using Akka.Event;
using Microsoft.Extensions.Logging;
using AkkaLogLevel = Akka.Event.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Messaging.Host.Configuration;

/// <summary>
/// The Akka logger that hands each log event to Microsoft.Extensions.Logging: under the category of the class that
/// logged it (<c>Messaging.Actors.Stomp.StompSession</c>, <c>Akka.Cluster.Cluster</c>), with a semantic message's
/// named placeholders as structured values beside its template (<c>{OriginalFormat}</c>), the actor (<c>LogSource</c>)
/// and the thread (<c>ThreadId</c>), and the event's exception. Akka.Hosting's own logger puts every event under one
/// category with Akka's text prefix and no structure the JSON console formatter can show.
/// </summary>
public sealed partial class MicrosoftLoggingAdapter : ActorBase, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly ILoggerFactory _loggerFactory = DependencyResolver.For(Context.System).Resolver.GetService<ILoggerFactory>();
    private readonly Dictionary<Type, ILogger> _loggersByClass = new();
    private readonly Dictionary<string, ILogger> _loggersByName = new();

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case LogEvent logEvent:
                Log(logEvent);
                return true;
            case InitializeLogger:
                Sender.Tell(new LoggerInitialized());
                return true;
            default:
                return false;
        }
    }

    private void Log(LogEvent logEvent)
    {
        var level = LevelOf(logEvent.LogLevel());
        var logger = LoggerFor(logEvent);
        if (logger.IsEnabled(level))
            logger.Log(level, default, new AkkaLogState(logEvent), logEvent.Cause, static (state, _) => state.ToString());
    }

    private ILogger LoggerFor(LogEvent logEvent)
    {
        if (logEvent.LogClass == typeof(DummyClassForStringSources))
            return LoggerFor(NamedSourceCategory(logEvent.LogSource));
        if (!_loggersByClass.TryGetValue(logEvent.LogClass, out var logger))
            _loggersByClass[logEvent.LogClass] = logger = _loggerFactory.CreateLogger(CategoryOf(logEvent.LogClass));
        return logger;
    }

    private ILogger LoggerFor(string category)
    {
        if (!_loggersByName.TryGetValue(category, out var logger))
            _loggersByName[category] = logger = _loggerFactory.CreateLogger(category);
        return logger;
    }

    /// <summary>A type's name as Microsoft.Extensions.Logging writes it for <c>ILogger&lt;T&gt;</c>: no generic arity, '.' between nested types.</summary>
    public static string CategoryOf(Type type) =>
        GenericArity().Replace((type.IsGenericType ? type.GetGenericTypeDefinition() : type).FullName ?? type.Name, "").Replace('+', '.');

    /// <summary>
    /// The category of an event logged under a name rather than a class, which only Akka does (its remoting and cluster
    /// daemons: source <c>remoting (akka://messaging)</c> becomes <c>Akka.remoting</c>), so it stays under <c>Akka</c>.
    /// </summary>
    public static string NamedSourceCategory(string logSource)
    {
        var systemAddress = logSource.IndexOf(" (", StringComparison.Ordinal);
        return "Akka." + (systemAddress < 0 ? logSource : logSource[..systemAddress]);
    }

    public static LogLevel LevelOf(AkkaLogLevel level) => level switch
    {
        AkkaLogLevel.DebugLevel => LogLevel.Debug,
        AkkaLogLevel.InfoLevel => LogLevel.Information,
        AkkaLogLevel.WarningLevel => LogLevel.Warning,
        _ => LogLevel.Error,
    };

    [GeneratedRegex(@"`\d+")]
    private static partial Regex GenericArity();

    /// <summary>
    /// The structured values of one event, as the JSON console formatter and other providers enumerate them; the text is
    /// Akka's own rendering of the message, so a template Akka accepts never fails here.
    /// </summary>
    private sealed class AkkaLogState(LogEvent logEvent) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private const int ExtraProperties = 3;

        private readonly LogMessage? _semantic = logEvent.Message as LogMessage;
        private readonly object[] _values = logEvent.Message is LogMessage semantic ? semantic.Parameters().ToArray() : [];

        // A template with more placeholders than arguments (or the reverse) keeps only the pairs it has.
        public int Count => Math.Min(_semantic?.PropertyNames.Count ?? 0, _values.Length) + ExtraProperties;

        public KeyValuePair<string, object?> this[int index]
        {
            get
            {
                var placeholders = Count - ExtraProperties;
                if (index < placeholders)
                    return new(_semantic!.PropertyNames[index], _values[index]);
                return (index - placeholders) switch
                {
                    0 => new("LogSource", logEvent.LogSource),
                    1 => new("ThreadId", logEvent.Thread.ManagedThreadId),
                    2 => new("{OriginalFormat}", _semantic?.Format ?? logEvent.Message?.ToString()),
                    _ => throw new ArgumentOutOfRangeException(nameof(index)),
                };
            }
        }

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var index = 0; index < Count; index++)
                yield return this[index];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => logEvent.Message?.ToString() ?? "";
    }
}
