using System.Text.Json;
using Deror.Grains;
using Spectre.Console;

namespace Deror.Cli.Output;

/// <summary>
/// Where results go: tables and text for people (Spectre) or JSON for scripts, on stdout; notes and the one-line
/// <c>error:</c> on stderr so they never mix into what a script parses.
/// </summary>
internal sealed class CliOutput
{
    /// <summary>Wide enough that redirected tables keep ids and reasons on one line (grep-able).</summary>
    private const int RedirectedWidth = 240;

    private static readonly JsonSerializerOptions Indented = new(DerorJson.Options) { WriteIndented = true };

    public CliOutput(bool json, TextWriter stdout, TextWriter stderr)
    {
        Json = json;
        Stdout = stdout;
        Stderr = stderr;
        var redirected = System.Console.IsOutputRedirected;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            // No colour codes in pipes and files; Spectre also honours NO_COLOR.
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected)
        {
            Console.Profile.Width = RedirectedWidth;
        }
    }

    public bool Json { get; }

    /// <summary>Spectre's console over stdout, for tables and live displays.</summary>
    public IAnsiConsole Console { get; }

    public TextWriter Stdout { get; }

    public TextWriter Stderr { get; }

    /// <summary>One document, indented, with the domain's JSON shape (<see cref="DerorJson.Options"/>).</summary>
    public void WriteJson<T>(T value) => Stdout.WriteLine(JsonSerializer.Serialize(value, Indented));

    /// <summary>One compact document per line, for streams (events, followed logs).</summary>
    public void WriteJsonLine<T>(T value)
    {
        Stdout.WriteLine(JsonSerializer.Serialize(value, DerorJson.Options));
        Stdout.Flush();
    }

    public void Note(string text) => Stderr.WriteLine(text);

    public void Error(string message) => Stderr.WriteLine("error: " + OneLine(message));

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
