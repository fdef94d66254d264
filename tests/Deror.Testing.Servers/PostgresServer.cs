using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Deror.Testing.Servers;

/// <summary>
/// A private PostgreSQL server in a temp directory on a free loopback port, with trust authentication. The test
/// classes share one through <see cref="PostgresServerFixture"/>; fault tests can start their own with
/// <see cref="StartNew"/> and <see cref="Restart"/> it. Missing binaries fail the tests, never skip them.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private const string SuperUser = "postgres";

    private const string RootPrefix = "deror-pg-";

    // The id of the test process that owns a server, so a later run can tell an orphan from a live neighbour's server.
    private const string OwnerFile = "owner.pid";

    private readonly string _rootDirectory;
    private readonly string _dataDirectory;
    private readonly string _socketDirectory;
    private readonly string _logFile;
    private readonly object _lifecycle = new();
    private bool _disposed;

    private PostgresServer(string binDirectory)
    {
        BinDirectory = binDirectory;
        _rootDirectory = Path.Combine(Path.GetTempPath(), $"{RootPrefix}{Guid.NewGuid():N}");
        _dataDirectory = Path.Combine(_rootDirectory, "data");
        _socketDirectory = Path.Combine(_rootDirectory, "socket");
        _logFile = Path.Combine(_rootDirectory, "server.log");
        Port = FreePort();
    }

    /// <summary>Where the server binaries are: $DEROR_POSTGRES_BIN, or Debian's postgresql-15 package.</summary>
    public static string DefaultBinDirectory => Environment.GetEnvironmentVariable("DEROR_POSTGRES_BIN") is { Length: > 0 } configured
        ? configured
        : "/usr/lib/postgresql/15/bin";

    public string BinDirectory { get; }

    public int Port { get; }

    /// <summary>The temp directory holding the data directory, socket and server log; deleted on dispose.</summary>
    public string RootDirectory => _rootDirectory;

    /// <summary>A connection string for <paramref name="database"/> as the superuser over loopback TCP.</summary>
    public string ConnectionString(string database = "postgres")
        => new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = SuperUser, Database = database, Timeout = 30 }.ConnectionString;

    /// <summary>
    /// Initializes a data directory and starts a server on it; stopped and deleted on dispose, or at process exit
    /// as a fallback (the test host may be killed before exit handlers finish, so dispose is the reliable path).
    /// </summary>
    public static PostgresServer StartNew() => StartNew(DefaultBinDirectory);

    /// <inheritdoc cref="StartNew()"/>
    public static PostgresServer StartNew(string binDirectory)
    {
        if (!File.Exists(Path.Combine(binDirectory, "initdb")) || !File.Exists(Path.Combine(binDirectory, "pg_ctl")))
        {
            throw new InvalidOperationException(
                $"The PostgreSQL tests need the PostgreSQL 15 server binaries (initdb, pg_ctl) in {binDirectory}, and they are missing. " +
                "Run scripts/install-test-dependencies.sh (Debian package postgresql-15), or set DEROR_POSTGRES_BIN to their directory.");
        }
        RemoveServersOfDeadTestRuns(binDirectory);
        var server = new PostgresServer(binDirectory);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        try
        {
            server.Initialize();
            server.Start();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Creates <paramref name="database"/> unless it exists; returns its connection string.</summary>
    public string EnsureDatabase(string database)
    {
        using var connection = new NpgsqlConnection(ConnectionString());
        connection.Open();
        using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name;", connection);
        exists.Parameters.AddWithValue("name", database);
        if (exists.ExecuteScalar() is null)
        {
            // CREATE DATABASE takes no parameters; the name is quoted as an identifier.
            using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\";", connection);
            create.ExecuteNonQuery();
        }
        return ConnectionString(database);
    }

    /// <summary>Stops the server and starts it again on the same data directory and port (for fault tests).</summary>
    public void Restart()
    {
        lock (_lifecycle)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Stop();
            Start();
        }
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
            try
            {
                if (Directory.Exists(_dataDirectory))
                {
                    Stop();
                }
            }
            finally
            {
                if (Directory.Exists(_rootDirectory))
                {
                    Directory.Delete(_rootDirectory, recursive: true);
                }
            }
        }
    }

    /// <summary>
    /// Stops and deletes servers whose test process died without disposing them (e.g. killed by a hang timeout):
    /// pg_ctl daemonizes the server, so it would outlive its test run. Servers of live processes are left alone.
    /// </summary>
    private static void RemoveServersOfDeadTestRuns(string binDirectory)
    {
        foreach (var root in Directory.EnumerateDirectories(Path.GetTempPath(), RootPrefix + "*"))
        {
            var ownerFile = Path.Combine(root, OwnerFile);
            if (!File.Exists(ownerFile) || !int.TryParse(File.ReadAllText(ownerFile), out var owner) || IsRunning(owner))
            {
                continue;
            }
            var dataDirectory = Path.Combine(root, "data");
            if (File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
            {
                TryRun(Path.Combine(binDirectory, "pg_ctl"), ["-D", dataDirectory, "-m", "immediate", "-w", "-t", "30", "stop"], out _);
            }
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Another test run is sweeping it at the same time, or it belongs to another user.
            }
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private void Initialize()
    {
        Directory.CreateDirectory(_rootDirectory);
        File.WriteAllText(Path.Combine(_rootDirectory, OwnerFile), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(_dataDirectory);
        Directory.CreateDirectory(_socketDirectory);
        if (RunsAsRoot)
        {
            // PostgreSQL refuses to run as root: the server runs as the postgres user, which must own its directories.
            Run("chown", ["-R", $"{SuperUser}:{SuperUser}", _rootDirectory], asPostgres: false);
        }
        Run(Path.Combine(BinDirectory, "initdb"), ["-D", _dataDirectory, "-U", SuperUser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"]);
    }

    private void Start()
    {
        // fsync off and no synchronous commit: a test server need not survive a power loss.
        var serverOptions = string.Join(' ',
            $"-p {Port}",
            "-c listen_addresses=127.0.0.1",
            $"-k {_socketDirectory}",
            "-c fsync=off",
            "-c synchronous_commit=off",
            "-c full_page_writes=off",
            "-c max_connections=300");
        Run(Path.Combine(BinDirectory, "pg_ctl"), ["-D", _dataDirectory, "-l", _logFile, "-o", serverOptions, "-w", "-t", "60", "start"]);
        WaitUntilAcceptingConnections();
    }

    private void Stop()
    {
        // Fast shutdown disconnects clients; pooled connections would otherwise fail later with a confusing error.
        NpgsqlConnection.ClearAllPools();
        var stopped = TryRun(Path.Combine(BinDirectory, "pg_ctl"), ["-D", _dataDirectory, "-m", "fast", "-w", "-t", "30", "stop"], out _);
        if (!stopped && ReadPostmasterPid() is { } pid)
        {
            try
            {
                using var postmaster = Process.GetProcessById(pid);
                postmaster.Kill(entireProcessTree: true);
                postmaster.WaitForExit(10_000);
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
            File.Delete(Path.Combine(_dataDirectory, "postmaster.pid"));
        }
    }

    private void WaitUntilAcceptingConnections()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false");
                connection.Open();
                return;
            }
            catch (NpgsqlException) when (deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                Thread.Sleep(100);
            }
            catch (NpgsqlException exception)
            {
                throw new InvalidOperationException($"PostgreSQL on port {Port} did not accept connections within 30 s. Server log:\n{ServerLogTail()}", exception);
            }
        }
    }

    private int? ReadPostmasterPid()
    {
        var pidFile = Path.Combine(_dataDirectory, "postmaster.pid");
        return File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid) ? pid : null;
    }

    private string ServerLogTail()
        => File.Exists(_logFile) ? string.Join('\n', File.ReadLines(_logFile).TakeLast(30)) : "(no server log)";

    private void Run(string program, IReadOnlyList<string> arguments, bool asPostgres = true)
    {
        if (!TryRun(program, arguments, out var output, asPostgres))
        {
            throw new InvalidOperationException($"'{Path.GetFileName(program)} {string.Join(' ', arguments)}' failed:\n{output}\nServer log:\n{ServerLogTail()}");
        }
    }

    private static bool TryRun(string program, IReadOnlyList<string> arguments, out string output, bool asPostgres = true)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres && RunsAsRoot)
        {
            start.FileName = "runuser";
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add(SuperUser);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(program);
        }
        else
        {
            start.FileName = program;
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        // pg_ctl start leaves the server holding inherited pipes, so read to the process's exit, not to end of stream.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            output = "timed out after 120 s";
            return false;
        }
        Task.WaitAll([stdout, stderr], TimeSpan.FromSeconds(5));
        output = (stdout.IsCompleted ? stdout.Result : "") + (stderr.IsCompleted ? stderr.Result : "");
        return process.ExitCode == 0;
    }

    private static bool RunsAsRoot => Environment.UserName == "root";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
