using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Deror.Client;

namespace Deror.Cli.LocalCluster;

/// <summary>The silo processes of a local cluster: started on free ports, ready once every silo is an active member, stopped by pid.</summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private readonly LocalClusterOptions _options;
    private readonly List<ChildProcess> _silos = [];

    private LocalCluster(LocalClusterOptions options)
    {
        _options = options;
    }

    public IReadOnlyList<ChildProcess> Silos => _silos;

    /// <summary>The first silo's HTTP API and dashboard.</summary>
    public Uri Dashboard => new($"http://127.0.0.1:{_options.HttpPort.ToString(CultureInfo.InvariantCulture)}/");

    public IReadOnlyList<string> Gateways
        => [.. Enumerable.Range(0, _options.Nodes).Select(i => "127.0.0.1:" + (_options.GatewayPort + i).ToString(CultureInfo.InvariantCulture))];

    /// <summary>Starts the silos and waits until all of them are active members; stops what it started if that fails.</summary>
    public static async Task<LocalCluster> StartAsync(LocalClusterOptions options, CancellationToken cancellationToken)
    {
        RequireFreePorts(options);
        Directory.CreateDirectory(options.DataDirectory);
        var cluster = new LocalCluster(options);
        try
        {
            for (var i = 0; i < options.Nodes; i++)
            {
                cluster.StartSilo(i);
            }
            await cluster.WaitUntilReadyAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.StopAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary>Completes with the first silo that exits, while the others may still run.</summary>
    public async Task<ChildProcess> AnyExitedAsync(IEnumerable<ChildProcess> running)
    {
        var exited = await Task.WhenAny(running.Select(async s =>
        {
            await s.Exited;
            return s;
        }));
        return await exited;
    }

    /// <summary>Stops every silo still running, all at once; returns those that had to be killed.</summary>
    public async Task<IReadOnlyList<ChildProcess>> StopAsync(CancellationToken force)
    {
        var stopped = await Task.WhenAll(_silos.Select(async s => (Silo: s, Graceful: await s.StopAsync(_options.StopTimeout, force))));
        return [.. stopped.Where(s => !s.Graceful).Select(s => s.Silo)];
    }

    private void StartSilo(int index)
    {
        var name = $"silo-{index + 1}";
        var arguments = new List<string>
        {
            _options.SiloPath,
            $"--Deror:ClusterId={_options.ClusterId}",
            $"--Deror:SiloName={name}",
            $"--Deror:SiloPort={_options.SiloPort + index}",
            $"--Deror:GatewayPort={_options.GatewayPort + index}",
            $"--Deror:Http:Port={_options.HttpPort + index}",
            "--Deror:Storage:Provider=Sqlite",
            $"--Deror:Storage:SqlitePath={_options.DatabasePath}",
        };
        if (_options.Token is { } token)
        {
            arguments.Add($"--Deror:Token={token}");
        }
        if (_options.WithExo)
        {
            arguments.AddRange(SidecarArguments(index));
        }
        _silos.Add(ChildProcess.Start(name, Dotnet, arguments, Path.Combine(_options.LogDirectory, name + ".log")));
    }

    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>The silo's sidecar settings (<c>Deror:Sidecar</c>): supervise one exo-sim, which finds the others through a shared directory.</summary>
    private IEnumerable<string> SidecarArguments(int index)
    {
        var node = LocalClusterOptions.NodeName(index);
        var home = _options.ExoHome(index);
        Directory.CreateDirectory(home);
        var exoPort = (_options.ExoPort + index).ToString(CultureInfo.InvariantCulture);
        string[] exo = [_options.ExoSimPath, "--api-port", exoPort, "--cluster-dir", _options.ExoClusterDirectory, "--friendly-name", node];
        yield return $"--Deror:Metadata:exo-node={node}";
        yield return $"--Deror:Sidecar:NodeName={node}";
        yield return $"--Deror:Sidecar:ExoApiUrl=http://127.0.0.1:{exoPort}/";
        yield return $"--Deror:Sidecar:Exo:Command={Dotnet}";
        for (var i = 0; i < exo.Length; i++)
        {
            yield return $"--Deror:Sidecar:Exo:Arguments:{i}={exo[i]}";
        }
        yield return $"--Deror:Sidecar:Exo:Environment:EXO_HOME={home}";
        yield return $"--Deror:Sidecar:Exo:PidFile={Path.Combine(home, "sidecar.pid")}";
        yield return $"--Deror:Sidecar:Exo:LogFile={Path.Combine(_options.LogDirectory, node + "-exo.log")}";
        if (_options.DockerSocket is { } socket)
        {
            yield return $"--Deror:Sidecar:Tasks:DockerSocket={socket}";
        }
        if (_options.ContainerNetwork is { } network)
        {
            yield return $"--Deror:Sidecar:Tasks:ContainerNetwork={network}";
        }
        for (var i = 0; i < _options.PythonHandlers.Count; i++)
        {
            yield return $"--Deror:PyHost:Handlers:{i}={_options.PythonHandlers[i]}";
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.StartTimeout);
        try
        {
            var settings = new DerorClientSettings { ClusterId = _options.ClusterId, ConnectTimeout = _options.StartTimeout, Token = _options.Token };
            foreach (var gateway in Gateways)
            {
                settings.Gateways.Add(gateway);
            }
            // Connecting races the silos' exits, so a silo that fails at start is reported at once, not after the timeout.
            using var watching = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
            var connecting = DerorClient.ConnectAsync(settings, deadline.Token);
            var watcher = ThrowOnExitAsync(watching.Token);
            if (await Task.WhenAny(connecting, watcher) == watcher)
            {
                await watcher;
            }
            await watching.CancelAsync();
            await using var client = await connecting;
            var list = client.GetGrain<IGatewayListGrain>(IGatewayListGrain.Key);
            while ((await list.GetGateways().WaitAsync(deadline.Token)).Count < _options.Nodes)
            {
                await ThrowIfAnyExitedAsync();
                await Task.Delay(PollInterval, deadline.Token);
            }
            await WaitUntilHttpReadyAsync(deadline.Token);
            if (_options.WithExo)
            {
                // Each sidecar reports its Exo node; all Healthy means the simulated Exo cluster has formed too.
                var cluster = new ClusterManager(client, _options.ClusterId);
                while ((await cluster.GetNodesAsync().WaitAsync(deadline.Token)).Count(n => n.Status == Grains.NodeStatus.Healthy) < _options.Nodes)
                {
                    await ThrowIfAnyExitedAsync();
                    await Task.Delay(PollInterval, deadline.Token);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Failure, $"the cluster was not ready within {_options.StartTimeout.TotalSeconds:0} s (every silo active{(_options.WithExo ? ", every node Healthy" : "")}); see the logs in {_options.LogDirectory}.");
        }
        finally
        {
            await deadline.CancelAsync(); // ends a connection attempt still running after a silo failed
        }
    }

    /// <summary>Every silo's HTTP API answers <c>/readyz</c> (the silo is Active) with 200.</summary>
    private async Task WaitUntilHttpReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < _options.Nodes; i++)
        {
            var readyz = new Uri($"http://127.0.0.1:{(_options.HttpPort + i).ToString(CultureInfo.InvariantCulture)}/readyz");
            while (!await IsOkAsync(http, readyz, cancellationToken))
            {
                await ThrowIfAnyExitedAsync();
                await Task.Delay(PollInterval, cancellationToken);
            }
        }
    }

    private static async Task<bool> IsOkAsync(HttpClient http, Uri uri, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(uri, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false; // not listening yet
        }
    }

    private async Task ThrowOnExitAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await ThrowIfAnyExitedAsync();
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private async Task ThrowIfAnyExitedAsync()
    {
        if (_silos.FirstOrDefault(s => s.HasExited) is { } exited)
        {
            var tail = await exited.LogTailAsync(1);
            throw new CliException(ExitCodes.Failure, $"{exited.Name} (pid {exited.Pid}) exited with code {exited.ExitCode} while starting: {tail} (log: {exited.LogPath})");
        }
    }

    private static void RequireFreePorts(LocalClusterOptions options)
    {
        for (var i = 0; i < options.Nodes; i++)
        {
            foreach (var (port, what) in options.PortsOf(i))
            {
                try
                {
                    using var probe = new TcpListener(IPAddress.Any, port);
                    probe.Start();
                }
                catch (SocketException)
                {
                    throw new CliException(ExitCodes.Failure, $"port {port} ({what} of silo-{i + 1}) is in use: is a cluster already running? Pick other ports with --gateway-port / --silo-port.");
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }
    }
}
