using System.Globalization;
using Deror.Client;
using Deror.Persistence.Sqlite;
using Deror.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace Deror.Benchmarks.Processes;

/// <summary>
/// Real Deror.Silo processes sharing one SQLite file in a temporary directory, with default membership options.
/// Each silo slot keeps its ports across restarts (a restart is a new generation at the same endpoint).
/// The membership table and grain directory are read straight from the store, as an operator would.
/// </summary>
public sealed class SiloProcessCluster : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("deror-bench-").FullName;
    private readonly string _logDirectory;
    private readonly (int Silo, int Gateway)[] _ports;
    private readonly SiloProcess?[] _silos;
    private readonly List<SiloProcess> _everStarted = [];

    public SiloProcessCluster(string clusterId, int siloCount, string logDirectory)
    {
        ClusterId = clusterId;
        _logDirectory = logDirectory;
        Directory.CreateDirectory(logDirectory);
        _ports = Enumerable.Range(0, siloCount).Select(_ => (FreePort.Next(), FreePort.Next())).ToArray();
        _silos = new SiloProcess?[siloCount];
        var storage = new SqliteStorageOptions { DatabasePath = Path.Combine(_directory, "cluster.db") };
        MembershipTable = new SqliteMembershipTable(storage, clusterId, NullLoggerFactory.Instance);
        GrainDirectory = new SqliteGrainDirectory(storage, clusterId, NullLoggerFactory.Instance);
    }

    public string ClusterId { get; }

    public int SiloCount => _silos.Length;

    public SqliteMembershipTable MembershipTable { get; }

    public SqliteGrainDirectory GrainDirectory { get; }

    public IEnumerable<SiloProcess> Running => _silos.OfType<SiloProcess>().Where(s => !s.HasExited);

    public void Start(int slot)
    {
        var (siloPort, gatewayPort) = _ports[slot];
        var process = SiloProcess.Start(
            _directory,
            Path.Combine(_logDirectory, $"silo-{slot}.log"),
            [
                $"--Deror:ClusterId={ClusterId}",
                $"--Deror:SiloPort={siloPort.ToString(CultureInfo.InvariantCulture)}",
                $"--Deror:GatewayPort={gatewayPort.ToString(CultureInfo.InvariantCulture)}",
                $"--Deror:Storage:SqlitePath={Path.Combine(_directory, "cluster.db")}",
            ]);
        _silos[slot] = process;
        _everStarted.Add(process);
    }

    public async Task StartAllAsync()
    {
        for (var slot = 0; slot < SiloCount; slot++)
        {
            Start(slot);
        }
        await WaitForActiveAsync(SiloCount, TimeSpan.FromSeconds(60));
    }

    public SiloProcess this[int slot] => _silos[slot] ?? throw new InvalidOperationException($"Silo slot {slot} was never started.");

    /// <summary>The membership row of the silo now serving <paramref name="slot"/> (the newest generation at its port).</summary>
    public async Task<SiloAddress> CurrentAddressAsync(int slot)
        => (await MembershipTable.ReadAllAsync()).Rows
            .Select(r => r.Entry.SiloAddress)
            .Where(a => a.Endpoint.Port == _ports[slot].Silo)
            .MaxBy(a => a.Generation)
            ?? throw new InvalidOperationException($"No membership row for silo slot {slot}.");

    public async Task WaitForActiveAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var active = (await MembershipTable.ReadAllAsync()).Rows.Count(r => r.Entry.Status == SiloStatus.Active);
            if (active == count)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{active} active silo(s) after {timeout.TotalSeconds} s, expected {count}.");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>A client that knows every slot's gateway.</summary>
    public Task<DerorClient> ConnectClientAsync()
    {
        var settings = new DerorClientSettings { ClusterId = ClusterId };
        foreach (var (_, gateway) in _ports)
        {
            settings.Gateways.Add($"127.0.0.1:{gateway}");
        }
        return DerorClient.ConnectAsync(settings);
    }

    public void Dispose()
    {
        foreach (var silo in _everStarted)
        {
            silo.Dispose();
        }
        MembershipTable.Dispose();
        GrainDirectory.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
