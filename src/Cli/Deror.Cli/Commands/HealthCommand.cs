using System.CommandLine;
using Deror.Cli.Output;

namespace Deror.Cli.Commands;

internal static class HealthCommand
{
    public static Command Create(CliEnvironment environment)
        => new Command("health", "Show the cluster's health: status, reasons and a summary per node").WithAction(environment, async (context, cancellationToken) =>
        {
            var cluster = await context.ClusterAsync(cancellationToken);
            var health = await cluster.HealthCheckAsync().WaitAsync(cancellationToken);
            if (context.Output.Json)
            {
                context.Output.WriteJson(health);
            }
            else
            {
                context.Output.Console.Write(Views.Health(health));
            }
            return ExitCodes.Success;
        });
}
