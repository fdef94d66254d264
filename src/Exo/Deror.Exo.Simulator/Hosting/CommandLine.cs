using System.Globalization;

namespace Deror.Exo.Simulator.Hosting;

/// <summary>Reads exo-sim's command line and environment the way exo reads its own (plus the simulator's settings).</summary>
public static class CommandLine
{
    public const string Usage = """
        usage: exo-sim [--api-port N] [--namespace NAME] [-m|--force-master] [--no-worker]
                       [--cluster-dir DIR] [--friendly-name NAME] [--disk-mb N]
                       [--tick-ms N] [--probe-timeout-ms N] [--election-ms N] [--node-timeout-ms N]
                       [--sweep-ms N] [--runner-step-ms N] [--token-ms N]
        env: OVERRIDE_MEMORY_MB (RAM to report), EXO_HOME (PID file $EXO_HOME/exo.pid, locked through exo.pid.lock), EXO_SIM_CLUSTER_DIR
        """;

    /// <summary>Parses the arguments over the environment's defaults; throws <see cref="ArgumentException"/> with the reason.</summary>
    public static ExoSimOptions Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var options = new ExoSimOptions();
        if (environment("EXO_SIM_CLUSTER_DIR") is { Length: > 0 } clusterDirectory)
        {
            options.ClusterDirectory = clusterDirectory;
        }
        if (environment("OVERRIDE_MEMORY_MB") is { Length: > 0 } memory)
        {
            options.MemoryMb = ParseLong("OVERRIDE_MEMORY_MB", memory);
        }
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value.");
            switch (arg)
            {
                case "--api-port": options.ApiPort = (int)ParseLong(arg, Value()); break;
                case "--namespace": options.Namespace = Value(); break;
                case "-m" or "--force-master": options.ForceMaster = true; break;
                case "--no-worker": options.NoWorker = true; break;
                case "--cluster-dir": options.ClusterDirectory = Value(); break;
                case "--friendly-name": options.FriendlyName = Value(); break;
                case "--disk-mb": options.DiskMb = ParseLong(arg, Value()); break;
                case "--tick-ms": options.TickInterval = Milliseconds(arg, Value()); break;
                case "--probe-timeout-ms": options.ProbeTimeout = Milliseconds(arg, Value()); break;
                case "--election-ms": options.ElectionDuration = Milliseconds(arg, Value()); break;
                case "--node-timeout-ms": options.NodeTimeout = Milliseconds(arg, Value()); break;
                case "--sweep-ms": options.InstanceSweepInterval = Milliseconds(arg, Value()); break;
                case "--runner-step-ms": options.RunnerStepDelay = Milliseconds(arg, Value()); break;
                case "--token-ms": options.TokenDelay = Milliseconds(arg, Value()); break;
                default: throw new ArgumentException($"Unknown argument '{arg}'.");
            }
        }
        options.Validate();
        return options;
    }

    private static long ParseLong(string name, string value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw new ArgumentException($"{name} must be an integer; got '{value}'.");

    private static TimeSpan Milliseconds(string name, string value) => TimeSpan.FromMilliseconds(ParseLong(name, value));
}
