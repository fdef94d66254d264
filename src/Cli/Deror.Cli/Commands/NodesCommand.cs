using System.CommandLine;
using Deror.Cli.Output;

namespace Deror.Cli.Commands;

internal static class NodesCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var name = new Argument<string?>("node") { Description = "Show only this node, in detail", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("nodes", "List the Exo nodes and their state, or show one") { name };
        return command.WithAction(environment, async (context, cancellationToken) =>
        {
            var cluster = await context.ClusterAsync(cancellationToken);
            if (context.GetValue(name) is { } one)
            {
                var node = await cluster.GetNodeAsync(one).WaitAsync(cancellationToken);
                if (context.Output.Json)
                {
                    context.Output.WriteJson(node);
                }
                else
                {
                    context.Output.Console.Write(Views.Node(node));
                }
                return ExitCodes.Success;
            }
            var nodes = await cluster.GetNodesAsync().WaitAsync(cancellationToken);
            if (context.Output.Json)
            {
                context.Output.WriteJson(nodes);
            }
            else
            {
                context.Output.Console.Write(Views.Nodes(nodes));
            }
            return ExitCodes.Success;
        });
    }
}
