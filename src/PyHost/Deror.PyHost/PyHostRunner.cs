using Deror.PyHost.Cluster;
using Deror.PyHost.Embedding;
using Microsoft.Extensions.Logging;

namespace Deror.PyHost;

/// <summary>
/// Runs one Python entry point in the embedded interpreter with the cluster services wired in, then shuts
/// down in the safe order: no more callbacks into Python, finalize the interpreter, disconnect.
/// </summary>
internal static class PyHostRunner
{
    public const string LogLevelVariable = "DEROR_PY_LOG_LEVEL";

    public static int Run(PyHostOptions options, string function, IReadOnlyList<string> arguments)
    {
        using var loggers = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable(LogLevelVariable), ignoreCase: true, out var level) ? level : LogLevel.Warning)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
        var connection = new ClusterConnection(loggers.CreateLogger<ClusterConnection>());
        var services = new DerorModuleServices(
            connection,
            new GrainCaller(connection, GrainInterfaceCatalog.Default, JsonMethodInvoker.Shared),
            new ClusterManagerCaller(connection, JsonMethodInvoker.Shared),
            new AsyncCalls(loggers.CreateLogger<AsyncCalls>()),
            new ConsoleRebinding());
        var python = PythonInterpreter.Start(options, services);
        int exitCode;
        try
        {
            exitCode = python.RunHost(function, arguments);
        }
        finally
        {
            GilFreeWait.WithoutGil(services.AsyncCalls.Close);
            PythonInterpreter.Finalize();
            services.Console.Restore();
            connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return exitCode;
    }
}
