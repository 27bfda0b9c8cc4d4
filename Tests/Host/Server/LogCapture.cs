using Microsoft.Extensions.Logging;

namespace VaeCreative.Tests.Host.Server;

/// <summary>A logger provider that keeps every entry the host writes, for tests that count log lines.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly List<Entry> entries = [];

    public sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception);

    public IReadOnlyList<Entry> Entries
    {
        get { lock (entries) return entries.ToList(); }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            lock (owner.entries) owner.entries.Add(new Entry(category, logLevel, formatter(state, exception), exception));
        }
    }
}
