using System.CommandLine;
using Deror.Cli.Parsing;
using Deror.Grains;

namespace Deror.Cli.Commands;

/// <summary>The options <c>run</c>, <c>exec</c> and <c>schedule</c> share, and how they shape a <see cref="TaskSpec"/>.</summary>
internal sealed class TaskOptions
{
    public Option<double> Cpu { get; } = new("--cpu") { Description = "CPU cores the task needs (only nodes with that much room take it)", HelpName = "cores" };

    public Option<long> Memory { get; } = new("--memory") { Description = "Memory the task needs, e.g. 512m, 2g", HelpName = "size", CustomParser = OptionParsers.Bytes };

    public Option<TimeSpan?> Timeout { get; } = new("--timeout") { Description = "Stop an attempt that runs longer, e.g. 30s, 5m", HelpName = "duration", CustomParser = r => OptionParsers.Duration(r) };

    public Option<int> Retries { get; } = new("--retries") { Description = "Attempts after the first if it fails or times out", HelpName = "n" };

    public Option<string?> IdempotencyKey { get; } = new("--idempotency-key") { Description = "Submissions with the same key are one task", HelpName = "key" };

    public Option<string?> Node { get; } = new("--node") { Description = "Run only on this node", HelpName = "name" };

    public Option<string[]> Env { get; } = new("--env", "-e") { Description = "Environment variable for the task, KEY=VALUE (repeatable)", HelpName = "KEY=VALUE", AllowMultipleArgumentsPerToken = false };

    public TaskOptions()
    {
        Cpu.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is < 0 or double.NaN)
            {
                r.AddError("--cpu must be 0 or more.");
            }
        });
        Retries.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0)
            {
                r.AddError("--retries must be 0 or more.");
            }
        });
        Env.Validators.Add(r =>
        {
            foreach (var value in r.GetValueOrDefault<string[]>() ?? [])
            {
                if (value.IndexOf('=', StringComparison.Ordinal) <= 0)
                {
                    r.AddError($"--env: '{value}' is not KEY=VALUE.");
                }
            }
        });
    }

    public void AddTo(Command command)
    {
        command.Add(Cpu);
        command.Add(Memory);
        command.Add(Timeout);
        command.Add(Retries);
        command.Add(IdempotencyKey);
        command.Add(Node);
        command.Add(Env);
    }

    /// <summary>The environment the task gets from <c>--env</c>.</summary>
    public Dictionary<string, string> Environment(ParseResult parse)
        => (parse.GetValue(Env) ?? []).Select(e => e.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    /// <summary>Applies resources, timeout, retries, de-duplication and placement to <paramref name="spec"/>.</summary>
    public TaskSpec Apply(TaskSpec spec, ParseResult parse) => spec with
    {
        Resources = new ResourceRequest { CpuCores = parse.GetValue(Cpu), MemoryBytes = parse.GetValue(Memory) },
        Timeout = parse.GetValue(Timeout),
        MaxAttempts = parse.GetValue(Retries) + 1,
        IdempotencyKey = parse.GetValue(IdempotencyKey),
        Node = parse.GetValue(Node),
    };
}
