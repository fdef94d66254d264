using System.CommandLine;
using Deror.Client;
using Spectre.Console;

namespace Deror.Cli.Commands;

/// <summary>
/// The cluster's active silos, as the gateway's system grain lists them (clients cannot read the membership table
/// itself): one gateway address per active silo.
/// </summary>
internal static class SilosCommand
{
    /// <summary>One active silo, by the gateway it serves clients on.</summary>
    public sealed record SiloSummary(string Gateway, string Status);

    public static Command Create(CliEnvironment environment)
        => new Command("silos", "List the cluster's active silos (by gateway address)").WithAction(environment, async (context, cancellationToken) =>
        {
            var grains = await context.GrainsAsync(cancellationToken);
            var gateways = await grains.GetGrain<IGatewayListGrain>(IGatewayListGrain.Key).GetGateways().WaitAsync(cancellationToken);
            var silos = gateways.Order(StringComparer.Ordinal).Select(g => new SiloSummary(g, "Active")).ToArray();
            if (context.Output.Json)
            {
                context.Output.WriteJson(silos);
                return ExitCodes.Success;
            }
            var table = new Table { Border = TableBorder.Simple }.AddColumn("GATEWAY").AddColumn("STATUS");
            foreach (var silo in silos)
            {
                table.AddRow(Markup.Escape(silo.Gateway), $"[green]{silo.Status}[/]");
            }
            context.Output.Console.Write(table);
            return ExitCodes.Success;
        });
}
