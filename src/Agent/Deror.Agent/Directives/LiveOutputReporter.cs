using System.Text;
using Deror.Agent.Execution;
using Microsoft.Extensions.Logging;

namespace Deror.Agent.Directives;

/// <summary>
/// Sends a running attempt's output to its task grain in batches: at most one <c>ReportOutput</c> per interval,
/// one in flight at a time, holding at most <c>maxChars</c> between sends (the newest; a note says how much was
/// dropped). Nothing is sent before <see cref="Start"/> (an attempt that ends quickly reports its output with its
/// end instead), and a failed send is not retried: the outcome carries the complete capture.
/// </summary>
internal sealed partial class LiveOutputReporter : ILiveOutput, IAsyncDisposable
{
    private readonly Func<string, Task> _send;
    private readonly TimeSpan _interval;
    private readonly int _maxChars;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private readonly StringBuilder _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private long _dropped;
    private Task _loop = Task.CompletedTask;

    public LiveOutputReporter(Func<string, Task> send, TimeSpan interval, int maxChars, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(send);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, 1);
        _send = send;
        _interval = interval;
        _maxChars = maxChars;
        _logger = logger;
    }

    public void Write(ReadOnlySpan<byte> utf8)
    {
        lock (_lock)
        {
            // One stateful decoder: a character split across two reads is completed by the second.
            var chars = new char[_decoder.GetCharCount(utf8, flush: false)];
            var count = _decoder.GetChars(utf8, chars, flush: false);
            _pending.Append(chars, 0, count);
            if (_pending.Length > _maxChars)
            {
                var excess = _pending.Length - _maxChars;
                _pending.Remove(0, excess);
                _dropped += excess;
            }
        }
    }

    /// <summary>Starts sending what was written (and what will be) every interval.</summary>
    public void Start() => _loop = Task.Run(SendLoopAsync);

    /// <summary>Stops sending; what is still pending is left to the outcome's complete capture.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task SendLoopAsync()
    {
        using var timer = new PeriodicTimer(_interval);
        while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
        {
            string text;
            lock (_lock)
            {
                if (_pending.Length == 0)
                {
                    continue;
                }
                text = (_dropped > 0 ? $"[live output: {_dropped} characters dropped]\n" : "") + _pending;
                _pending.Clear();
                _dropped = 0;
            }
            try
            {
                await _send(text).WaitAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSendFailed(_logger, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Live output not delivered (the final capture comes with the outcome): {Error}")]
    private static partial void LogSendFailed(ILogger logger, string error);
}
