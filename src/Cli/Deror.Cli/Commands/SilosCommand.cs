using System.CommandLine;
using Deror.Cli.Output;
using Deror.Client;

namespace Deror.Cli.Commands;

/// <summary>
/// The cluster's membership as the gateway's silo sees it (the management grain; the HTTP API's <c>GET /api/silos</c>
/// reads the same): every silo with its status, start time and the Exo node it hosts.
/// </summary>
internal static class SilosCommand
{
    public static Command Create(CliEnvironment environment)
        => new Command("silos", "List the cluster's silos: status (Joining, Active, ShuttingDown, Dead), start time, hosted Exo node").WithAction(environment, async (context, cancellationToken) =>
        {
            var grains = await context.GrainsAsync(cancellationToken);
            var silos = await grains.GetGrain<IManagementGrain>(IManagementGrain.Key).GetSilos().WaitAsync(cancellationToken);
            if (context.Output.Json)
            {
                context.Output.WriteJson(silos);
                return ExitCodes.Success;
            }
            context.Output.Console.Write(Views.Silos(silos));
            return ExitCodes.Success;
        });
}
