using System.CommandLine;
using Deror.Cli.Output;

namespace Deror.Cli.Commands;

internal static class GetCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var id = new Argument<string>("id") { Description = "The task's id" };
        var command = new Command("get", "Show one task: state, attempts, result and history") { id };
        return command.WithAction(environment, async (context, cancellationToken) =>
        {
            var cluster = await context.ClusterAsync(cancellationToken);
            var info = await cluster.GetTask(context.GetValue(id)).GetInfoAsync().WaitAsync(cancellationToken);
            if (context.Output.Json)
            {
                context.Output.WriteJson(info);
            }
            else
            {
                context.Output.Console.Write(Views.Task(info));
            }
            return ExitCodes.Success;
        });
    }
}
