using System.CommandLine;
using Deror.Cli.Output;

namespace Deror.Cli.Commands;

internal static class EventsCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var after = new Option<long>("--after") { Description = "Start after this sequence number (0: from the beginning)", HelpName = "sequence" };
        after.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long>() < 0)
            {
                r.AddError("--after must be 0 or more.");
            }
        });
        var command = new Command("events", "Follow the cluster's lifecycle events (tasks, nodes, maintenance, health) until Ctrl-C; --json: one event per line") { after };
        return command.WithAction(environment, async (context, cancellationToken) =>
        {
            var cluster = await context.ClusterAsync(cancellationToken);
            var output = context.Output;
            await foreach (var record in cluster.FollowEventsAsync(context.GetValue(after), cancellationToken))
            {
                if (output.Json)
                {
                    output.WriteJsonLine(record);
                }
                else
                {
                    output.Stdout.WriteLine(Views.Event(record));
                    output.Stdout.Flush();
                }
            }
            return ExitCodes.Success;
        });
    }
}
