using System.CommandLine;

namespace Deror.Cli.Commands;

internal static class CommandActions
{
    /// <summary>Runs <paramref name="action"/> with a <see cref="CommandContext"/> that is disposed (disconnecting) afterwards; cancelled by Ctrl-C.</summary>
    public static Command WithAction(this Command command, CliEnvironment environment, Func<CommandContext, CancellationToken, Task<int>> action)
    {
        command.SetAction(async (parse, _) =>
        {
            await using var context = new CommandContext(environment, parse);
            return await action(context, environment.Interrupts.Stop);
        });
        return command;
    }
}
