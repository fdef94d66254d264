using System.Runtime.InteropServices;
using Deror.Exo.Simulator;
using Deror.Exo.Simulator.Hosting;
using Microsoft.Extensions.Logging;

// exo-sim: one simulated Exo node per process, started and stopped like exo itself.
ExoSimOptions options;
try
{
    options = CommandLine.Parse(args, Environment.GetEnvironmentVariable);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"exo-sim: {e.Message}");
    Console.Error.WriteLine(CommandLine.Usage);
    return 2;
}

var pidPath = PidFileLock.DefaultPath(Environment.GetEnvironmentVariable);
using var pidLock = PidFileLock.TryAcquire(pidPath);
if (pidLock is null)
{
    Console.Error.WriteLine($"exo-sim: another exo is already running with this EXO_HOME (lock held on {pidPath}).");
    return 1;
}

// SIGINT or SIGTERM starts a graceful shutdown; a second signal exits 1 at once, as exo does.
var shutdown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
var signals = 0;
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true;
    if (Interlocked.Increment(ref signals) > 1)
    {
        Environment.Exit(1);
    }
    shutdown.TrySetResult();
}
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

await using var node = await ExoSimNode.StartAsync(
    options,
    logging => logging
        .AddSimpleConsole(c => c.SingleLine = true)
        .SetMinimumLevel(LogLevel.Information)
        .AddFilter("Microsoft", LogLevel.Warning)
        .AddFilter("System.Net.Http", LogLevel.Warning),
    crash: Environment.Exit);

await shutdown.Task;
await node.StopAsync();
return 0;
