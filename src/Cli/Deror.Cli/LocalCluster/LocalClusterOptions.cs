namespace Deror.Cli.LocalCluster;

/// <summary>What <c>deror up</c> starts: N silos on one machine sharing one SQLite file, on consecutive ports.</summary>
internal sealed class LocalClusterOptions
{
    public const int MaxNodes = 32;

    /// <summary>What the silos accept as a token (<c>Deror:Token</c>).</summary>
    public const int MinimumTokenLength = 16;

    public int Nodes { get; init; } = 3;

    public string ClusterId { get; init; } = "local";

    /// <summary>The first silo's client gateway; silo i uses <c>GatewayPort + i</c>.</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>The first silo's silo-to-silo port; silo i uses <c>SiloPort + i</c>.</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>The first silo's HTTP API and dashboard port; silo i uses <c>HttpPort + i</c>.</summary>
    public int HttpPort { get; init; } = 8080;

    /// <summary>Run each silo beside a simulated Exo node (exo-sim) its sidecar supervises; off: the silos alone.</summary>
    public bool WithExo { get; init; } = true;

    /// <summary>The first simulated Exo node's API port (Exo's own default); node i uses <c>ExoPort + i</c>.</summary>
    public int ExoPort { get; init; } = 52415;

    /// <summary>The Exo simulator to run (<c>exo-sim.dll</c>).</summary>
    public string ExoSimPath { get; init; } = "";

    /// <summary>The Docker engine the sidecars run container tasks on (a unix socket path); null: the silo's default.</summary>
    public string? DockerSocket { get; init; }

    /// <summary>The network container tasks join (e.g. <c>none</c>); null: the engine's default.</summary>
    public string? ContainerNetwork { get; init; }

    /// <summary>Python files (full paths) whose <c>@deror.task</c> handlers every silo runs (<c>Deror:PyHost:Handlers</c>); they need the sidecars.</summary>
    public IReadOnlyList<string> PythonHandlers { get; init; } = [];

    /// <summary>The token every silo requires (HTTP mutations and gateway clients); null: none (the silos stay on loopback).</summary>
    public string? Token { get; init; }

    /// <summary>Where the store (<c>local.db</c>) and the silos' logs go.</summary>
    public string DataDirectory { get; init; } = ".deror";

    /// <summary>The silo to run (<c>Deror.Silo.dll</c>).</summary>
    public required string SiloPath { get; init; }

    /// <summary>How long the silos get to start and join before <c>up</c> gives up.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>How long a silo gets to stop after SIGTERM before it is killed (the silo's own shutdown limit is 30 s).</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(40);

    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, "local.db"));

    public string LogDirectory => Path.GetFullPath(Path.Combine(DataDirectory, "logs"));

    /// <summary>The simulated Exo nodes find each other through this directory.</summary>
    public string ExoClusterDirectory => Path.GetFullPath(Path.Combine(DataDirectory, "exo-cluster"));

    /// <summary>Node i's Exo home (its PID file and lock).</summary>
    public string ExoHome(int index) => Path.GetFullPath(Path.Combine(DataDirectory, NodeName(index)));

    /// <summary>Deror's name for node i (the key of its node grain).</summary>
    public static string NodeName(int index) => $"node-{index + 1}";

    /// <summary>The ports silo i needs free, with what each is for.</summary>
    public IEnumerable<(int Port, string Use)> PortsOf(int index)
    {
        yield return (GatewayPort + index, "gateway port");
        yield return (SiloPort + index, "silo port");
        yield return (HttpPort + index, "HTTP port");
        if (WithExo)
        {
            yield return (ExoPort + index, "Exo API port");
        }
    }

    /// <summary>The problems with these settings, each naming the option; empty when they are fine.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Nodes is < 1 or > MaxNodes)
        {
            errors.Add($"--nodes must be between 1 and {MaxNodes} (was {Nodes}).");
        }
        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            errors.Add("--cluster must not be empty.");
        }
        CheckPorts(errors, "--gateway-port", GatewayPort);
        CheckPorts(errors, "--silo-port", SiloPort);
        CheckPorts(errors, "--http-port", HttpPort);
        if (WithExo)
        {
            CheckPorts(errors, "--exo-port", ExoPort);
        }
        var ports = Enumerable.Range(0, Nodes).SelectMany(PortsOf).Select(p => p.Port).ToList();
        if (ports.Distinct().Count() != ports.Count)
        {
            errors.Add($"the port ranges of --gateway-port {GatewayPort}, --silo-port {SiloPort}, --http-port {HttpPort}{(WithExo ? $" and --exo-port {ExoPort}" : "")} overlap for {Nodes} node(s).");
        }
        if (DockerSocket is not null && !Path.IsPathFullyQualified(DockerSocket))
        {
            errors.Add($"--docker-socket must be an absolute path to the engine's unix socket (was '{DockerSocket}').");
        }
        if (PythonHandlers.Count > 0 && !WithExo)
        {
            errors.Add("--python-handlers needs the sidecars, which run the handler tasks: drop --no-exo.");
        }
        foreach (var missing in PythonHandlers.Where(path => !File.Exists(path)))
        {
            errors.Add($"--python-handlers: {missing} does not exist.");
        }
        if (Token is { Length: < MinimumTokenLength })
        {
            errors.Add($"--token must be at least {MinimumTokenLength} characters long (the silos refuse shorter ones).");
        }
        if (!File.Exists(SiloPath))
        {
            errors.Add($"the silo is not built: {SiloPath} is missing (build src/Silo/Deror.Silo, or pass --silo-path).");
        }
        if (WithExo && !File.Exists(ExoSimPath))
        {
            errors.Add($"the Exo simulator is not built: {ExoSimPath} is missing (build src/Exo/Deror.Exo.Simulator, or pass --no-exo).");
        }
        return errors;
    }

    private void CheckPorts(List<string> errors, string option, int first)
    {
        if (first < 1 || first + Nodes - 1 > 65535)
        {
            errors.Add($"{option} must leave room for {Nodes} port(s) between 1 and 65535 (was {first}).");
        }
    }
}
