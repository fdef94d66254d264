using System.CommandLine;
using Deror.Cli.Output;
using Deror.Cli.Parsing;
using Deror.Grains;

namespace Deror.Cli.Commands;

/// <summary>
/// <c>run</c> (container task), <c>exec</c> (process task) and <c>schedule run|exec</c> (the same, deferred with
/// <c>--at</c> or repeated with <c>--cron</c>).
/// </summary>
internal static class SubmitCommands
{
    public static Command Run(CliEnvironment environment) => Create(environment, TaskKind.Container, scheduled: false);

    public static Command Exec(CliEnvironment environment) => Create(environment, TaskKind.Process, scheduled: false);

    public static Command Schedule(CliEnvironment environment)
        => new("schedule", "Submit a task that starts later (--at) or on a cron schedule (--cron)")
        {
            Create(environment, TaskKind.Container, scheduled: true),
            Create(environment, TaskKind.Process, scheduled: true),
        };

    private static Command Create(CliEnvironment environment, TaskKind kind, bool scheduled)
    {
        var container = kind == TaskKind.Container;
        var name = new Argument<string>("name") { Description = "A name for the task (need not be unique)" };
        var image = new Argument<string>("image") { Description = "The container image" };
        var commandLine = new Argument<string[]>("command")
        {
            Description = container ? "The command and its arguments, after --; default: the image's own" : "The program and its arguments, after --",
            Arity = container ? ArgumentArity.ZeroOrMore : ArgumentArity.OneOrMore,
        };
        var options = new TaskOptions();
        var wait = new Option<bool>("--wait", "-w") { Description = "Follow the task's output until it finishes and exit with its exit code" };
        var at = new Option<DateTimeOffset?>("--at") { Description = "Start at this time: ISO 8601 (2030-01-02T03:04:05Z) or +duration (+10m)", HelpName = "time", CustomParser = r => OptionParsers.StartTime(r) };
        var cron = new Option<string?>("--cron") { Description = "Run on this UTC cron schedule: minute hour day month weekday (seconds first optional)", HelpName = "expression" };

        var command = new Command(container ? "run" : "exec", container ? "Run a container on a node (a container task)" : "Run a program on a node (a process task)") { name };
        if (container)
        {
            command.Add(image);
        }
        command.Add(commandLine);
        options.AddTo(command);
        if (scheduled)
        {
            command.Add(at);
            command.Add(cron);
            command.Validators.Add(r =>
            {
                if ((r.GetResult(at) is null) == (r.GetResult(cron) is null))
                {
                    r.AddError("schedule needs exactly one of --at and --cron.");
                }
            });
        }
        else
        {
            command.Add(wait);
        }

        return command.WithAction(environment, async (context, cancellationToken) =>
        {
            var parse = context.Parse;
            var arguments = parse.GetValue(commandLine) ?? [];
            var spec = new TaskSpec
            {
                Name = parse.GetValue(name)!,
                Kind = kind,
                Container = container ? new ContainerSpec { Image = parse.GetValue(image)!, Command = arguments, Environment = options.Environment(parse) } : null,
                Process = container ? null : new ProcessSpec { Command = arguments[0], Arguments = arguments[1..], Environment = options.Environment(parse) },
            };
            spec = options.Apply(spec, parse);
            if (scheduled)
            {
                spec = spec with { RunAt = parse.GetValue(at), Cron = parse.GetValue(cron) };
            }

            var cluster = await context.ClusterAsync(cancellationToken);
            var task = await cluster.SubmitAsync(spec).WaitAsync(cancellationToken);
            var output = context.Output;
            if (scheduled || !parse.GetValue(wait))
            {
                if (output.Json)
                {
                    output.WriteJson(await task.GetInfoAsync().WaitAsync(cancellationToken));
                }
                else
                {
                    output.Stdout.WriteLine(task.Id); // the id alone, so `id=$(deror exec ...)` works without --json
                }
                return ExitCodes.Success;
            }

            TaskInfo info;
            if (output.Json)
            {
                info = await task.WaitAsync(cancellationToken: cancellationToken);
                output.WriteJson(info);
            }
            else
            {
                output.Note($"task {task.Id} submitted; following its output (Ctrl-C stops following, not the task)");
                info = await new LogFollower(task, TaskOutput.Writer(output)).FollowAsync(cancellationToken);
                output.Note($"task {task.Id} {info.State}" + (info.ExitCode is { } code ? $" (exit code {code})" : "") + (info.Error is { } error ? $": {error}" : ""));
            }
            return TaskExitCodes.Of(info);
        });
    }
}
