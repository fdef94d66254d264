using System.CommandLine;
using Deror.Cli.Output;

namespace Deror.Cli.Commands;

internal static class CancelCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var id = new Argument<string>("id") { Description = "The task's id" };
        var reason = new Option<string>("--reason") { Description = "Why, for the task's history", DefaultValueFactory = _ => "cancelled with deror cancel" };
        var command = new Command("cancel", "Cancel a task that has not finished (exit code 4 if it has)") { id, reason };
        return command.WithAction(environment, async (context, cancellationToken) =>
        {
            var cluster = await context.ClusterAsync(cancellationToken);
            var info = await cluster.GetTask(context.GetValue(id)).CancelAsync(context.GetValue(reason)).WaitAsync(cancellationToken);
            if (context.Output.Json)
            {
                context.Output.WriteJson(info);
            }
            else
            {
                context.Output.Stdout.WriteLine($"{info.Id} {info.State}");
            }
            return ExitCodes.Success;
        });
    }
}
