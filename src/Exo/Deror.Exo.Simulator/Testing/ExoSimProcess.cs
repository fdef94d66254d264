using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Deror.Exo.Simulator.Testing;

/// <summary>How to start an exo-sim process for a test.</summary>
public sealed class ExoSimProcessOptions
{
    /// <summary>The discovery directory shared by the nodes of one simulated cluster (a test's temp dir).</summary>
    public required string ClusterDirectory { get; init; }

    /// <summary>EXO_HOME: where the PID lock lives; one per node.</summary>
    public required string ExoHome { get; init; }

    public string Namespace { get; init; } = "test";

    public bool ForceMaster { get; init; }

    public bool NoWorker { get; init; }

    /// <summary>OVERRIDE_MEMORY_MB; the simulator's default when null.</summary>
    public long? MemoryMb { get; init; }

    /// <summary>0 picks a free port.</summary>
    public int ApiPort { get; init; }

    /// <summary>More exo-sim arguments, e.g. <c>--election-ms 300</c>.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>How long to wait for <c>/node_id</c> to answer.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// An exo-sim process started with <c>dotnet exo-sim.dll</c>, its output captured, ready once <c>GET /node_id</c>
/// answers. Disposing kills it by PID if it still runs (resuming it first if it was stopped).
/// </summary>
public sealed class ExoSimProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan }; // each poll is bounded by the start deadline

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ExoSimProcess(Process process, int apiPort, ExoSimProcessOptions options)
    {
        _process = process;
        ApiPort = apiPort;
        Options = options;
        BaseAddress = new Uri($"http://127.0.0.1:{apiPort}/");
    }

    public ExoSimProcessOptions Options { get; }

    public int Pid => _process.Id;

    public int ApiPort { get; }

    public Uri BaseAddress { get; }

    /// <summary>The node id <c>/node_id</c> answered at start.</summary>
    public string NodeId { get; private set; } = "";

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote so far (stdout and stderr), for assertion messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the process and waits until its API answers; throws with its output if it exits or never answers.</summary>
    public static async Task<ExoSimProcess> StartAsync(ExoSimProcessOptions options, CancellationToken cancellationToken = default)
    {
        var process = Launch(options, out _);
        try
        {
            await process.WaitUntilServingAsync(cancellationToken);
            return process;
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts several processes at once (cold .NET starts one after another are slow on a busy machine); if any
    /// fails to serve, the others are killed and the first failure is thrown.
    /// </summary>
    public static async Task<IReadOnlyList<ExoSimProcess>> StartAllAsync(IReadOnlyList<ExoSimProcessOptions> options, CancellationToken cancellationToken = default)
    {
        var starting = options.Select(o => StartAsync(o, cancellationToken)).ToArray();
        try
        {
            return await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var start in starting.Where(t => t.IsCompletedSuccessfully))
            {
                await start.Result.DisposeAsync();
            }
            throw;
        }
    }

    /// <summary>Starts the process without waiting for its API (for processes expected to fail at start).</summary>
    public static ExoSimProcess Launch(ExoSimProcessOptions options, out int apiPort)
    {
        ArgumentNullException.ThrowIfNull(options);
        apiPort = options.ApiPort == 0 ? FreePort() : options.ApiPort;
        var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = options.ExoHome,
        };
        startInfo.ArgumentList.Add(typeof(ExoSimNode).Assembly.Location);
        foreach (var arg in Arguments(options, apiPort))
        {
            startInfo.ArgumentList.Add(arg);
        }
        // Only the options configure the node, whatever the developer's shell exports.
        startInfo.Environment.Remove("EXO_SIM_CLUSTER_DIR");
        startInfo.Environment.Remove("OVERRIDE_MEMORY_MB");
        startInfo.Environment["EXO_HOME"] = options.ExoHome;
        if (options.MemoryMb is { } memory)
        {
            startInfo.Environment["OVERRIDE_MEMORY_MB"] = memory.ToString(CultureInfo.InvariantCulture);
        }
        Directory.CreateDirectory(options.ExoHome);
        var sim = new ExoSimProcess(new Process { StartInfo = startInfo }, apiPort, options);
        sim._process.OutputDataReceived += (_, e) => sim.Append(e.Data);
        sim._process.ErrorDataReceived += (_, e) => sim.Append(e.Data);
        sim._process.Start();
        sim._process.BeginOutputReadLine();
        sim._process.BeginErrorReadLine();
        return sim;
    }

    /// <summary>Sends a signal by name (INT, TERM, KILL, STOP, CONT) to the process.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0 && !_process.HasExited)
        {
            throw new InvalidOperationException($"kill -{signal} {_process.Id} failed with exit code {kill.ExitCode}.");
        }
    }

    /// <summary>SIGKILL, then waits for the exit: no shutdown code runs, as in a crash.</summary>
    public async Task KillAsync()
    {
        await SignalAsync("KILL");
        await WaitForExitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Waits for the exit and returns the exit code; throws <see cref="TimeoutException"/> with the output if it does not exit.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"exo-sim (pid {_process.Id}) did not exit within {timeout.TotalSeconds} s. Output:\n{Output}");
        }
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await SignalAsync("CONT"); // a stopped process cannot die until it runs again
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private async Task WaitUntilServingAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Options.StartTimeout);
        try
        {
            while (!await TryReadNodeIdAsync(deadline.Token))
            {
                await Task.Delay(50, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"exo-sim (pid {_process.Id}) did not answer /node_id on port {ApiPort} within {Options.StartTimeout.TotalSeconds} s. Output:\n{Output}");
        }
    }

    private async Task<bool> TryReadNodeIdAsync(CancellationToken cancellationToken)
    {
        if (_process.HasExited)
        {
            _process.WaitForExit();
            throw new InvalidOperationException($"exo-sim exited with code {_process.ExitCode} before serving. Output:\n{Output}");
        }
        try
        {
            using var response = await Http.GetAsync(new Uri(BaseAddress, "node_id"), cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }
            NodeId = JsonSerializer.Deserialize<string>(await response.Content.ReadAsStringAsync(cancellationToken))!;
            return true;
        }
        catch (HttpRequestException)
        {
            return false; // not listening yet
        }
    }

    private static IEnumerable<string> Arguments(ExoSimProcessOptions options, int apiPort)
    {
        yield return "--api-port";
        yield return apiPort.ToString(CultureInfo.InvariantCulture);
        yield return "--namespace";
        yield return options.Namespace;
        yield return "--cluster-dir";
        yield return options.ClusterDirectory;
        if (options.ForceMaster)
        {
            yield return "--force-master";
        }
        if (options.NoWorker)
        {
            yield return "--no-worker";
        }
        foreach (var arg in options.ExtraArguments)
        {
            yield return arg;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
