using Deror.Agent.Posix;
using Deror.Grains;
using Microsoft.Extensions.Logging;

namespace Deror.Agent.Supervision;

/// <summary>
/// Runs the local Exo: adopts the one named by the PID file or starts one in its own process group, restarts it
/// with backoff when it exits or stops answering, stops it gracefully (SIGINT → SIGTERM → SIGKILL). One loop owns
/// the process; requests from the probe and directive loops only set flags and wake it.
/// </summary>
public sealed partial class ExoSupervisor : IExoProcess, IAsyncDisposable
{
    private readonly ExoSupervisorOptions _options;
    private readonly ILogger<ExoSupervisor> _logger;
    private readonly TimeProvider _clock;
    private readonly PidFile? _pidFile;
    private readonly RestartBackoff _backoff;
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _shutdown = new();

    private TaskCompletionSource _wake = NewSignal();
    private TaskCompletionSource _stopped = NewSignal();
    private bool _wantRunning = true;
    private string? _restartReason;
    private IProcessHandle? _process;
    private bool _answered;
    private int _failedProbes;
    private ExoProcessStatus _status = ExoProcessStatus.Stopped;
    private Task _loop = Task.CompletedTask;
    private int _disposed;

    public ExoSupervisor(ExoSupervisorOptions options, ILogger<ExoSupervisor> logger, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger;
        _clock = clock;
        _pidFile = options.PidFile is { } path ? new PidFile(path) : null;
        _backoff = new RestartBackoff(options.RestartDelay, options.MaxRestartDelay, options.StableAfter);
    }

    public ExoProcessStatus Status
    {
        get
        {
            lock (_lock)
            {
                return _status;
            }
        }
    }

    public int? Pid
    {
        get
        {
            lock (_lock)
            {
                return _process?.Pid;
            }
        }
    }

    /// <summary>How many times Exo was restarted after a failure (not counting stops on purpose).</summary>
    public int Restarts { get; private set; }

    /// <summary>The arguments Exo is started with: the configured ones, then <c>--namespace</c> and <c>--force-master</c>.</summary>
    public static IReadOnlyList<string> ArgumentsFor(ExoSupervisorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var arguments = new List<string>(options.Arguments);
        if (options.Namespace is { } ns)
        {
            arguments.Add("--namespace");
            arguments.Add(ns);
        }
        if (options.ForceMaster)
        {
            arguments.Add("--force-master");
        }
        return arguments;
    }

    /// <summary>Starts supervising: adopts or launches Exo in the background.</summary>
    public void Start() => _loop = Task.Run(() => SuperviseAsync(_shutdown.Token));

    /// <summary>
    /// Ends supervision for silo shutdown: stops Exo, or leaves it running for the next silo to adopt, per
    /// <see cref="ExoSupervisorOptions.OnSiloShutdown"/>.
    /// </summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        await _shutdown.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        IProcessHandle? process;
        lock (_lock)
        {
            process = _process;
        }
        if (process is null || process.Exited.IsCompleted)
        {
            SetStatus(ExoProcessStatus.Stopped, "silo shutdown");
            return;
        }
        if (_options.OnSiloShutdown == ExoShutdownPolicy.LeaveRunning)
        {
            LogLeftRunning(_logger, process.Pid);
            return;
        }
        await StopProcessAsync(process, "silo shutdown", cancellationToken).ConfigureAwait(false);
        SetStatus(ExoProcessStatus.Stopped, "silo shutdown");
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _shutdown.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        (_process as IDisposable)?.Dispose();
        _shutdown.Dispose();
    }

    public void ReportProbe(bool answered)
    {
        lock (_lock)
        {
            if (_process is null || _status is not (ExoProcessStatus.Starting or ExoProcessStatus.Running))
            {
                return;
            }
            if (answered)
            {
                _answered = true;
                _failedProbes = 0;
                if (_status == ExoProcessStatus.Starting)
                {
                    _status = ExoProcessStatus.Running;
                    LogAnswering(_logger, _process.Pid);
                }
                return;
            }
            // Before its first answer Exo is still starting up; StartTimeout covers an Exo that never answers.
            if (_answered && ++_failedProbes >= _options.FailedProbesBeforeRestart && _restartReason is null)
            {
                _restartReason = $"{_failedProbes} liveness probes failed in a row";
                _wake.TrySetResult();
            }
        }
    }

    public void RequestRestart(string reason)
    {
        lock (_lock)
        {
            if (!_wantRunning || _restartReason is not null || _status is ExoProcessStatus.Restarting or ExoProcessStatus.Starting)
            {
                return;
            }
            _restartReason = reason;
            _wake.TrySetResult();
        }
    }

    public async Task StopExoAsync(string reason, CancellationToken cancellationToken)
    {
        Task stopped;
        lock (_lock)
        {
            if (_wantRunning)
            {
                _wantRunning = false;
                _stopped = NewSignal();
                LogStopRequested(_logger, reason);
                _wake.TrySetResult();
            }
            stopped = _stopped.Task;
        }
        await stopped.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void StartExo(string reason)
    {
        lock (_lock)
        {
            if (_wantRunning)
            {
                return;
            }
            _wantRunning = true;
            LogStartRequested(_logger, reason);
            _wake.TrySetResult();
        }
    }

    private async Task SuperviseAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Task wake;
            bool idle;
            lock (_lock)
            {
                wake = ResetWake();
                idle = !_wantRunning;
                if (idle)
                {
                    _status = ExoProcessStatus.Stopped;
                    _stopped.TrySetResult();
                }
            }
            if (idle)
            {
                await wake.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            IProcessHandle process;
            try
            {
                process = AdoptOrLaunch();
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
            {
                LogStartFailed(_logger, e, _options.Command);
                await BackOffAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var startedAt = _clock.GetTimestamp();
            var reason = await WatchAsync(process, cancellationToken).ConfigureAwait(false);
            if (reason is null)
            {
                return; // shutdown: ShutdownAsync decides what happens to the process
            }
            var uptime = _clock.GetElapsedTime(startedAt);
            if (!process.Exited.IsCompleted)
            {
                await StopProcessAsync(process, reason, CancellationToken.None).ConfigureAwait(false);
            }
            _pidFile?.DeleteIfOwnedBy(process.Pid);
            (process as IDisposable)?.Dispose();
            lock (_lock)
            {
                _process = null;
            }
            if (WantRunning)
            {
                Restarts++;
                await BackOffAsync(uptime, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private bool WantRunning
    {
        get
        {
            lock (_lock)
            {
                return _wantRunning;
            }
        }
    }

    private IProcessHandle AdoptOrLaunch()
    {
        if (_pidFile?.Read() is { } pid && AdoptedProcess.TryAdopt(pid) is { } adopted)
        {
            LogAdopted(_logger, pid, _pidFile.Path);
            return Track(adopted);
        }
        var launched = SessionProcess.Start(new ProcessLaunch
        {
            Command = _options.Command,
            Arguments = ArgumentsFor(_options),
            Environment = _options.Environment,
            WorkingDirectory = _options.WorkingDirectory,
            OutputFile = _options.LogFile,
        });
        _pidFile?.Write(launched.Pid);
        LogLaunched(_logger, launched.Pid, _options.Command);
        return Track(launched);
    }

    private IProcessHandle Track(IProcessHandle process)
    {
        lock (_lock)
        {
            _process = process;
            _answered = false;
            _failedProbes = 0;
            _restartReason = null;
            _status = ExoProcessStatus.Starting;
        }
        return process;
    }

    /// <summary>Waits until the process must go: it exited, a restart or stop was asked for, or it never answered. Null on shutdown.</summary>
    private async Task<string?> WatchAsync(IProcessHandle process, CancellationToken cancellationToken)
    {
        var shutdown = Task.Delay(Timeout.InfiniteTimeSpan, _clock, cancellationToken);
        var startTimeout = Task.Delay(_options.StartTimeout, _clock, cancellationToken);
        while (true)
        {
            Task wake;
            bool answered;
            lock (_lock)
            {
                wake = ResetWake();
                answered = _answered;
                if (_restartReason is { } restart)
                {
                    _restartReason = null;
                    _status = ExoProcessStatus.Restarting;
                    LogRestarting(_logger, process.Pid, restart);
                    return restart;
                }
                if (!_wantRunning)
                {
                    return "stop requested";
                }
                // The timer itself decides: it may fire a hair before the elapsed time reads StartTimeout, and the
                // wait below no longer includes it once it has fired.
                if (!answered && startTimeout.IsCompletedSuccessfully)
                {
                    var reason = $"no answer within the start timeout of {_options.StartTimeout.TotalSeconds:0.#} s";
                    _status = ExoProcessStatus.Restarting;
                    LogRestarting(_logger, process.Pid, reason);
                    return reason;
                }
            }
            if (process.Exited.IsCompleted)
            {
                var code = process is SessionProcess own ? own.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown";
                SetStatus(ExoProcessStatus.Restarting, "exited");
                LogExited(_logger, process.Pid, code);
                return $"exited with code {code}";
            }
            // The start timeout only matters until the first answer (and fires once).
            await (answered || startTimeout.IsCompleted
                ? Task.WhenAny(process.Exited, wake, shutdown)
                : Task.WhenAny(process.Exited, wake, shutdown, startTimeout)).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }
    }

    private async Task BackOffAsync(TimeSpan uptime, CancellationToken cancellationToken)
    {
        var delay = _backoff.Next(uptime);
        Task wake;
        lock (_lock)
        {
            _status = ExoProcessStatus.Restarting;
            wake = ResetWake();
        }
        LogBackingOff(_logger, delay.TotalSeconds);
        // A stop request ends the wait early; a restart request during the wait changes nothing.
        var delayTask = Task.Delay(delay, _clock, cancellationToken);
        while (!delayTask.IsCompleted)
        {
            await Task.WhenAny(delayTask, wake).ConfigureAwait(false);
            lock (_lock)
            {
                if (!_wantRunning)
                {
                    return;
                }
                _restartReason = null;
                wake = ResetWake();
            }
        }
    }

    private async Task StopProcessAsync(IProcessHandle process, string reason, CancellationToken cancellationToken)
    {
        LogStopping(_logger, process.Pid, reason);
        var signal = await ProcessStopper.StopAsync(process, ProcessStopper.Graceful(_options.InterruptTimeout, _options.TerminateTimeout), cancellationToken).ConfigureAwait(false);
        _pidFile?.DeleteIfOwnedBy(process.Pid);
        LogStopped(_logger, process.Pid, signal?.ToString() ?? "none (already exited)");
    }

    private void SetStatus(ExoProcessStatus status, string reason)
    {
        lock (_lock)
        {
            _status = status;
        }
        LogStatus(_logger, status, reason);
    }

    // Called under _lock: a fresh wake signal, unless one is already pending (then it fires at once).
    private Task ResetWake()
    {
        if (_wake.Task.IsCompleted)
        {
            _wake = NewSignal();
        }
        return _wake.Task;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Information, Message = "Started Exo (pid {Pid}): {Command}")]
    private static partial void LogLaunched(ILogger logger, int pid, string command);

    [LoggerMessage(Level = LogLevel.Information, Message = "Adopted the running Exo (pid {Pid}) named in {PidFile}")]
    private static partial void LogAdopted(ILogger logger, int pid, string pidFile);

    [LoggerMessage(Level = LogLevel.Information, Message = "Exo (pid {Pid}) answers its liveness probe")]
    private static partial void LogAnswering(ILogger logger, int pid);

    [LoggerMessage(Level = LogLevel.Error, Message = "Starting Exo ('{Command}') failed")]
    private static partial void LogStartFailed(ILogger logger, Exception exception, string command);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Exo (pid {Pid}) exited with code {ExitCode}")]
    private static partial void LogExited(ILogger logger, int pid, string exitCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Restarting Exo (pid {Pid}): {Reason}")]
    private static partial void LogRestarting(ILogger logger, int pid, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Starting Exo again in {DelaySeconds:0.###} s")]
    private static partial void LogBackingOff(ILogger logger, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping Exo (pid {Pid}): {Reason}")]
    private static partial void LogStopping(ILogger logger, int pid, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Exo (pid {Pid}) stopped; last signal: {Signal}")]
    private static partial void LogStopped(ILogger logger, int pid, string signal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Exo stop requested: {Reason}")]
    private static partial void LogStopRequested(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Exo start requested: {Reason}")]
    private static partial void LogStartRequested(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Leaving Exo (pid {Pid}) running for the next silo to adopt")]
    private static partial void LogLeftRunning(ILogger logger, int pid);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Exo is {Status}: {Reason}")]
    private static partial void LogStatus(ILogger logger, ExoProcessStatus status, string reason);
}
