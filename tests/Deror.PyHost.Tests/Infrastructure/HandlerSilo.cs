using System.Globalization;
using System.Reflection;
using Deror.Client;
using Deror.Grains;

namespace Deror.PyHost.Tests.Infrastructure;

/// <summary>
/// The real silo executable (Deror.Silo) with its sidecar supervising a real exo-sim process and
/// <c>Deror:PyHost:Handlers</c> naming a Python file; SQLite in a temp dir, free ports. Disposing stops the silo with
/// SIGTERM (its sidecar stops exo-sim) and kills what is left by PID.
/// </summary>
internal sealed class HandlerSilo : IAsyncDisposable
{
    public const string Node = "node-py";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly HostProcess _silo;
    private readonly string _exoPidFile;

    private HandlerSilo(HostProcess silo, string clusterId, int gatewayPort, string exoPidFile, string token)
    {
        _silo = silo;
        Token = token;
        ClusterId = clusterId;
        Gateway = $"127.0.0.1:{gatewayPort.ToString(CultureInfo.InvariantCulture)}";
        _exoPidFile = exoPidFile;
    }

    public string ClusterId { get; }

    public string Gateway { get; }

    /// <summary>The access token the silo's gateway requires (<c>Deror:Token</c>).</summary>
    public string Token { get; }

    public HostProcess Process => _silo;

    /// <summary>Starts the silo with <paramref name="handlers"/> as its Python handler file.</summary>
    public static HandlerSilo Start(TempDirectory directory, string handlers)
    {
        var clusterId = $"pyh-{Guid.NewGuid():N}"[..12];
        var gatewayPort = FreePort.Next();
        var exoPort = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        var home = Path.Combine(directory.Path, "exo-home");
        Directory.CreateDirectory(home);
        var pidFile = Path.Combine(home, "sidecar.pid");
        string[] exo = [Build("Exo", "Deror.Exo.Simulator", "exo-sim.dll"), "--api-port", exoPort, "--cluster-dir", Path.Combine(directory.Path, "exo-cluster"), "--election-ms", "200"];
        var token = $"token-{Guid.NewGuid():N}";
        List<string> args =
        [
            Build("Silo", "Deror.Silo", "Deror.Silo.dll"),
            $"--Deror:ClusterId={clusterId}",
            "--Deror:SiloPort=0",
            $"--Deror:GatewayPort={gatewayPort.ToString(CultureInfo.InvariantCulture)}",
            $"--Deror:Http:Port={FreePort.Next().ToString(CultureInfo.InvariantCulture)}",
            $"--Deror:Storage:SqlitePath={Path.Combine(directory.Path, "deror.db")}",
            $"--Deror:Metadata:exo-node={Node}",
            $"--Deror:Sidecar:NodeName={Node}",
            $"--Deror:Sidecar:ExoApiUrl=http://127.0.0.1:{exoPort}/",
            "--Deror:Sidecar:ProbePeriod=00:00:00.200",
            $"--Deror:Sidecar:Exo:Command={Dotnet}",
            $"--Deror:Sidecar:Exo:Environment:EXO_HOME={home}",
            $"--Deror:Sidecar:Exo:PidFile={pidFile}",
            $"--Deror:Sidecar:Exo:LogFile={Path.Combine(home, "exo.log")}",
            $"--Deror:PyHost:Handlers={handlers}",
            $"--Deror:Token={token}",
        ];
        args.AddRange(exo.Select((a, i) => $"--Deror:Sidecar:Exo:Arguments:{i.ToString(CultureInfo.InvariantCulture)}={a}"));
        return new HandlerSilo(HostProcess.Start(Dotnet, args, workingDirectory: directory.Path), clusterId, gatewayPort, pidFile, token);
    }

    /// <summary>Connects once the silo answers and waits until its node is Healthy (it takes tasks).</summary>
    public async Task<(DerorClient Client, ClusterManager Manager)> ConnectWhenHealthyAsync()
    {
        using var deadline = new CancellationTokenSource(StartTimeout);
        var settings = new DerorClientSettings { ClusterId = ClusterId, ConnectTimeout = StartTimeout, Token = Token };
        settings.Gateways.Add(Gateway);
        var connecting = DerorClient.ConnectAsync(settings, deadline.Token);
        while (!connecting.IsCompleted)
        {
            Assert.False(_silo.HasExited, $"The silo exited while starting.\n{_silo.Output}");
            await Task.WhenAny(connecting, Task.Delay(200));
        }
        var client = await connecting;
        var manager = new ClusterManager(client, ClusterId);
        while ((await manager.GetNodesAsync()).All(n => n.Name != Node || n.Status != NodeStatus.Healthy))
        {
            Assert.False(_silo.HasExited, $"The silo exited.\n{_silo.Output}");
            Assert.False(deadline.IsCancellationRequested, $"{Node} did not become Healthy within {StartTimeout.TotalSeconds} s.\n{_silo.Output}");
            await Task.Delay(200);
        }
        return (client, manager);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_silo.HasExited)
        {
            await _silo.SignalAsync("TERM");
            await _silo.WaitForExitAsync(TimeSpan.FromSeconds(60));
        }
        _silo.Dispose();
        // The sidecar stops exo-sim on shutdown; if the silo died first, exo-sim is ended here by its PID.
        if (File.Exists(_exoPidFile) && int.TryParse(File.ReadAllText(_exoPidFile).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
        {
            try
            {
                using var exo = System.Diagnostics.Process.GetProcessById(pid);
                exo.Kill(entireProcessTree: true);
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
    }

    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    /// <summary>A project's build output (same configuration as the tests).</summary>
    private static string Build(string area, string project, string file)
    {
        var configuration = typeof(HandlerSilo).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = Path.Combine(RepositoryPaths.Root, "src", area, project, "bin", configuration, "net10.0", file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{project} is not built: {path} is missing.", path);
    }
}
