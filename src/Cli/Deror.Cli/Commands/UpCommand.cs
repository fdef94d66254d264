using System.CommandLine;
using System.Reflection;
using Deror.Cli.LocalCluster;

namespace Deror.Cli.Commands;

/// <summary><c>deror up</c>: a local cluster in one command, until Ctrl-C.</summary>
internal static class UpCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var nodes = new Option<int>("--nodes", "-n") { Description = "How many silos (each beside a simulated Exo node)", DefaultValueFactory = _ => 3 };
        var gatewayPort = new Option<int>("--gateway-port") { Description = "The first silo's client gateway port; the others follow", DefaultValueFactory = _ => 30000 };
        var siloPort = new Option<int>("--silo-port") { Description = "The first silo's silo-to-silo port; the others follow", DefaultValueFactory = _ => 11111 };
        var dataDirectory = new Option<string>("--data-dir") { Description = "Where the SQLite store (local.db) and the logs go", DefaultValueFactory = _ => ".deror" };
        var fresh = new Option<bool>("--fresh") { Description = "Delete the store and logs first (start from an empty cluster)" };
        var httpPort = new Option<int>("--http-port") { Description = "The first silo's HTTP API and dashboard port; the others follow", DefaultValueFactory = _ => 8080 };
        var exoPort = new Option<int>("--exo-port") { Description = "The first simulated Exo node's API port; the others follow", DefaultValueFactory = _ => 52415 };
        var noExo = new Option<bool>("--no-exo") { Description = "Start the silos alone, without simulated Exo nodes" };
        var dockerSocket = new Option<string>("--docker-socket")
        {
            Description = "The Docker engine's unix socket the sidecars run container tasks on [default: DOCKER_HOST if unix://, else /var/run/docker.sock]",
            HelpName = "path",
        };
        var containerNetwork = new Option<string>("--container-network") { Description = "The network container tasks join (e.g. none); default: the engine's", HelpName = "name" };
        var pythonHandlers = new Option<string[]>("--python-handlers")
        {
            Description = "A Python file whose @deror.task functions every silo runs as handler tasks (repeatable, or comma-separated)",
            HelpName = "path",
            AllowMultipleArgumentsPerToken = false,
        };
        var siloPath = new Option<string>("--silo-path") { Description = "The silo to run (Deror.Silo.dll); default: the one built with this CLI", DefaultValueFactory = _ => BuiltPath("DerorSiloPath", "Deror.Silo.dll") };
        var command = new Command("up", "Start a local cluster on this machine (Ctrl-C stops it)") { nodes, gatewayPort, siloPort, httpPort, exoPort, noExo, dockerSocket, containerNetwork, pythonHandlers, dataDirectory, fresh, siloPath };
        return command.WithAction(environment, async (context, cancellationToken) =>
        {
            var options = new LocalClusterOptions
            {
                Nodes = context.GetValue(nodes),
                ClusterId = environment.Globals.ClusterId(context.Parse),
                GatewayPort = context.GetValue(gatewayPort),
                SiloPort = context.GetValue(siloPort),
                HttpPort = context.GetValue(httpPort),
                DataDirectory = context.GetValue(dataDirectory),
                SiloPath = Path.GetFullPath(context.GetValue(siloPath)),
                WithExo = !context.GetValue(noExo),
                ExoPort = context.GetValue(exoPort),
                ExoSimPath = BuiltPath("DerorExoSimPath", "exo-sim.dll"),
                DockerSocket = NonEmpty(context.GetValue(dockerSocket)) ?? DockerHostSocket(),
                ContainerNetwork = NonEmpty(context.GetValue(containerNetwork)),
                PythonHandlers = [.. (context.GetValue(pythonHandlers) ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(Path.GetFullPath)],
                Token = environment.Globals.AccessToken(context.Parse),
            };
            if (options.Validate() is { Count: > 0 } errors)
            {
                throw new CliException(ExitCodes.BadArguments, string.Join(" ", errors));
            }
            var output = context.Output;
            if (context.GetValue(fresh))
            {
                DeleteData(options);
            }
            output.Note($"deror: starting {options.Nodes} silo(s) of cluster '{options.ClusterId}'...");
            await using var cluster = await LocalCluster.LocalCluster.StartAsync(options, cancellationToken);
            output.Stdout.WriteLine($"Local cluster '{options.ClusterId}' is up: {options.Nodes} silo(s).");
            output.Stdout.WriteLine($"  dashboard  {cluster.Dashboard}");
            output.Stdout.WriteLine($"  gateway    {cluster.Gateways[0]}" + (options.Nodes > 1 ? $" (and {string.Join(", ", cluster.Gateways.Skip(1))})" : ""));
            if (options.WithExo)
            {
                output.Stdout.WriteLine($"  nodes      {string.Join(", ", Enumerable.Range(0, options.Nodes).Select(i => $"{LocalClusterOptions.NodeName(i)} (Exo API http://127.0.0.1:{options.ExoPort + i})"))}");
            }
            output.Stdout.WriteLine($"  store      {options.DatabasePath}");
            output.Stdout.WriteLine($"  logs       {options.LogDirectory}");
            output.Stdout.WriteLine($"  pids       {string.Join(' ', cluster.Silos.Select(s => s.Pid))}");
            output.Stdout.WriteLine("Press Ctrl-C to stop.");
            output.Stdout.Flush();

            var running = cluster.Silos.ToList();
            var interrupted = Task.Delay(Timeout.Infinite, cancellationToken);
            while (running.Count > 0)
            {
                var exited = cluster.AnyExitedAsync(running);
                if (await Task.WhenAny(exited, interrupted) == interrupted)
                {
                    break;
                }
                var silo = await exited;
                running.Remove(silo);
                output.Note($"deror: {silo.Name} (pid {silo.Pid}) exited with code {silo.ExitCode}; see {silo.LogPath}");
            }
            if (running.Count == 0)
            {
                throw new CliException(ExitCodes.Failure, "every silo has exited.");
            }

            output.Note($"deror: stopping {running.Count} silo(s) (Ctrl-C again to kill them now)...");
            foreach (var killed in await cluster.StopAsync(environment.Interrupts.Force))
            {
                output.Note($"deror: {killed.Name} (pid {killed.Pid}) did not stop in time; killed it");
            }
            output.Note("deror: stopped.");
            return ExitCodes.Success;
        });
    }

    /// <summary>An executable built alongside this CLI (its path is recorded at build time; see Deror.Cli.csproj).</summary>
    private static string BuiltPath(string key, string fallback)
        => Path.GetFullPath(typeof(UpCommand).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value ?? fallback);

    private static void DeleteData(LocalClusterOptions options)
    {
        foreach (var file in new[] { options.DatabasePath, options.DatabasePath + "-wal", options.DatabasePath + "-shm" })
        {
            File.Delete(file);
        }
        if (Directory.Exists(options.LogDirectory))
        {
            Directory.Delete(options.LogDirectory, recursive: true);
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>The socket of <c>DOCKER_HOST</c> when it names a unix socket, as the docker CLI reads it.</summary>
    private static string? DockerHostSocket()
        => Environment.GetEnvironmentVariable("DOCKER_HOST") is { } host && host.StartsWith("unix://", StringComparison.Ordinal) ? host["unix://".Length..] : null;
}
