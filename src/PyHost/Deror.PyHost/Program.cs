using Deror.PyHost;
using Deror.PyHost.Kernel;

const int UsageError = 2;

// Grain calls from Python block their thread until the response. With socket completions inline, the socket's
// event thread reads the response and wakes that Python thread itself: one thread wake-up per call instead of two
// (the read loop would otherwise run on a pool thread). Safe in this process because no socket continuation blocks:
// the client connection only completes calls, whose own continuations run on the pool. Only .NET reads this
// variable as set here (Python's os.environ, and so its child processes, never see it).
Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");

HostCommandLine command;
try
{
    command = HostCommandLine.Parse(args);
}
catch (CommandLineException e)
{
    await Console.Error.WriteLineAsync($"deror-py: {e.Message}\n\n{HostCommandLine.Usage}");
    return UsageError;
}

if (command.Mode == HostMode.Help)
{
    await Console.Out.WriteLineAsync(HostCommandLine.Usage);
    return 0;
}

if (command.Options.Validate() is [_, ..] problems)
{
    await Console.Error.WriteLineAsync(string.Join(Environment.NewLine, problems.Select(p => $"deror-py: {p}")));
    return UsageError;
}

if (command.Mode == HostMode.KernelInstall)
{
    var directory = KernelSpecInstaller.Install(command.Install!, command.Options);
    await Console.Out.WriteLineAsync($"Installed kernelspec {command.Install!.Name} in {directory}");
    return 0;
}

return PyHostRunner.Run(command.Options, command.Mode switch
{
    HostMode.Script => "run_script",
    HostMode.Module => "run_module",
    HostMode.Code => "run_code",
    HostMode.Kernel => "run_kernel",
    _ => "run_repl",
}, command.Arguments);
