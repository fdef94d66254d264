using System.CommandLine;
using Deror.Cli.Output;

namespace Deror.Cli;

/// <summary>What every command shares: the global options, the standard streams and the interrupt signals.</summary>
internal sealed class CliEnvironment(GlobalOptions globals, TextWriter stdout, TextWriter stderr, Interrupts interrupts)
{
    public GlobalOptions Globals { get; } = globals;

    public TextWriter Stdout { get; } = stdout;

    public TextWriter Stderr { get; } = stderr;

    public Interrupts Interrupts { get; } = interrupts;

    public CliOutput OutputFor(ParseResult parse) => new(parse.GetValue(Globals.Json), Stdout, Stderr);
}
