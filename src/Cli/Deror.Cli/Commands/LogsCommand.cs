using System.CommandLine;
using Deror.Cli.Output;

namespace Deror.Cli.Commands;

internal static class LogsCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var id = new Argument<string>("id") { Description = "The task's id" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new output until the task finishes (with --json: one JSON line per chunk)" };
        var command = new Command("logs", "Print a task's captured output (the last 64 KiB)") { id, follow };
        return command.WithAction(environment, async (context, cancellationToken) =>
        {
            var cluster = await context.ClusterAsync(cancellationToken);
            var task = cluster.GetTask(context.GetValue(id));
            if (context.GetValue(follow))
            {
                await new LogFollower(task, TaskOutput.Writer(context.Output)).FollowAsync(cancellationToken);
                return ExitCodes.Success;
            }
            var logs = await task.GetLogsAsync().WaitAsync(cancellationToken);
            if (context.Output.Json)
            {
                context.Output.WriteJson(logs);
            }
            else
            {
                if (logs.Truncated)
                {
                    context.Output.Note("(earlier output was dropped; this is the end of it)");
                }
                context.Output.Stdout.Write(logs.Text);
            }
            return ExitCodes.Success;
        });
    }
}
