using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Deror.Testing.Servers;

/// <summary>
/// A private Docker engine in a temp directory: its own containerd (Debian's dockerd would otherwise use the system's
/// <c>/run/containerd/containerd.sock</c> when one runs) and a dockerd on its own socket, data and exec roots, with vfs
/// storage and no bridge, iptables or proxy, so it touches nothing of the host's. Containers must use network mode
/// <c>none</c> (or <c>host</c>). The image <see cref="BusyboxImage"/> is imported at start. Dispose stops dockerd
/// (which stops its containers), then containerd, kills by PID whatever is left, and deletes the directory; a test
/// process killed before that leaves an orphan that the next start sweeps away. Needs root; missing programs fail
/// the tests, never skip them.
/// </summary>
public sealed class DockerEngine : IDisposable
{
    /// <summary>The busybox image every engine holds: <c>sh</c>, <c>echo</c>, <c>sleep</c>, <c>cat</c>, <c>true</c>...</summary>
    public const string BusyboxImage = "deror-busybox:latest";

    private const string RootPrefix = "deror-dockerd-";

    // The id of the test process that owns an engine, so a later run can tell an orphan from a live neighbour's engine.
    private const string OwnerFile = "owner.pid";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(20);

    private readonly object _lifecycle = new();
    private Process? _containerd;
    private Process? _dockerd;
    private bool _disposed;

    private DockerEngine(DockerEngineBinaries binaries, string rootDirectory)
    {
        Binaries = binaries;
        RootDirectory = rootDirectory;
    }

    public DockerEngineBinaries Binaries { get; }

    /// <summary>The temp directory holding the sockets, data, state and logs; deleted on dispose.</summary>
    public string RootDirectory { get; }

    /// <summary>dockerd's API socket (short enough for a unix socket path).</summary>
    public string SocketPath => Path.Combine(RootDirectory, "docker.sock");

    /// <summary>The engine's address for the docker CLI and <c>DOCKER_HOST</c>.</summary>
    public string Host => "unix://" + SocketPath;

    private string ContainerdSocketPath => Path.Combine(RootDirectory, "containerd.sock");

    private string DockerdLog => Path.Combine(RootDirectory, "dockerd.log");

    private string ContainerdLog => Path.Combine(RootDirectory, "containerd.log");

    /// <summary>
    /// Starts containerd and dockerd, waits until the engine answers <c>/_ping</c> and imports <see cref="BusyboxImage"/>;
    /// stopped on dispose, or at process exit as a fallback (dispose is the reliable path).
    /// </summary>
    public static DockerEngine StartNew()
    {
        var binaries = DockerEngineBinaries.Find();
        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException($"A private dockerd needs root (it mounts and creates cgroups); the tests run as '{Environment.UserName}'.");
        }
        RemoveEnginesOfDeadTestRuns();
        var engine = new DockerEngine(binaries, Directory.CreateTempSubdirectory(RootPrefix).FullName);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => engine.Dispose();
        try
        {
            engine.Start();
            return engine;
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    /// <summary>A docker CLI invocation against this engine (its own CLI config directory, nothing read from ~/.docker).</summary>
    public ProcessStartInfo Cli(params IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Binaries.DockerCli)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["DOCKER_CONFIG"] = Path.Combine(RootDirectory, "cli") },
        };
        start.ArgumentList.Add("--host");
        start.ArgumentList.Add(Host);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return start;
    }

    /// <summary>Runs the docker CLI to its end (stdin from <paramref name="input"/>); throws with its output when it fails.</summary>
    public string RunCli(IEnumerable<string> arguments, byte[]? input = null, TimeSpan? timeout = null)
    {
        var start = Cli(arguments);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Binaries.DockerCli}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.BaseStream.Write(input);
        }
        process.StandardInput.Close();
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'docker {string.Join(' ', start.ArgumentList.Skip(2))}' did not finish within {limit}.");
        }
        Task.WaitAll(stdout, stderr);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'docker {string.Join(' ', start.ArgumentList.Skip(2))}' exited with {process.ExitCode}:\n{stdout.Result}{stderr.Result}");
        }
        return stdout.Result;
    }

    public void Dispose()
    {
        lock (_lifecycle)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            // Containers first (dockerd would give each its stop timeout), then dockerd, then containerd, which then
            // has nothing left to run; whatever still runs after that is killed by PID.
            DockerEngineProcesses.KillContainers(RootDirectory);
            if (_dockerd is not null)
            {
                DockerEngineProcesses.Terminate(_dockerd, StopGrace);
                _dockerd.Dispose();
            }
            if (_containerd is not null)
            {
                DockerEngineProcesses.Terminate(_containerd, StopGrace);
                _containerd.Dispose();
            }
            DockerEngineProcesses.KillAllUnder(RootDirectory);
            DeleteDirectory(RootDirectory);
        }
    }

    private void Start()
    {
        File.WriteAllText(Path.Combine(RootDirectory, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var containerdConfig = Path.Combine(RootDirectory, "containerd.toml");
        File.WriteAllText(containerdConfig, ContainerdConfig());
        _containerd = StartLogged(Binaries.Containerd, ["--config", containerdConfig], ContainerdLog);
        WaitUntil(() => AcceptsConnections(ContainerdSocketPath), _containerd, "containerd", $"accept connections on {ContainerdSocketPath}", ContainerdLog);

        // An empty daemon.json: nothing from /etc/docker/daemon.json applies.
        var daemonConfig = Path.Combine(RootDirectory, "daemon.json");
        File.WriteAllText(daemonConfig, "{}");
        _dockerd = StartLogged(Binaries.Dockerd,
        [
            "--config-file", daemonConfig,
            "--host", Host,
            "--data-root", Path.Combine(RootDirectory, "data"),
            "--exec-root", Path.Combine(RootDirectory, "exec"),
            "--pidfile", Path.Combine(RootDirectory, "dockerd.pid"),
            "--containerd", ContainerdSocketPath,
            "--storage-driver", "vfs",
            "--bridge", "none",
            "--iptables=false",
            "--ip6tables=false",
            "--ip-masq=false",
            "--userland-proxy=false",
            "--log-level", "warn",
        ], DockerdLog);
        WaitUntil(AnswersPing, _dockerd, "dockerd", $"answer /_ping on {SocketPath}", DockerdLog);

        RunCli(["import", "-", BusyboxImage], DockerEngineBusyboxImage.BuildRootFilesystem(Binaries.Busybox));
    }

    private string ContainerdConfig()
    {
        static string Quote(string path) => "\"" + path.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        var state = Path.Combine(RootDirectory, "containerd");
        // The CRI plugin is Kubernetes's; dockerd does not use it, and it would look for CNI configuration on the host.
        return $"""
            version = 2
            root = {Quote(Path.Combine(state, "root"))}
            state = {Quote(Path.Combine(state, "state"))}
            disabled_plugins = ["io.containerd.grpc.v1.cri"]

            [grpc]
              address = {Quote(ContainerdSocketPath)}

            [debug]
              level = "warn"

            [plugins."io.containerd.internal.v1.opt"]
              path = {Quote(Path.Combine(state, "opt"))}
            """;
    }

    private static Process StartLogged(string program, IReadOnlyList<string> arguments, string logFile)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var log = new FileStream(logFile, FileMode.Create, FileAccess.Write, FileShare.ReadWrite, 4096, FileOptions.Asynchronous);
        var gate = new SemaphoreSlim(1, 1);
        // Both streams into one file, one chunk at a time; the file closes when both have ended (the process exited).
        async Task Pump(Stream source)
        {
            var buffer = new byte[4096];
            int read;
            while ((read = await source.ReadAsync(buffer)) > 0)
            {
                await gate.WaitAsync();
                try
                {
                    await log.WriteAsync(buffer.AsMemory(0, read));
                    await log.FlushAsync();
                }
                finally
                {
                    gate.Release();
                }
            }
        }
        _ = Task.WhenAll(Pump(process.StandardOutput.BaseStream), Pump(process.StandardError.BaseStream))
            .ContinueWith(_ => { log.Dispose(); gate.Dispose(); }, TaskScheduler.Default);
        return process;
    }

    private static void WaitUntil(Func<bool> ready, Process process, string name, string what, string logFile)
    {
        var deadline = Stopwatch.StartNew();
        while (!ready())
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with code {process.ExitCode} before it could {what}. Its log:\n{LogTail(logFile)}");
            }
            if (deadline.Elapsed > StartTimeout)
            {
                throw new InvalidOperationException($"{name} (pid {process.Id}) did not {what} within {StartTimeout}. Its log:\n{LogTail(logFile)}");
            }
            Thread.Sleep(50);
        }
    }

    private static bool AcceptsConnections(string socketPath)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A bare HTTP/1.0 <c>GET /_ping</c> on the socket: the engine is up when it answers 200 OK.</summary>
    private bool AnswersPing()
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { ReceiveTimeout = 2000, SendTimeout = 2000 };
            socket.Connect(new UnixDomainSocketEndPoint(SocketPath));
            socket.Send("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"u8);
            var response = new StringBuilder();
            var buffer = new byte[1024];
            int read;
            while ((read = socket.Receive(buffer)) > 0)
            {
                response.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
            var text = response.ToString();
            return text.StartsWith("HTTP/1.", StringComparison.Ordinal) && text.Contains(" 200 ", StringComparison.Ordinal) && text.EndsWith("OK", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// Kills and deletes engines whose test process died without disposing them (e.g. killed by a hang timeout):
    /// their dockerd and containerd outlive it. Engines of live processes are left alone.
    /// </summary>
    private static void RemoveEnginesOfDeadTestRuns()
    {
        foreach (var root in Directory.EnumerateDirectories(Path.GetTempPath(), RootPrefix + "*"))
        {
            var ownerFile = Path.Combine(root, OwnerFile);
            if (File.Exists(ownerFile) && int.TryParse(File.ReadAllText(ownerFile), out var owner) && DockerEngineProcesses.IsRunning(owner))
            {
                continue;
            }
            // A directory without an owner file is an engine still being created, unless it is old.
            if (!File.Exists(ownerFile) && Directory.GetCreationTimeUtc(root) > DateTime.UtcNow - TimeSpan.FromMinutes(10))
            {
                continue;
            }
            DockerEngineProcesses.KillAllUnder(root);
            DeleteDirectory(root);
        }
    }

    private static void DeleteDirectory(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Another test run is sweeping it at the same time; a leftover temp directory is harmless.
        }
    }

    private static string LogTail(string logFile)
    {
        try
        {
            using var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return string.Join('\n', reader.ReadToEnd().Split('\n').TakeLast(30));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }
}
