using Deror.PyHost.Kernel;

namespace Deror.PyHost;

/// <summary>What <c>deror-py</c> was asked to do.</summary>
internal enum HostMode
{
    Repl,
    Script,
    Module,
    Code,
    Kernel,
    KernelInstall,
    Help,
}

/// <summary>
/// <c>deror-py [--libpython PATH] [--python PATH] [script.py | -m module | -c code | kernel ...] [args...]</c>.
/// Host options come first; everything after the script (or module, or code) belongs to it, as with python3.
/// </summary>
internal sealed record HostCommandLine(HostMode Mode, PyHostOptions Options, IReadOnlyList<string> Arguments, KernelInstallRequest? Install = null)
{
    public const string Usage = """
        usage: deror-py [--libpython PATH] [--python PATH] [script.py | -m MODULE | -c CODE] [args...]
               deror-py kernel -f CONNECTION_FILE
               deror-py kernel install [--user | --prefix DIR] [--name NAME] [--display-name TEXT]

        With no script, an interactive console starts. The `deror` module talks to the cluster at DEROR_GATEWAY
        (host:port[,host:port]) with DEROR_CLUSTER_ID, by default the local cluster of `deror up`.
          --libpython PATH   libpython to embed (DEROR_LIBPYTHON; default /usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0)
          --python PATH      the matching interpreter executable, for sys.prefix and sys.executable (DEROR_PYTHON)
        """;

    /// <exception cref="CommandLineException">The arguments are not a valid command.</exception>
    public static HostCommandLine Parse(IReadOnlyList<string> args)
    {
        var options = new PyHostOptions();
        var i = 0;
        for (; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help":
                    return new HostCommandLine(HostMode.Help, options, []);
                case "--libpython":
                    options.LibPython = Value(args, ref i);
                    continue;
                case "--python":
                    options.PythonExecutable = Value(args, ref i);
                    continue;
            }
            break;
        }
        var rest = args.Skip(i).ToArray();
        return rest switch
        {
            [] => new HostCommandLine(HostMode.Repl, options, []),
            ["-c", var code, .. var a] => new HostCommandLine(HostMode.Code, options, [code, .. a]),
            ["-m", var module, .. var a] => new HostCommandLine(HostMode.Module, options, [module, .. a]),
            ["-c" or "-m"] => throw new CommandLineException($"{rest[0]} needs an argument."),
            ["kernel", "install", .. var a] => new HostCommandLine(HostMode.KernelInstall, options, [], ParseInstall(a)),
            ["kernel", "-f", var file] => new HostCommandLine(HostMode.Kernel, options, [file]),
            ["kernel", ..] => throw new CommandLineException("expected `kernel -f CONNECTION_FILE` or `kernel install [...]`."),
            [var option, ..] when option.StartsWith('-') => throw new CommandLineException($"unknown option {option}."),
            [var script, .. var a] => new HostCommandLine(HostMode.Script, options, [script, .. a]),
        };
    }

    private static KernelInstallRequest ParseInstall(string[] args)
    {
        var user = false;
        string? prefix = null;
        var name = KernelSpecInstaller.DefaultName;
        var displayName = "Deror (Python)";
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--user":
                    user = true;
                    break;
                case "--prefix":
                    prefix = Value(args, ref i);
                    break;
                case "--name":
                    name = Value(args, ref i);
                    if (name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
                    {
                        throw new CommandLineException($"kernel name '{name}' may only hold ASCII letters, digits, '-', '_' and '.'.");
                    }
                    break;
                case "--display-name":
                    displayName = Value(args, ref i);
                    break;
                default:
                    throw new CommandLineException($"unknown kernel install option {args[i]}.");
            }
        }
        if (user && prefix is not null)
        {
            throw new CommandLineException("--user and --prefix cannot be combined.");
        }
        return new KernelInstallRequest(user, prefix, name, displayName);
    }

    private static string Value(IReadOnlyList<string> args, ref int i)
        => ++i < args.Count && args[i].Length > 0 ? args[i] : throw new CommandLineException($"{args[i - 1]} needs a value.");
}

/// <summary>The command line is invalid; the message says why.</summary>
internal sealed class CommandLineException(string message) : Exception(message);
