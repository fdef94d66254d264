using Microsoft.Extensions.Configuration;

namespace Deror.PyHost.Handlers;

/// <summary>
/// The Python task handlers a silo runs (<c>Deror:PyHost</c>): <c>Handlers</c> are the .py files whose
/// <c>@deror.task</c> functions it loads (one path, comma-separated paths, or an array <c>Handlers:0</c>, ...);
/// <c>LibPython</c> and <c>Python</c> choose the interpreter as <c>deror-py</c>'s <c>--libpython</c>/<c>--python</c> do.
/// </summary>
public sealed class PythonHandlerOptions
{
    public const string ConfigurationSection = "Deror:PyHost";

    /// <summary>Python files that register handlers with <c>@deror.task("name")</c>.</summary>
    public IList<string> Handlers { get; } = [];

    /// <summary>The libpython to embed; null for <c>DEROR_LIBPYTHON</c>, else Debian's libpython3.11.</summary>
    public string? LibPython { get; set; }

    /// <summary>The matching interpreter executable (for <c>sys.prefix</c>); null for <c>DEROR_PYTHON</c>, else <c>/usr/bin/python3.X</c>.</summary>
    public string? Python { get; set; }

    /// <summary>Reads <c>Deror:PyHost</c>; paths are relative to the working directory.</summary>
    public static PythonHandlerOptions Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(ConfigurationSection);
        var options = new PythonHandlerOptions { LibPython = section["LibPython"], Python = section["Python"] };
        var handlers = section.GetSection("Handlers");
        var paths = handlers.Value is { } list
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : handlers.GetChildren().Select(c => c.Value).OfType<string>();
        foreach (var path in paths)
        {
            options.Handlers.Add(path);
        }
        return options;
    }

    /// <summary>The interpreter settings for the embedding.</summary>
    internal PyHostOptions Interpreter()
    {
        var interpreter = new PyHostOptions();
        if (LibPython is { Length: > 0 } libPython)
        {
            interpreter.LibPython = libPython;
        }
        if (Python is { Length: > 0 } python)
        {
            interpreter.PythonExecutable = python;
        }
        return interpreter;
    }

    /// <summary>The problems with these settings (each naming its setting), empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Handlers.Count == 0)
        {
            errors.Add($"{ConfigurationSection}:Handlers must name at least one Python file with @deror.task handlers.");
        }
        foreach (var path in Handlers)
        {
            if (!path.EndsWith(".py", StringComparison.Ordinal))
            {
                errors.Add($"{ConfigurationSection}:Handlers: '{path}' is not a .py file.");
            }
            else if (!File.Exists(path))
            {
                errors.Add($"{ConfigurationSection}:Handlers: '{Path.GetFullPath(path)}' does not exist.");
            }
        }
        errors.AddRange(Interpreter().Validate().Select(e => $"{ConfigurationSection}: {e}"));
        return errors;
    }
}
