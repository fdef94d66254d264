using System.CommandLine;
using Deror.Cli.Output;
using Deror.Grains;

namespace Deror.Cli.Commands;

internal static class ListCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var state = new Option<TaskState?>("--state", "-s") { Description = "Only tasks in this state", HelpName = string.Join('|', Enum.GetNames<TaskState>()) };
        var limit = new Option<int>("--limit", "-n") { Description = "At most this many (1-1000)", DefaultValueFactory = _ => 50 };
        var offset = new Option<int>("--offset") { Description = "Skip this many of the newest first" };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 1000)
            {
                r.AddError("--limit must be between 1 and 1000.");
            }
        });
        offset.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0)
            {
                r.AddError("--offset must be 0 or more.");
            }
        });
        var command = new Command("list", "List tasks, newest first") { state, limit, offset };
        return command.WithAction(environment, async (context, cancellationToken) =>
        {
            var cluster = await context.ClusterAsync(cancellationToken);
            var page = await cluster.ListTasksAsync(context.GetValue(state), context.GetValue(offset), context.GetValue(limit)).WaitAsync(cancellationToken);
            if (context.Output.Json)
            {
                context.Output.WriteJson(page);
            }
            else
            {
                context.Output.Console.Write(Views.Tasks(page));
            }
            return ExitCodes.Success;
        });
    }
}
