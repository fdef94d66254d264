using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Deror.Cli.Commands;

namespace Deror.Cli;

/// <summary>The <c>deror</c> command line: parses, runs one command, and turns every failure into one <c>error:</c> line and an exit code.</summary>
public static class DerorCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        using var interrupts = new Interrupts();
        var globals = new GlobalOptions();
        var environment = new CliEnvironment(globals, stdout, stderr, interrupts);
        var root = CreateRoot(environment);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            environment.OutputFor(parse).Error($"{parse.Errors[0].Message} (see '{CommandPath(parse)} --help')");
            return ExitCodes.BadArguments;
        }
        try
        {
            // Signals are handled by Interrupts; exceptions here, so each becomes one line and its exit code.
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null, Output = stdout, Error = stderr });
        }
        catch (OperationCanceledException) when (interrupts.Stop.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
        catch (Exception e)
        {
            environment.OutputFor(parse).Error(e.Message);
            return ExitCodes.For(e);
        }
    }

    /// <summary>The command as typed, e.g. <c>deror schedule exec</c>.</summary>
    private static string CommandPath(ParseResult parse)
    {
        var names = new Stack<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Push(result.Parent is null ? "deror" : result.Command.Name);
        }
        return string.Join(' ', names);
    }

    private static RootCommand CreateRoot(CliEnvironment environment)
    {
        var root = new RootCommand("Operate a Deror cluster of Exo nodes, or start a local one with 'deror up'.")
        {
            UpCommand.Create(environment),
            HealthCommand.Create(environment),
            NodesCommand.Create(environment),
            SilosCommand.Create(environment),
            SubmitCommands.Run(environment),
            SubmitCommands.Exec(environment),
            SubmitCommands.Schedule(environment),
            ListCommand.Create(environment),
            GetCommand.Create(environment),
            LogsCommand.Create(environment),
            CancelCommand.Create(environment),
            MaintainCommand.Create(environment),
            EventsCommand.Create(environment),
        };
        environment.Globals.AddTo(root);
        foreach (var help in root.Options.OfType<HelpOption>())
        {
            help.Action = new HelpWithExitCodes(help.Action as HelpAction ?? new HelpAction());
        }
        return root;
    }

    /// <summary>The standard help, followed by the exit codes.</summary>
    private sealed class HelpWithExitCodes(HelpAction help) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            help.Invoke(parseResult);
            parseResult.InvocationConfiguration.Output.WriteLine(ExitCodes.HelpText);
            return ExitCodes.Success;
        }
    }
}
