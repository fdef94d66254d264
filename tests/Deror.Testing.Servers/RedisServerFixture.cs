using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Deror.Persistence.Redis;
using Microsoft.Extensions.Logging.Abstractions;

namespace Deror.Testing.Servers;

/// <summary>
/// A private redis-server for the whole test run, started on first use on a free port in a temp directory with
/// AOF persistence on, shared by every Redis test class (each test isolates itself with its own service or cluster
/// id). It is killed and its directory deleted when the test process exits. Without redis-server the tests fail.
/// </summary>
public sealed class RedisServerFixture
{
    private static readonly Lazy<RedisServerFixture> SharedInstance = new(() => new RedisServerFixture());
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly string _executable;
    private readonly Lazy<RedisConnection> _connection;
    private Process _process;

    private RedisServerFixture()
    {
        _executable = FindExecutable();
        Directory = System.IO.Directory.CreateTempSubdirectory("deror-redis-tests-").FullName;
        Port = FreePort();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();
        _process = StartAndWait();
        _connection = new Lazy<RedisConnection>(() => new RedisConnection(new RedisStorageOptions { Configuration = Configuration }, NullLoggerFactory.Instance));
    }

    /// <summary>The run's server; the first call starts it (and throws, failing the test, if it cannot).</summary>
    public static RedisServerFixture Shared => SharedInstance.Value;

    public int Port { get; }

    public string Directory { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>One connection shared by the tests, as a silo shares one across its providers.</summary>
    public RedisConnection Connection => _connection.Value;

    /// <summary>A fresh id to key a test's data by, so tests sharing the server never see each other's keys.</summary>
    public static string UniqueId() => Guid.NewGuid().ToString("N");

    /// <summary>Stops the server gracefully (SIGTERM: it flushes the AOF) and starts it again on the same port and directory.</summary>
    public void Restart()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }
        if (!_process.WaitForExit(StartTimeout))
        {
            throw new TimeoutException($"redis-server (pid {_process.Id}) did not exit within {StartTimeout} of SIGTERM.");
        }
        _process.Dispose();
        _process = StartAndWait();
    }

    private Process StartAndWait()
    {
        var start = new ProcessStartInfo(_executable)
        {
            ArgumentList = { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", Directory, "--appendonly", "yes", "--save", "", "--daemonize", "no" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var output = new StringBuilder();
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {_executable}.");
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (!AnswersPing())
        {
            if (process.HasExited || deadline.Elapsed > StartTimeout)
            {
                Kill(process);
                throw new InvalidOperationException($"redis-server did not answer PING on port {Port} within {StartTimeout}. Its output:\n{Snapshot(output)}");
            }
            Thread.Sleep(50);
        }
        return process;
    }

    private bool AnswersPing()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            using var stream = client.GetStream();
            stream.ReadTimeout = 1000;
            stream.Write("PING\r\n"u8);
            var reply = new byte[7];
            var read = stream.Read(reply);
            return Encoding.ASCII.GetString(reply, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private void Stop()
    {
        Kill(_process);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort at exit: a leftover temp directory is harmless.
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill();
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private static string FindExecutable()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin")
            .Append("/usr/local/bin")
            .Select(directory => Path.Combine(directory, "redis-server"));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "redis-server was not found on PATH (nor in /usr/bin or /usr/local/bin). The Redis tests need it: run scripts/install-test-dependencies.sh (or apt-get install redis-server).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
