using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Messaging.Host.Tests.Hostile;

/// <summary>Keeps what the host logs (above the host's configured levels), so a test can say how a failure was reported.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, _entries);

    public void Dispose()
    {
    }

    /// <summary>One log call; <paramref name="Properties"/> are its structured values (a template's named placeholders among them).</summary>
    public sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception, IReadOnlyDictionary<string, object?> Properties);

    private sealed class Recorder(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), exception,
                state is IEnumerable<KeyValuePair<string, object?>> properties
                    ? properties.GroupBy(property => property.Key).ToDictionary(group => group.Key, group => group.Last().Value)
                    : new Dictionary<string, object?>()));
    }
}
