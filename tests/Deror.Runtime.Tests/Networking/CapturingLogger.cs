using Microsoft.Extensions.Logging;

namespace Deror.Runtime.Tests.Networking;

internal sealed record LogEntry(LogLevel Level, EventId EventId, string Message);

/// <summary>Records log entries and lets a test await one that matches.</summary>
internal sealed class CapturingLogger : ILogger
{
    private readonly Lock _gate = new();
    private readonly List<LogEntry> _entries = [];
    private readonly List<(Func<LogEntry, bool> Match, TaskCompletionSource<LogEntry> Found)> _waiters = [];

    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var entry = new LogEntry(logLevel, eventId, formatter(state, exception));
        lock (_gate)
        {
            _entries.Add(entry);
            _waiters.RemoveAll(waiter => waiter.Match(entry) && waiter.Found.TrySetResult(entry));
        }
    }

    public Task<LogEntry> WaitForAsync(Func<LogEntry, bool> match)
    {
        lock (_gate)
        {
            foreach (var entry in _entries)
            {
                if (match(entry))
                {
                    return Task.FromResult(entry);
                }
            }
            var found = new TaskCompletionSource<LogEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, found));
            return found.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }
}
