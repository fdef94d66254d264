using System.CommandLine;
using Deror.Client;
using Deror.Grains;
using Spectre.Console;

namespace Deror.Cli.Commands;

/// <summary>Starts maintenance (one node, or rolling over all of them) and follows it live until it is done.</summary>
internal static class MaintainCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static Command Create(CliEnvironment environment)
    {
        var node = new Option<string?>("--node") { Description = "Maintain only this node (default: all, one after another)", HelpName = "name" };
        var maxParallel = new Option<int?>("--max-parallel") { Description = "Nodes in maintenance at once (default: the cluster policy's)", HelpName = "n" };
        var minHealthy = new Option<int?>("--min-healthy") { Description = "Never go below this many healthy nodes (default: the cluster policy's)", HelpName = "n" };
        var command = new Command("maintain", "Drain, maintain and bring back nodes, showing progress until done") { node, maxParallel, minHealthy };
        return command.WithAction(environment, async (context, cancellationToken) =>
        {
            var cluster = await context.ClusterAsync(cancellationToken);
            var started = await cluster.PerformMaintenanceAsync(context.GetValue(node), context.GetValue(maxParallel), context.GetValue(minHealthy)).WaitAsync(cancellationToken);
            var output = context.Output;
            var final = output.Json
                ? await UntilDoneAsync(cluster, started.Id, _ => { }, cancellationToken)
                : await FollowAsync(output.Console, cluster, started, cancellationToken);
            if (output.Json)
            {
                output.WriteJson(final);
            }
            return final.Phase == MaintenancePhase.Completed
                ? ExitCodes.Success
                : throw new CliException(ExitCodes.Failure, $"maintenance {final.Id} was {final.Phase}: {final.Detail}");
        });
    }

    private static async Task<MaintenanceStatus> FollowAsync(IAnsiConsole console, ClusterManager cluster, MaintenanceStatus started, CancellationToken cancellationToken)
    {
        console.MarkupLine($"Maintenance [bold]{Markup.Escape(started.Id)}[/] of {started.Steps.Count} node(s); Ctrl-C stops watching, not the maintenance.");
        MaintenanceStatus? final = null;
        await console.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var bars = started.Steps.ToDictionary(s => s.Node, s => progress.AddTask(Describe(s), maxValue: 1));
                final = await UntilDoneAsync(cluster, started.Id, status =>
                {
                    foreach (var step in status.Steps)
                    {
                        if (!bars.TryGetValue(step.Node, out var bar))
                        {
                            bars[step.Node] = bar = progress.AddTask(Describe(step), maxValue: 1);
                        }
                        bar.Description = Describe(step);
                        bar.Value = step.Done ? 1 : step.StartedAt is null ? 0 : 0.5;
                    }
                }, cancellationToken);
            });
        console.MarkupLine($"Maintenance [bold]{Markup.Escape(final!.Id)}[/]: {final.Phase} ({Markup.Escape(final.Detail)})");
        return final;
    }

    private static async Task<MaintenanceStatus> UntilDoneAsync(ClusterManager cluster, string id, Action<MaintenanceStatus> onUpdate, CancellationToken cancellationToken)
    {
        while (true)
        {
            var status = await cluster.GetMaintenanceAsync().WaitAsync(cancellationToken)
                ?? throw new CliException(ExitCodes.Failure, $"maintenance {id} is no longer known to the cluster.");
            if (status.Id != id)
            {
                throw new CliException(ExitCodes.Failure, $"maintenance {id} was replaced by {status.Id}.");
            }
            onUpdate(status);
            if (status.Phase is MaintenancePhase.Completed or MaintenancePhase.Cancelled)
            {
                return status;
            }
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private static string Describe(MaintenanceStep step)
        => Markup.Escape($"{step.Node,-16} {(step.Done ? "done" : step.Status?.ToString() ?? "waiting")}");
}
